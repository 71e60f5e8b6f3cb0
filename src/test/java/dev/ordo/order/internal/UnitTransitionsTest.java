package dev.ordo.order.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.ordo.order.Order;
import dev.ordo.order.OrderMoney;
import dev.ordo.order.OrderStatus;
import dev.ordo.order.Orders;
import dev.ordo.order.Orders.PlannedUnit;
import dev.ordo.order.Orders.UnitResult;
import dev.ordo.order.Unit;
import dev.ordo.order.UnitStatus;
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

    private List<Unit> bindAndPay() {
        return tx.execute(s ->
                orders.bindAndPay(order.orderId(), List.of(planned(10_000), planned(10_000)), "two units", "charged"));
    }

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
    void an_order_no_longer_accepted_is_not_bound_again() {
        bindAndPay();

        assertThat(bindAndPay()).isEmpty();
        assertThat(orders.units(order.orderId())).hasSize(2);
    }

    @Test
    void units_moved_together_are_counted_off_the_order_once_each() {
        List<Unit> units = bindAndPay();
        UnitResult ok = new UnitResult("R0000", "success");

        int moved = tx.execute(s -> orders.transitionAll(
                units,
                UnitStatus.SUBMITTING,
                UnitStatus.DELIVERED,
                List.of(ok, new UnitResult("R0000", "late")),
                "done"));

        assertThat(moved).isEqualTo(2);
        assertThat(orders.units(order.orderId()))
                .extracting(Unit::status, Unit::resultMsg)
                .containsExactly(tuple(UnitStatus.DELIVERED, "success"), tuple(UnitStatus.DELIVERED, "late"));
        assertThat(orders.find(order.orderId()).orElseThrow().openUnits()).isZero();
    }

    @Test
    void a_move_of_units_of_which_one_had_moved_reports_it_so_that_the_caller_rolls_back() {
        List<Unit> units = bindAndPay();
        UnitResult ok = new UnitResult("R0000", "success");
        Orders.UnitTransition callback = tx.execute(
                s -> orders.transition(units.getFirst(), UnitStatus.SUBMITTING, UnitStatus.DELIVERED, ok, "callback"));
        assertThat((Object) callback).isEqualTo(new Orders.UnitTransition(true, 1));

        int moved = tx.execute(s -> {
            int n = orders.transitionAll(units, UnitStatus.SUBMITTING, UnitStatus.DELIVERED, List.of(ok, ok), "late");
            s.setRollbackOnly();
            return n;
        });

        assertThat(moved).isEqualTo(1);
        assertThat(orders.units(order.orderId()))
                .extracting(Unit::status)
                .containsExactly(UnitStatus.DELIVERED, UnitStatus.SUBMITTING);
        assertThat(orders.find(order.orderId()).orElseThrow().openUnits()).isEqualTo(1);
    }
}
