package dev.ordo.supplier;

/**
 * One delivery to submit: {@code orderNo} is Ordo's unit id (the supplier's idempotency key),
 * {@code outOrderId} the order it belongs to; {@code pieces} of {@code face} cents each to
 * {@code account}.
 */
public record Delivery(
        String orderNo,
        long outOrderId,
        int pieces,
        long face,
        String account,
        String carrierNo,
        String provinceNo,
        String cityNo) {}
