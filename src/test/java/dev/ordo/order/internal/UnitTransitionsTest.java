package dev.ordo.order.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.ordo.order.Order;
import dev.ordo.order.OrderEvent;
import dev.ordo.order.OrderMoney;
import dev.ordo.order.OrderStatus;
import dev.ordo.order.Orders;
import dev.ordo.order.Orders.PlannedUnit;
import dev.ordo.order.Orders.UnitResult;
import dev.ordo.order.Unit;
import dev.ordo.order.UnitStatus;
import dev.ordo.shared.DeferredWrites;
import dev.ordo.testing.Acquiring;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Unique;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/** SPEC A3: the moves of an order's units that the flow makes in one step, all or nothing. */
@DatabaseTest
class UnitTransitionsTest {

    @Autowired
    Orders orders;

    @Autowired
    TransactionTemplate tx;

    private Order order;

    @BeforeEach
    void acceptAnOrder() {
        order = orders.createAll(List.of(Acquiring.exampleNewOrder("test", Unique.id("units"), 1)))
                .getFirst();
    }

    private PlannedUnit planned(long face) {
        OrderMoney money = new OrderMoney(face - 100, 20, 10, 50, face - 300, 10, 5);
        return new PlannedUnit(orders.nextUnitId(), 1, face, "ycup", 1, money, null);
    }

    private static IllegalStateException moved() {
        return new IllegalStateException("moved meanwhile");
    }

    private List<Unit> bindAndPay(Order order) {
        return orders.bindAndPay(
                order.orderId(),
                List.of(planned(10_000), planned(10_000)),
                "two units",
                "charged",
                UnitTransitionsTest::moved);
    }

    private List<Unit> bindAndPay() {
        return tx.execute(s -> bindAndPay(order));
    }

    private void deliverAndFinish(List<Unit> units, UnitResult first, UnitResult second) {
        orders.finishWithUnits(
                units,
                UnitStatus.SUBMITTING,
                UnitStatus.DELIVERED,
                List.of(first, second),
                "submitted",
                OrderStatus.PAID,
                OrderStatus.SUCCEEDED,
                MONEY,
                "2 of 2 units delivered",
                UnitTransitionsTest::moved);
    }

    private static final OrderMoney MONEY = new OrderMoney(19_800, 40, 20, 100, 19_400, 20, 10);

    @Test
    void an_order_bound_and_paid_in_one_step_has_its_units_claimed_for_submission() {
        List<Unit> claimed = bindAndPay();

        assertThat(claimed)
                .hasSize(2)
                .allSatisfy(u -> assertThat(u.submittedAt()).isNotNull());
        assertThat(orders.units(order.orderId())).isEqualTo(claimed);
        Order paid = orders.find(order.orderId()).orElseThrow();
        assertThat(paid.status()).isEqualTo(OrderStatus.PAID);
        assertThat(paid.openUnits()).isEqualTo(2);
    }

