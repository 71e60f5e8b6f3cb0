package dev.ordo.order;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where an order stands. Codes are stable (stored and shown); {@link #channelCode()} is the status
 * of seed 000's API: 0 succeeded, 30 in progress, 90 failed, 91 partly succeeded.
 */
public enum OrderStatus {
    /** Accepted from the channel; no supplier chosen, no money moved. */
    ACCEPTED(1000, 30),
    /** Suppliers chosen and the order planned as delivery units; waiting to charge the channel. */
    BOUND(1010, 30),
    /** The channel was charged for every unit; units are being delivered. */
    PAID(1020, 30),
    /** Every unit was delivered. */
    SUCCEEDED(9000, 0),
    /** Some units were delivered, the others failed and were refunded. */
    PARTLY_SUCCEEDED(9010, 91),
    /** Nothing was delivered; any charge was refunded. */
    FAILED(9090, 90);

    private static final Map<OrderStatus, Set<OrderStatus>> NEXT = Map.of(
            ACCEPTED, EnumSet.of(BOUND, FAILED),
            BOUND, EnumSet.of(PAID, FAILED),
            PAID, EnumSet.of(SUCCEEDED, PARTLY_SUCCEEDED, FAILED),
            SUCCEEDED, EnumSet.noneOf(OrderStatus.class),
            PARTLY_SUCCEEDED, EnumSet.noneOf(OrderStatus.class),
            FAILED, EnumSet.noneOf(OrderStatus.class));

    private final int code;
    private final int channelCode;

    OrderStatus(int code, int channelCode) {
        this.code = code;
        this.channelCode = channelCode;
    }

    public int code() {
        return code;
    }

    public int channelCode() {
        return channelCode;
    }

    public boolean canBecome(OrderStatus next) {
        return NEXT.get(this).contains(next);
    }

    public boolean isFinal() {
        return NEXT.get(this).isEmpty();
    }

    public static OrderStatus ofCode(int code) {
        for (OrderStatus status : values()) {
            if (status.code == code) {
                return status;
            }
        }
        throw new IllegalArgumentException("no order status " + code);
    }
}
