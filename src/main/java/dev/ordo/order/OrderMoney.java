package dev.ordo.order;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The money of an order or unit, in cents: what the channel pays ({@code sale}), what Ordo pays
 * the channel ({@code commission}), the service and payment fees, what the supplier charges
 * ({@code cost}) and pays back ({@code upCommission}), and the supplier-side service fee.
 * {@code margin = sale - commission - serviceFee - paymentFee - cost + upCommission - upServiceFee}.
 */
public record OrderMoney(
        long sale, long commission, long serviceFee, long paymentFee, long cost, long upCommission, long upServiceFee) {

    public static final OrderMoney ZERO = new OrderMoney(0, 0, 0, 0, 0, 0, 0);

    // In every answer that shows the money, beside the figures it comes from; ignored when read back.
    @JsonProperty(value = "margin", access = JsonProperty.Access.READ_ONLY)
    public long margin() {
        return sale - commission - serviceFee - paymentFee - cost + upCommission - upServiceFee;
    }

    public OrderMoney plus(OrderMoney other) {
        return new OrderMoney(
                sale + other.sale,
                commission + other.commission,
                serviceFee + other.serviceFee,
                paymentFee + other.paymentFee,
                cost + other.cost,
                upCommission + other.upCommission,
                upServiceFee + other.upServiceFee);
    }
}
