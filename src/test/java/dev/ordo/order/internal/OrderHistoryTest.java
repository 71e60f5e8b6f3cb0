package dev.ordo.order.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.ordo.order.OrderEvent;
import dev.ordo.order.Orders;
import dev.ordo.testing.DatabaseTest;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** SPEC A3, K4: an order's history is written with the step that causes it, all or nothing. */
@DatabaseTest
class OrderHistoryTest {

    @Autowired
    Orders orders;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    private final long orderId = 8_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000L);

    private int stored() {
        return jdbc.sql("select count(*) from oms_order_event where order_id = :id")
                .param("id", orderId)
                .query(Integer.class)
                .single();
    }

    @Test
    void the_events_of_a_transaction_are_stored_together_when_it_commits() {
        tx.executeWithoutResult(s -> {
            orders.note(orderId, null, null, "test.first", "one");
            orders.note(orderId, 7L, null, "test.second", "two");
            assertThat(stored())
                    .as("kept until the commit, then inserted in one batch")
                    .isZero();
        });

        assertThat(orders.events(orderId))
                .extracting(OrderEvent::type, OrderEvent::unitId, OrderEvent::reason)
                .containsExactly(tuple("test.first", null, "one"), tuple("test.second", 7L, "two"));
    }

    @Test
    void the_events_of_a_transaction_rolled_back_are_never_stored() {
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> {
                    orders.note(orderId, null, null, "test.lost", "rolled back");
                    throw new IllegalStateException("the step failed");
                }))
                .hasMessage("the step failed");

        assertThat(stored()).isZero();
        assertThat(orders.events(orderId)).isEmpty();
    }

    @Test
    void a_transaction_reads_the_events_it_has_written() {
        tx.executeWithoutResult(s -> {
            orders.note(orderId, null, null, "test.own", "mine");
            assertThat(orders.events(orderId)).extracting(OrderEvent::type).containsExactly("test.own");
        });

        assertThat(stored()).isEqualTo(1);
    }

    @Test
    void outside_a_transaction_an_event_is_stored_at_once() {
        orders.note(orderId, null, null, "test.alone", "no transaction");

        assertThat(stored()).isEqualTo(1);
    }
}
