package dev.ordo.acquiring.internal;

import dev.ordo.order.OrderLog;
import dev.ordo.order.Orders;
import org.springframework.stereotype.Component;

/** Runs a step with the id of its order in the logging context (SPEC K8), found from its subject. */
@Component
class StepContext {

    private final Orders orders;
    private final JdbcRefunds refunds;

    StepContext(Orders orders, JdbcRefunds refunds) {
        this.orders = orders;
        this.refunds = refunds;
    }

    void order(long orderId, Runnable step) {
        OrderLog.run(orderId, step);
    }

    void unit(long unitId, Runnable step) {
        orders.unit(unitId).ifPresentOrElse(unit -> OrderLog.run(unit.orderId(), step), step);
    }

    void refund(long refundId, Runnable step) {
        refunds.find(refundId).ifPresentOrElse(refund -> OrderLog.run(refund.orderId(), step), step);
    }
}
