package dev.ordo.wallet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.order.Orders;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.wallet.AccountKey;
import dev.ordo.wallet.BalanceChange;
import dev.ordo.wallet.BalanceOutcome;
import dev.ordo.wallet.RecordQuery;
import dev.ordo.wallet.Refusal;
import dev.ordo.wallet.Wallet;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The wallet's batches take adds and deducts as new without reading their trade numbers' records
 * first; a repeat is found by the records' unique key, and its batch runs again with the records read.
 * These tests send each repeat after its first commit, so that it meets the key, not the batch's memory.
 */
@DatabaseTest
class RepeatedTradeNumberTest {

    @Autowired
    BalanceCombiner combiner;

    @Autowired
    Wallet wallet;

    @Autowired
    Orders orders;

    @Autowired
    MeterRegistry meters;

    private AccountKey account;

    @BeforeEach
    void openAccount() {
        account = new AccountKey("test", "repeats", UUID.randomUUID().toString().substring(0, 12));
        wallet.open(account, "repeats", null);
        combiner.apply(BalanceChange.add(account, "fund", 1_000));
    }

    @Test
    void a_deduct_repeated_after_its_commit_answers_the_first_record_and_writes_nothing() {
        double rerunsBefore = reruns();
        BalanceOutcome.Applied first =
                (BalanceOutcome.Applied) combiner.apply(BalanceChange.deduct(account, "d1", 300));

        BalanceOutcome again = combiner.apply(BalanceChange.deduct(account, "d1", 300));

        assertRepeatOf(first, again);
        assertThat(reruns()).isGreaterThan(rerunsBefore);
        assertThat(balance()).isEqualTo(700);
        assertThat(records()).isEqualTo(2);
    }

    @Test
    void a_deduct_repeated_with_another_amount_is_refused_as_a_conflict_and_writes_nothing() {
        combiner.apply(BalanceChange.deduct(account, "d2", 300));

        BalanceOutcome other = combiner.apply(BalanceChange.deduct(account, "d2", 400));

        assertThat(other)
                .isInstanceOfSatisfying(
                        BalanceOutcome.Refused.class,
                        refused -> assertThat(refused.refusal()).isEqualTo(Refusal.TRADE_NO_CONFLICT));
        assertThat(balance()).isEqualTo(700);
        assertThat(records()).isEqualTo(2);
    }

    @Test
    void a_deduct_repeated_when_the_balance_no_longer_covers_it_answers_the_first_record() {
        BalanceOutcome.Applied first =
                (BalanceOutcome.Applied) combiner.apply(BalanceChange.deduct(account, "all", 1_000));

        BalanceOutcome again = combiner.apply(BalanceChange.deduct(account, "all", 1_000));

        assertRepeatOf(first, again);
        assertThat(balance()).isZero();
    }

    @Test
    void a_state_change_whose_deduct_repeats_an_earlier_one_commits_once_with_the_first_record() {
        long orderId = 7_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000L);
        combiner.apply(BalanceChange.deduct(account, "o1", 250));

        assertThat(combiner.commitWith(
                        List.of(BalanceChange.deduct(account, "o1", 250)),
                        () -> orders.note(orderId, null, null, "test.repeat", "after a repeat")))
                .isEmpty();

        assertThat(orders.events(orderId))
                .singleElement()
                .satisfies(e -> assertThat(e.type()).isEqualTo("test.repeat"));
        assertThat(balance()).isEqualTo(750);
    }

    private static void assertRepeatOf(BalanceOutcome.Applied first, BalanceOutcome again) {
        assertThat(again).isInstanceOfSatisfying(BalanceOutcome.Applied.class, repeat -> {
            assertThat(repeat.repeated()).isTrue();
            assertThat(repeat.record().recordId()).isEqualTo(first.record().recordId());
        });
    }

    private long balance() {
        return wallet.find(account).orElseThrow().balance().value();
    }

    private int records() {
        return wallet.records(account, new RecordQuery(null, null, null, 0, 50)).size();
    }

    private double reruns() {
        return meters.get("ordo.wallet.batch.reruns").counter().count();
    }
}
