package dev.ordo.wallet;

import dev.ordo.shared.ErrorCode;

/** Why a balance or capacity operation was not applied. Nothing was written. */
public enum Refusal {
    ACCOUNT_NOT_FOUND(ErrorCode.NOT_FOUND),
    PACKAGE_NOT_FOUND(ErrorCode.NOT_FOUND),
    LOCKED(ErrorCode.LOCKED),
    /** Balance plus credit, or remaining capacity, is lower than the amount. */
    INSUFFICIENT(ErrorCode.INSUFFICIENT),
    /** The trade number was already used for this operation with another amount. */
    TRADE_NO_CONFLICT(ErrorCode.CONFLICT),
    /** A refund names a trade number no deduct of this account carries. */
    DEDUCT_NOT_FOUND(ErrorCode.REFUND_REJECTED),
    /** A refund asks for more than its deduct took. */
    REFUND_EXCEEDS_DEDUCT(ErrorCode.REFUND_REJECTED),
    /** The result would not fit the balance or capacity. */
    OVERFLOW(ErrorCode.AMOUNT_INVALID),
    /** A package past its expiry date. */
    EXPIRED(ErrorCode.LIMIT_REACHED),
    /** A package's deducts today would exceed its daily limit. */
    DAILY_LIMIT(ErrorCode.LIMIT_REACHED),
    /** Not applied because another change of the same all-or-nothing group was refused. */
    GROUP_REFUSED(ErrorCode.OPERATION_FAILED);

    private final ErrorCode errorCode;

    Refusal(ErrorCode errorCode) {
        this.errorCode = errorCode;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }
}
