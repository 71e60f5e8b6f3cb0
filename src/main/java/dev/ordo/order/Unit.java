package dev.ordo.order;

import java.time.Instant;

/**
 * One delivery unit: {@code pieces} pieces of {@code face / pieces} cents each, delivered by one
 * call to supplier {@code upChannelNo} with its product {@code upProductId}. {@code money} is the
 * unit's share of the order (sale and fees allocated by face) and its supplier cost.
 * {@code deliveryDeadline} is not stored: it depends on the catalog's delivery overtime, and the
 * views that show it fill it in ({@link #withDeliveryDeadline}).
 */
public record Unit(
        long unitId,
        long orderId,
        int seq,
        int pieces,
        long face,
        String upChannelNo,
        long upProductId,
        UnitStatus status,
        OrderMoney money,
        Instant deliveryDeadline,
        Instant submittedAt,
        Instant resolvedAt,
        String resultCode,
        String resultMsg,
        String supplierOrderNo,
        Long refundId,
        long version) {

    public Unit withDeliveryDeadline(Instant deadline) {
        return new Unit(
                unitId,
                orderId,
                seq,
                pieces,
                face,
                upChannelNo,
                upProductId,
                status,
                money,
                deadline,
                submittedAt,
                resolvedAt,
                resultCode,
                resultMsg,
                supplierOrderNo,
                refundId,
                version);
    }
}
