package dev.ordo.acquiring;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Where a refund stands; {@link #channelCode()} is seed 000's refund status (0, 30, 90, 91). */
public enum RefundStatus {
    /** Asking the supplier to take the units back. */
    RETURNING(1100, 30),
    /** Returns settled: refunding the channel. */
    REFUNDING(1110, 30),
    /** Channel refunded: taking back the supplier cost of the returned units. */
    REVERSING(1120, 30),
    /** Every unit asked for was refunded. */
    SUCCEEDED(9000, 0),
    /** Some units were refunded, the others were not (the supplier kept them). */
    PARTLY_SUCCEEDED(9010, 91),
    /** Nothing was refunded. */
    FAILED(9090, 90);

    private static final Map<RefundStatus, Set<RefundStatus>> NEXT = Map.of(
            RETURNING, EnumSet.of(REFUNDING, FAILED),
            REFUNDING, EnumSet.of(REVERSING),
            REVERSING, EnumSet.of(SUCCEEDED, PARTLY_SUCCEEDED),
            SUCCEEDED, EnumSet.noneOf(RefundStatus.class),
            PARTLY_SUCCEEDED, EnumSet.noneOf(RefundStatus.class),
            FAILED, EnumSet.noneOf(RefundStatus.class));

    private final int code;
    private final int channelCode;

    RefundStatus(int code, int channelCode) {
        this.code = code;
        this.channelCode = channelCode;
    }

    public int code() {
        return code;
    }

    public int channelCode() {
        return channelCode;
    }

    public boolean canBecome(RefundStatus next) {
        return NEXT.get(this).contains(next);
    }

    public boolean isFinal() {
        return NEXT.get(this).isEmpty();
    }

    public static RefundStatus ofCode(int code) {
        for (RefundStatus status : values()) {
            if (status.code == code) {
                return status;
            }
        }
        throw new IllegalArgumentException("no refund status " + code);
    }
}
