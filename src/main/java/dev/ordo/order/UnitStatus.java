package dev.ordo.order;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where one delivery unit stands: one call to one supplier for some pieces of an order. A unit is
 * submitted to its supplier at most once: {@link #SUBMITTING} is committed before the call, so a
 * crash during the call leaves a unit that is resolved by query or callback, never sent again.
 */
public enum UnitStatus {
    /** Planned at bind; the channel is not yet charged for it. */
    PLANNED(100),
    /** The channel was charged for it; waiting to be submitted. */
    PAID(110),
    /** Being submitted to the supplier right now (or the node died while submitting). */
    SUBMITTING(120),
    /** Submitted; the supplier's answer is not known yet: queried until known. */
    UNKNOWN(130),
    /** Still unknown after the supplier's delivery overtime: waits for an operator or a callback. */
    MANUAL_REVIEW(140),
    /** Delivered by the supplier. */
    DELIVERED(200),
    /** The supplier refused or failed it; the channel's charge is to be refunded. */
    FAILED(900),
    /** Refunded to the channel after a failure. */
    FAILED_REFUNDED(901),
    /** Not submitted before the order's overtime; the channel's charge is to be refunded. */
    STOPPED(910),
    /** Refunded to the channel after being stopped. */
    STOPPED_REFUNDED(911),
    /** Never charged: the order failed before payment. */
    CANCELLED(990);

    private static final Map<UnitStatus, Set<UnitStatus>> NEXT = Map.ofEntries(
            Map.entry(PLANNED, EnumSet.of(PAID, CANCELLED)),
            Map.entry(PAID, EnumSet.of(SUBMITTING, STOPPED)),
            Map.entry(SUBMITTING, EnumSet.of(PAID, UNKNOWN, DELIVERED, FAILED)),
            Map.entry(UNKNOWN, EnumSet.of(DELIVERED, FAILED, MANUAL_REVIEW)),
            Map.entry(MANUAL_REVIEW, EnumSet.of(DELIVERED, FAILED)),
            Map.entry(DELIVERED, EnumSet.noneOf(UnitStatus.class)),
            Map.entry(FAILED, EnumSet.of(FAILED_REFUNDED)),
            Map.entry(FAILED_REFUNDED, EnumSet.noneOf(UnitStatus.class)),
            Map.entry(STOPPED, EnumSet.of(STOPPED_REFUNDED)),
            Map.entry(STOPPED_REFUNDED, EnumSet.noneOf(UnitStatus.class)),
            Map.entry(CANCELLED, EnumSet.noneOf(UnitStatus.class)));

    private final int code;

    UnitStatus(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public boolean canBecome(UnitStatus next) {
        return NEXT.get(this).contains(next);
    }

    /** Nothing more will happen to its delivery (or its charge). */
    public boolean isFinal() {
        return NEXT.get(this).isEmpty();
    }

    public static UnitStatus ofCode(int code) {
        for (UnitStatus status : values()) {
            if (status.code == code) {
                return status;
            }
        }
        throw new IllegalArgumentException("no unit status " + code);
    }
}