    @Test
    void an_order_reaches_a_final_status_only_by_finishing_with_its_money() {
        bindAndPay();

        assertThatThrownBy(() -> orders.transition(order.orderId(), OrderStatus.PAID, OrderStatus.SUCCEEDED, "skip"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PAID -> SUCCEEDED");
        assertThat(orders.find(order.orderId()).orElseThrow().status()).isEqualTo(OrderStatus.PAID);
    }

    @Test
    void an_order_no_longer_accepted_is_not_bound_again() {
        bindAndPay();

        assertThatThrownBy(this::bindAndPay).isInstanceOf(IllegalStateException.class);
        assertThat(orders.units(order.orderId())).hasSize(2);
    }

    @Test
    void units_delivered_together_are_counted_off_and_the_order_finishes_with_them() {
        List<Unit> units = bindAndPay();

        tx.executeWithoutResult(
                s -> deliverAndFinish(units, new UnitResult("R0000", "success"), new UnitResult("R0000", "late")));

        assertThat(orders.units(order.orderId()))
                .extracting(Unit::status, Unit::resultMsg)
                .containsExactly(tuple(UnitStatus.DELIVERED, "success"), tuple(UnitStatus.DELIVERED, "late"));
        Order finished = orders.find(order.orderId()).orElseThrow();
        assertThat(finished.status()).isEqualTo(OrderStatus.SUCCEEDED);
        assertThat(finished.openUnits()).isZero();
        assertThat(finished.money()).isEqualTo(MONEY);
        assertThat(orders.events(order.orderId()))
                .extracting(OrderEvent::type)
                .containsExactly(
                        "order.accepted",
                        "order.bound",
                        "order.paid",
                        "unit.paid",
                        "unit.submitting",
                        "unit.paid",
                        "unit.submitting",
                        "unit.delivered",
                        "unit.delivered",
                        "order.succeeded");
    }

    @Test
    void units_of_which_one_had_moved_are_not_finished_and_the_caller_is_told_to_roll_back() {
        List<Unit> units = bindAndPay();
        UnitResult ok = new UnitResult("R0000", "success");
        Orders.UnitTransition callback = tx.execute(
                s -> orders.transition(units.getFirst(), UnitStatus.SUBMITTING, UnitStatus.DELIVERED, ok, "callback"));
        assertThat((Object) callback).isEqualTo(new Orders.UnitTransition(true, 1));

        assertThatThrownBy(() -> tx.executeWithoutResult(s -> deliverAndFinish(units, ok, ok)))
                .hasMessage("moved meanwhile");

        assertThat(orders.units(order.orderId()))
                .extracting(Unit::status)
                .containsExactly(UnitStatus.DELIVERED, UnitStatus.SUBMITTING);
        Order paid = orders.find(order.orderId()).orElseThrow();
        assertThat(paid.status()).isEqualTo(OrderStatus.PAID);
        assertThat(paid.openUnits()).isEqualTo(1);
    }

    @Test
    void a_unit_submitted_again_since_it_was_read_is_not_moved_by_what_was_read_of_the_earlier_submission() {
        Unit seen = bindAndPay().get(1);
        // Not sent, back to PAID, and claimed again by another worker: SUBMITTING once more.
        tx.executeWithoutResult(s -> {
            assertThat(orders.transition(seen, UnitStatus.SUBMITTING, UnitStatus.PAID, UnitResult.NONE, "not sent")
                            .applied())
                    .isTrue();
            assertThat(orders.transition(seen, UnitStatus.PAID, UnitStatus.SUBMITTING, UnitResult.NONE, null)
                            .applied())
                    .isTrue();
        });

        Orders.UnitTransition stale = tx.execute(s -> orders.transitionIfUnchanged(
                seen, UnitStatus.SUBMITTING, UnitStatus.UNKNOWN, UnitResult.NONE, "found SUBMITTING"));

        assertThat(stale.applied()).isFalse();
        Unit now = orders.unit(seen.unitId()).orElseThrow();
        assertThat(now.status()).isEqualTo(UnitStatus.SUBMITTING);
        assertThat(tx.execute(s -> orders.transitionIfUnchanged(
                                now, UnitStatus.SUBMITTING, UnitStatus.UNKNOWN, UnitResult.NONE, "found SUBMITTING"))
                        .applied())
                .as("the submission read now")
                .isTrue();
    }

    @Test
    void deferred_writes_of_several_orders_are_sent_at_the_flush_and_checked_there() {
        Order second = orders.createAll(List.of(Acquiring.exampleNewOrder("test", Unique.id("units"), 1)))
                .getFirst();
        List<List<Unit>> paid = tx.execute(s -> {
            try (DeferredWrites writes = DeferredWrites.open()) {
                List<List<Unit>> both = List.of(bindAndPay(order), bindAndPay(second));
                assertThat(orders.find(order.orderId()).orElseThrow().status())
                        .as("not yet sent")
                        .isEqualTo(OrderStatus.ACCEPTED);
                writes.flush();
                return both;
            }
        });
        assertThat(orders.find(order.orderId()).orElseThrow().status()).isEqualTo(OrderStatus.PAID);
        assertThat(orders.units(second.orderId())).isEqualTo(paid.get(1));

        // One unit of the second order answered by a callback meanwhile: the flush fails, nothing of either commits.
        UnitResult ok = new UnitResult("R0000", "success");
        tx.execute(s ->
                orders.transition(paid.get(1).getFirst(), UnitStatus.SUBMITTING, UnitStatus.DELIVERED, ok, "callback"));
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> {
                    try (DeferredWrites writes = DeferredWrites.open()) {
                        deliverAndFinish(paid.get(0), ok, ok);
                        deliverAndFinish(paid.get(1), ok, ok);
                        writes.flush();
                    }
                }))
                .hasMessage("moved meanwhile");
        assertThat(List.of(order, second))
                .extracting(o -> orders.find(o.orderId()).orElseThrow().status())
                .containsExactly(OrderStatus.PAID, OrderStatus.PAID);
        assertThat(orders.units(order.orderId())).extracting(Unit::status).containsOnly(UnitStatus.SUBMITTING);
        assertThat(DeferredWrites.current()).isNull();
    }
}
