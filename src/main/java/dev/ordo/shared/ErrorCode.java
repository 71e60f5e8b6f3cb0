package dev.ordo.shared;

import org.springframework.http.HttpStatus;

/**
 * Every error Ordo answers with. {@code code} is the machine-readable number clients switch on; it
 * keeps the numbers of seed 003 (beanpay: 901 operation failed, 903 amount error, 904 balance or
 * quantity too low, 908 account or package not found) and continues their series for new cases.
 * The HTTP status is always 4xx for a caller's mistake and 5xx only for Ordo's own failures.
 */
public enum ErrorCode {
    /** A parameter is missing, malformed, too long or out of range. */
    BAD_PARAMETER(900, HttpStatus.BAD_REQUEST, "Bad parameter"),
    /** The operation was refused for a business reason not covered by a more specific code. */
    OPERATION_FAILED(901, HttpStatus.UNPROCESSABLE_CONTENT, "Operation failed"),
    /** An amount is not acceptable (overflow, not a whole number of cents, out of range). */
    AMOUNT_INVALID(903, HttpStatus.BAD_REQUEST, "Invalid amount"),
    /** Balance plus credit, or a package's remaining capacity, is too low. */
    INSUFFICIENT(904, HttpStatus.UNPROCESSABLE_CONTENT, "Insufficient balance or capacity"),
    /** A refund does not match a deduct it could refund (missing, or asks for more). */
    REFUND_REJECTED(905, HttpStatus.UNPROCESSABLE_CONTENT, "Refund rejected"),
    /** A package has expired or reached its daily limit. */
    LIMIT_REACHED(906, HttpStatus.UNPROCESSABLE_CONTENT, "Limit reached"),
    /** The account or package is locked. */
    LOCKED(907, HttpStatus.UNPROCESSABLE_CONTENT, "Locked"),
    /** The account, package or record does not exist. */
    NOT_FOUND(908, HttpStatus.NOT_FOUND, "Not found"),
    /** An idempotency key (trade number, account key) was reused with different parameters. */
    CONFLICT(909, HttpStatus.CONFLICT, "Conflict"),
    /** The channel does not exist or is disabled. */
    CHANNEL_UNAVAILABLE(910, HttpStatus.FORBIDDEN, "Channel unavailable"),
    /** The channel sells no such product (seed 000: 下游渠道(xxx)不存在面值(xxx)的商品). */
    PRODUCT_NOT_FOUND(911, HttpStatus.UNPROCESSABLE_CONTENT, "No such product"),
    /** More products than the product allows at once. */
    NUM_OVER_LIMIT(912, HttpStatus.UNPROCESSABLE_CONTENT, "Quantity over limit"),
    /** The amount does not equal face × num × sell discount. */
    AMOUNT_MISMATCH(913, HttpStatus.UNPROCESSABLE_CONTENT, "Amount mismatch"),
    /** Missing or wrong signature, or a timestamp outside the window. */
    SIGNATURE_INVALID(914, HttpStatus.UNAUTHORIZED, "Invalid signature"),
    /** Only a (partly) successful order can be refunded (seed 000: 订单未成功,暂时无法退款). */
    ORDER_NOT_SUCCESSFUL(915, HttpStatus.UNPROCESSABLE_CONTENT, "Order not successful"),
    /** A split order is refunded whole only (seed 000: 当前订单不支持部分退款). */
    PARTIAL_REFUND_NOT_ALLOWED(916, HttpStatus.UNPROCESSABLE_CONTENT, "Partial refund not allowed"),
    /** The product cannot be refunded (seed 000: 不支持退款). */
    NOT_REFUNDABLE(917, HttpStatus.UNPROCESSABLE_CONTENT, "Not refundable"),
    /** More products asked back than were delivered and not yet refunded. */
    REFUND_NUM_EXCEEDED(918, HttpStatus.UNPROCESSABLE_CONTENT, "Refund quantity exceeded"),
    UNAUTHORIZED(401, HttpStatus.UNAUTHORIZED, "Unauthorized"),
    FORBIDDEN(403, HttpStatus.FORBIDDEN, "Forbidden"),
    NO_SUCH_ENDPOINT(404, HttpStatus.NOT_FOUND, "No such endpoint"),
    METHOD_NOT_ALLOWED(405, HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
    UNSUPPORTED_MEDIA_TYPE(415, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
    RATE_LIMITED(429, HttpStatus.TOO_MANY_REQUESTS, "Too many requests"),
    INTERNAL_ERROR(500, HttpStatus.INTERNAL_SERVER_ERROR, "Internal error"),
    UNAVAILABLE(503, HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable");

    private final int code;
    private final HttpStatus status;
    private final String title;

    ErrorCode(int code, HttpStatus status, String title) {
        this.code = code;
        this.status = status;
        this.title = title;
    }

    public int code() {
        return code;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The problem type URI of RFC 9457, stable per code. */
    public String type() {
        return "urn:ordo:error:" + name().toLowerCase().replace('_', '-');
    }
}
