package dev.ordo.order;

import java.time.Instant;

/**
 * One change of an order, a unit or a refund, with its reason: the status history, the decisions
 * taken (which supplier and why), and the order events relayed to other systems.
 *
 * @param type e.g. {@code order.accepted}, {@code order.bound}, {@code unit.delivered}, {@code refund.finished}
 */
public record OrderEvent(
        long eventId,
        long orderId,
        Long unitId,
        Long refundId,
        String type,
        Integer fromStatus,
        Integer toStatus,
        String reason,
        Instant createdAt) {}
