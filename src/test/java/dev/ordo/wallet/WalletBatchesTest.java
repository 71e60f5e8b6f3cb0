package dev.ordo.wallet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ordo.order.OrderEvent;
import dev.ordo.order.Orders;
import dev.ordo.shared.Cents;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Unique;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A state change submitted without balance changes (a free unit, nothing to book) commits alone; one
 * that throws commits nothing of its own and fails none of the submissions batched with it.
 */
@DatabaseTest
class WalletBatchesTest {

    @Autowired
    WalletBatches batches;

    @Autowired
    Orders orders;

    @Autowired
    Wallet wallet;

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

    @Test
    void a_state_change_that_throws_in_a_batch_commits_nothing_of_its_own_and_fails_none_of_its_neighbours()
            throws Exception {
        AccountKey account = new AccountKey("ordo", "default", Unique.id("batch"));
        wallet.open(account, "batch", null);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            // The first submission holds the account's flow lane in its state change, so that the
            // others queue up behind it and are taken as one batch — the one that throws among them
            // (a refund step overtaken by another run of it) fails that batch, run again one by one.
            Future<?> first =
                    threads.submit(() -> batches.commitWith(List.of(BalanceChange.add(account, "t0", 1)), () -> {
                        orders.note(orderId, null, null, "test.batch", "0");
                        holding.countDown();
                        awaitQuietly(release);
                    }));
            assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
            Map<Integer, Future<?>> queued = new TreeMap<>();
            for (int i = 1; i <= 8; i++) {
                int n = i;
                queued.put(
                        n,
                        threads.submit(() -> batches.commitWith(List.of(BalanceChange.add(account, "t" + n, 1)), () -> {
                            orders.note(orderId, null, null, "test.batch", Integer.toString(n));
                            if (n == 4) {
                                throw new IllegalStateException("overtaken");
                            }
                        })));
            }
            Thread.sleep(300); // time to queue; the rule below holds however they were batched
            release.countDown();

            first.get(30, TimeUnit.SECONDS);
            for (var submission : queued.entrySet()) {
                if (submission.getKey() == 4) {
                    assertThatThrownBy(() -> submission.getValue().get(30, TimeUnit.SECONDS))
                            .hasRootCauseMessage("overtaken");
                } else {
                    assertThat(submission.getValue().get(30, TimeUnit.SECONDS)).isEqualTo(Optional.empty());
                }
            }
        }

        assertThat(orders.events(orderId))
                .extracting(OrderEvent::reason)
                .containsExactlyInAnyOrder("0", "1", "2", "3", "5", "6", "7", "8");
        assertThat(wallet.records(account, new RecordQuery(null, null, null, 0, 100)))
                .extracting(record -> record.tradeNo().value())
                .containsExactlyInAnyOrder("t0", "t1", "t2", "t3", "t5", "t6", "t7", "t8");
        assertThat(wallet.find(account).orElseThrow().balance()).isEqualTo(Cents.of(8));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
