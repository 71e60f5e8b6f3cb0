package dev.ordo.acquiring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.catalog.CatalogEntries.DownProduct;
import dev.ordo.catalog.CatalogEntries.UpProduct;
import dev.ordo.order.Order;
import dev.ordo.order.OrderMoney;
import dev.ordo.order.OrderStatus;
import dev.ordo.order.Orders.PlannedUnit;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** SPEC A3's delivery split: pieces of split_order_face, units of at most the supplier's limit_count, money allocated. */
class PlanTest {

    private static DownProduct product(long face, boolean split, long splitFace) {
        return new DownProduct(
                1L,
                1,
                1,
                "ZSH",
                "*",
                "*",
                0,
                0,
                face,
                new BigDecimal("0.99"),
                new BigDecimal("0.002"),
                new BigDecimal("0.001"),
                new BigDecimal("0.005"),
                split ? 0 : 1,
                splitFace,
                10,
                0);
    }

    private static UpProduct up(long face, int limit) {
        return new UpProduct(
                2L,
                1,
                1,
                "ZSH",
                "*",
                "*",
                1,
                0,
                face,
                new BigDecimal("0.98"),
                new BigDecimal("0.001"),
                BigDecimal.ZERO,
                limit,
                0);
    }

    private static Order order(int num, long face, long amount) {
        return new Order(
                1,
                "test",
                "r",
                "h",
                null,
                false,
                1,
                "ZSH",
                "*",
                "*",
                1,
                num,
                face,
                amount,
                null,
                "1",
                1,
                OrderStatus.ACCEPTED,
                0,
                Instant.EPOCH,
                Instant.EPOCH,
                null,
                OrderMoney.ZERO,
                0);
    }

    @Test
    void the_seeds_example_becomes_two_units_of_face_100() {
        DownProduct product = product(20_000, true, 10_000);
        List<PlannedUnit> units = OrderSteps.plan(
                order(1, 20_000, 19_800), product, up(10_000, 1), "ycup", 2, 10_000, new AtomicLong()::incrementAndGet);
        assertThat(units).hasSize(2).allSatisfy(u -> {
            assertThat(u.face()).isEqualTo(10_000);
            assertThat(u.pieces()).isEqualTo(1);
            assertThat(u.money().sale()).isEqualTo(9_900);
            assertThat(u.money().cost()).isEqualTo(9_800);
            assertThat(u.money().commission()).isEqualTo(20);
        });
    }

    @Test
    void pieces_are_grouped_by_the_suppliers_limit_and_the_money_adds_up_exactly() {
        // 3 products of 500, split into 100s: 15 pieces; the supplier takes 4 at once: 4 + 4 + 4 + 3.
        Order order = order(3, 50_000, 148_500);
        List<PlannedUnit> units = OrderSteps.plan(
                order,
                product(50_000, true, 10_000),
                up(10_000, 4),
                "ycup",
                15,
                10_000,
                new AtomicLong()::incrementAndGet);
        assertThat(units).extracting(PlannedUnit::pieces).containsExactly(4, 4, 4, 3);
        assertThat(units.stream().mapToLong(u -> u.money().sale()).sum()).isEqualTo(148_500);
        assertThat(units.stream().mapToLong(u -> u.money().commission()).sum()).isEqualTo(300);
        assertThat(units.stream().mapToLong(u -> u.money().paymentFee()).sum()).isEqualTo(743);
        assertThat(units.stream().mapToLong(PlannedUnit::face).sum()).isEqualTo(150_000);
    }
}
