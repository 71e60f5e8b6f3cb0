package dev.ordo.acquiring;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where one unit of a refund stands. Like a delivery, a return is sent to the supplier at most
 * once: {@link #RETURNING} is committed before the call and an interrupted call is queried.
 */
public enum ReturnStatus {
    /** To be sent back to the supplier. */
    PENDING(100),
    /** Being sent back right now (or the node died while sending it). */
    RETURNING(110),
    /** Sent back; the supplier's answer is not known yet. */
    UNKNOWN(120),
    /** The supplier took it back. */
    RETURNED(200),
    /** The supplier did not take it back (refused, cannot, or no answer before the refund overtime). */
    NOT_RETURNED(900),
    /** Refunded to the channel, and the supplier gave its cost back. */
    REFUNDED(300),
    /** Refunded to the channel by a mandatory refund although the supplier kept it: Ordo's loss. */
    REFUNDED_AT_LOSS(310),
    /** Not refunded: a general refund of a unit the supplier did not take back. */
    KEPT(910);

    private static final Map<ReturnStatus, Set<ReturnStatus>> NEXT = Map.of(
            PENDING, EnumSet.of(RETURNING, NOT_RETURNED),
            RETURNING, EnumSet.of(PENDING, UNKNOWN, RETURNED, NOT_RETURNED),
            // Back to PENDING only by the worker whose call sent nothing, after another found it RETURNING.
            UNKNOWN, EnumSet.of(PENDING, RETURNED, NOT_RETURNED),
            RETURNED, EnumSet.of(REFUNDED),
            NOT_RETURNED, EnumSet.of(REFUNDED_AT_LOSS, KEPT),
            REFUNDED, EnumSet.noneOf(ReturnStatus.class),
            REFUNDED_AT_LOSS, EnumSet.noneOf(ReturnStatus.class),
            KEPT, EnumSet.noneOf(ReturnStatus.class));

    private final int code;

    ReturnStatus(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public boolean canBecome(ReturnStatus next) {
        return NEXT.get(this).contains(next);
    }

    /** The supplier's part is settled (returned or not). */
    public boolean settled() {
        return this != PENDING && this != RETURNING && this != UNKNOWN;
    }

    public static ReturnStatus ofCode(int code) {
        for (ReturnStatus status : values()) {
            if (status.code == code) {
                return status;
            }
        }
        throw new IllegalArgumentException("no return status " + code);
    }
}
