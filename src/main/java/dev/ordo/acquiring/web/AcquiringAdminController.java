package dev.ordo.acquiring.web;

import dev.ordo.acquiring.internal.OrderSteps;
import dev.ordo.acquiring.internal.RequestRefund;
import dev.ordo.order.Order;
import dev.ordo.order.OrderEvent;
import dev.ordo.order.Orders;
import dev.ordo.order.Unit;
import dev.ordo.shared.OrdoException;
import dev.ordo.shared.Params;
import dev.ordo.wallet.Identifiers;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Orders for operators (admin token): an order with its units and history; the units waiting for
 * manual review, and a manual review decided.
 */
@RestController
@Tag(name = "Acquiring admin")
@RequestMapping("/admin/acquiring")
class AcquiringAdminController {

    private final Orders orders;
    private final OrderSteps steps;
    private final RequestRefund refunds;

    AcquiringAdminController(Orders orders, OrderSteps steps, RequestRefund refunds) {
        this.orders = orders;
        this.steps = steps;
        this.refunds = refunds;
    }

    record OrderDetail(
            Order order, List<Unit> units, List<RequestRefund.RefundDetail> refunds, List<OrderEvent> events) {}

    @Operation(
            summary = "An order with its units, its refunds and its full history (status changes, decisions)",
            description = "money.margin is the order's margin (filled when it finishes, delivered units only; a"
                    + " later refund's loss is shown with the refund, not taken from it);"
                    + " a unit's delivery_deadline is when, still unknown, it goes to manual review; a refund's"
                    + " refunded_sale is what the channel got back, its loss what the supplier kept at Ordo's cost.")
    @GetMapping("/orders/{orderId}")
    OrderDetail order(@PathVariable long orderId) {
        Order order = orders.find(orderId).orElseThrow(() -> OrdoException.notFound("no order " + orderId));
        List<Unit> units = orders.units(orderId).stream()
                .map(u -> u.withDeliveryDeadline(steps.deliveryDeadline(u)))
                .toList();
        return new OrderDetail(order, units, refunds.ofOrder(orderId), orders.events(orderId));
    }

    @Operation(summary = "An order by the channel's numbers")
    @GetMapping("/orders")
    OrderDetail byRequest(@RequestParam("channel_no") String channelNo, @RequestParam("request_no") String requestNo) {
        // Checked as /order/request checks them: no order has any other number.
        Params.valid(() -> Identifiers.id("channel_no", Params.required("channel_no", channelNo)));
        Params.valid(() -> Identifiers.id("request_no", Params.required("request_no", requestNo)));
        Order order = orders.findByRequest(channelNo, requestNo)
                .orElseThrow(() -> OrdoException.notFound("no order " + channelNo + "/" + requestNo));
        return order(order.orderId());
    }

    @Operation(
            summary = "Units waiting for manual review (status 140), in the order of their ids",
            description = "Each with the time it began to wait and its order's channel_no and request_no; the next"
                    + " page: after_id = the last unit's unit_id. Decide each with POST /units/{id}/resolve.")
    @GetMapping("/review")
    List<Orders.UnitInReview> review(
            @Parameter(description = "only units with a greater id (default 0)")
                    @RequestParam(name = "after_id", required = false)
                    String afterId,
            @Parameter(description = "1 to 1000, default 100") @RequestParam(required = false) String limit) {
        return orders
                .inReview(Params.number("after_id", afterId, 0, Long.MAX_VALUE, 0), (int)
                        Params.number("limit", limit, 1, 1_000, 100))
                .stream()
                .map(r -> new Orders.UnitInReview(
                        r.unit().withDeliveryDeadline(steps.deliveryDeadline(r.unit())),
                        r.since(),
                        r.channelNo(),
                        r.requestNo()))
                .toList();
    }

    @Operation(summary = "Decide a unit waiting for manual review (result=success or failure)")
    @PostMapping("/units/{unitId}/resolve")
    Unit resolve(@PathVariable long unitId, @RequestParam String result) {
        Unit unit = orders.unit(unitId).orElseThrow(() -> OrdoException.notFound("no unit " + unitId));
        String code = switch (result) {
            case "success" -> "MANUAL_SUCCESS";
            case "failure" -> "MANUAL_FAILURE";
            default -> throw OrdoException.badParameter("result must be success or failure");
        };
        steps.settleManually(unit, code.equals("MANUAL_SUCCESS"));
        return orders.unit(unitId).orElseThrow();
    }
}
