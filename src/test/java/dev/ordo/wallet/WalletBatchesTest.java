package dev.ordo.wallet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ordo.order.Orders;
import dev.ordo.testing.DatabaseTest;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** A state change submitted without balance changes (a free unit, nothing to book) commits alone. */
@DatabaseTest
class WalletBatchesTest {

    @Autowired
    WalletBatches batches;

    @Autowired
    Orders orders;

    private final long orderId = 7_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000L);

    @Test
    void a_state_change_without_balance_changes_commits_in_a_transaction_of_its_own() {
        assertThat(batches.commitWith(List.of(), () -> orders.note(orderId, null, null, "test.alone", "free")))
                .isEmpty();

        assertThat(orders.events(orderId))
                .singleElement()
                .satisfies(e -> assertThat(e.type()).isEqualTo("test.alone"));
    }

    @Test
    void a_state_change_without_balance_changes_that_throws_commits_nothing() {
        assertThatThrownBy(() -> batches.commitWith(List.of(), () -> {
                    orders.note(orderId, null, null, "test.lost", "rolled back");
                    throw new IllegalStateException("the step failed");
                }))
                .hasMessage("the step failed");

        assertThat(orders.events(orderId)).isEmpty();
    }
}
