package dev.ordo.wallet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.shared.Cents;
import dev.ordo.wallet.AccountKey;
import dev.ordo.wallet.AccountStatus;
import dev.ordo.wallet.BalanceChange;
import dev.ordo.wallet.BalanceOutcome;
import dev.ordo.wallet.BalanceRecord;
import dev.ordo.wallet.ChangeType;
import dev.ordo.wallet.Refusal;
import dev.ordo.wallet.TradeNo;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** SPEC B2, rule by rule, on the pure balance book (no database). */
class BalanceBookTest {

    private static final AccountKey KEY = new AccountKey("oms", "down_channel", "ycdown");
    private static final long ID = 86000;
    private final AtomicLong recordIds = new AtomicLong(100_000);

    private AccountState account(long balance, long credit, AccountStatus status) {
        return new AccountState(ID, KEY, "YC", balance, credit, status, 0, Instant.EPOCH);
    }

    private BalanceBook book(AccountState account, BalanceRecord... existing) {
        return new BalanceBook(List.of(account), List.of(existing), recordIds::getAndIncrement, Instant.EPOCH);
    }

    private static BalanceRecord stored(String tradeNo, ChangeType type, long amount, long balanceAfter) {
        return new BalanceRecord(
                1, ID, new TradeNo(tradeNo), type, Cents.of(amount), Cents.of(balanceAfter), Instant.EPOCH);
    }

    private static BalanceRecord applied(BalanceOutcome outcome) {
        assertThat(outcome).isInstanceOf(BalanceOutcome.Applied.class);
        return ((BalanceOutcome.Applied) outcome).record();
    }

    private static Refusal refusal(BalanceOutcome outcome) {
        assertThat(outcome).isInstanceOf(BalanceOutcome.Refused.class);
        return ((BalanceOutcome.Refused) outcome).refusal();
    }

    @Test
    void an_add_raises_the_balance_and_records_the_balance_after_it() {
        AccountState account = account(100, 0, AccountStatus.ACTIVE);
        BalanceRecord record = applied(book(account).apply(ID, BalanceChange.add(KEY, "t1", 200)));
        assertThat(record.amount().value()).isEqualTo(200);
        assertThat(record.balance().value()).isEqualTo(300);
        assertThat(account.balance).isEqualTo(300);
        assertThat(account.version).isEqualTo(1);
    }

    @Test
    void a_deduct_is_recorded_with_a_negative_amount() {
        AccountState account = account(500, 0, AccountStatus.ACTIVE);
        BalanceRecord record = applied(book(account).apply(ID, BalanceChange.deduct(KEY, "t1", 200)));
        assertThat(record.amount().value()).isEqualTo(-200);
        assertThat(record.balance().value()).isEqualTo(300);
    }

    @Test
    void a_deduct_never_takes_balance_plus_credit_below_zero() {
        AccountState account = account(100, 50, AccountStatus.ACTIVE);
        BalanceBook book = book(account);
        assertThat(refusal(book.apply(ID, BalanceChange.deduct(KEY, "t1", 151))))
                .isEqualTo(Refusal.INSUFFICIENT);
        assertThat(account.balance).isEqualTo(100);
        assertThat(book.created()).isEmpty();
    }

    @Test
    void a_deduct_may_use_the_credit_down_to_minus_the_credit() {
        AccountState account = account(100, 50, AccountStatus.ACTIVE);
        BalanceRecord record = applied(book(account).apply(ID, BalanceChange.deduct(KEY, "t1", 150)));
        assertThat(record.balance().value()).isEqualTo(-50);
    }

    @Test
    void a_repeated_trade_number_returns_the_original_record_and_changes_nothing() {
        AccountState account = account(500, 0, AccountStatus.ACTIVE);
        BalanceBook book = book(account);
        BalanceRecord first = applied(book.apply(ID, BalanceChange.deduct(KEY, "t1", 200)));
        BalanceOutcome again = book.apply(ID, BalanceChange.deduct(KEY, "t1", 200));
        assertThat(again).isEqualTo(new BalanceOutcome.Applied(first, true));
        assertThat(account.balance).isEqualTo(300);
        assertThat(book.created()).hasSize(1);
    }

    @Test
    void a_trade_number_repeated_with_another_amount_is_a_conflict() {
        AccountState account = account(500, 0, AccountStatus.ACTIVE);
        BalanceBook book = book(account);
        applied(book.apply(ID, BalanceChange.deduct(KEY, "t1", 200)));
        assertThat(refusal(book.apply(ID, BalanceChange.deduct(KEY, "t1", 201))))
                .isEqualTo(Refusal.TRADE_NO_CONFLICT);
        assertThat(account.balance).isEqualTo(300);
    }

    @Test
    void a_trade_number_already_stored_counts_as_a_repeat() {
        AccountState account = account(300, 0, AccountStatus.ACTIVE);
        BalanceRecord stored = stored("t1", ChangeType.DEDUCT, -200, 300);
        BalanceOutcome again = book(account, stored).apply(ID, BalanceChange.deduct(KEY, "t1", 200));
        assertThat(again).isEqualTo(new BalanceOutcome.Applied(stored, true));
    }

    @Test
    void add_deduct_and_refund_each_have_their_own_trade_number_space() {
        AccountState account = account(0, 0, AccountStatus.ACTIVE);
        BalanceBook book = book(account);
        applied(book.apply(ID, BalanceChange.add(KEY, "8970", 200)));
        applied(book.apply(ID, BalanceChange.deduct(KEY, "8970", 200)));
        applied(book.apply(ID, BalanceChange.refund(KEY, "8970", 200)));
        assertThat(account.balance).isEqualTo(200);
    }

    @Test
    void a_refund_needs_a_deduct_with_its_trade_number() {
        AccountState account = account(500, 0, AccountStatus.ACTIVE);
        BalanceBook book = book(account);
        applied(book.apply(ID, BalanceChange.add(KEY, "t1", 200)));
        assertThat(refusal(book.apply(ID, BalanceChange.refund(KEY, "t1", 100))))
                .isEqualTo(Refusal.DEDUCT_NOT_FOUND);
    }

    @Test
    void a_refund_never_exceeds_its_deduct() {
        AccountState account = account(500, 0, AccountStatus.ACTIVE);
        BalanceBook book = book(account);
        applied(book.apply(ID, BalanceChange.deduct(KEY, "t1", 200)));
        assertThat(refusal(book.apply(ID, BalanceChange.refund(KEY, "t1", 201))))
                .isEqualTo(Refusal.REFUND_EXCEEDS_DEDUCT);
        assertThat(applied(book.apply(ID, BalanceChange.refund(KEY, "t1", 150)))
                        .balance()
                        .value())
                .isEqualTo(450);
    }

    @Test
    void a_deduct_is_refunded_at_most_once() {
        AccountState account = account(500, 0, AccountStatus.ACTIVE);
        BalanceBook book = book(account);
        applied(book.apply(ID, BalanceChange.deduct(KEY, "t1", 200)));
        applied(book.apply(ID, BalanceChange.refund(KEY, "t1", 100)));
        assertThat(refusal(book.apply(ID, BalanceChange.refund(KEY, "t1", 50)))).isEqualTo(Refusal.TRADE_NO_CONFLICT);
        assertThat(account.balance).isEqualTo(400);
    }

    @Test
    void an_add_past_half_of_a_bigint_is_refused_so_that_the_databases_arithmetic_cannot_overflow() {
        AccountState account = account(LedgerRules.MAX_VALUE - 10, 0, AccountStatus.ACTIVE);
        BalanceBook book = book(account);
        assertThat(refusal(book.apply(ID, BalanceChange.add(KEY, "t1", 11)))).isEqualTo(Refusal.OVERFLOW);
        applied(book.apply(ID, BalanceChange.add(KEY, "t2", 10)));
        assertThat(account.balance).isEqualTo(LedgerRules.MAX_VALUE);
    }

    @Test
    void an_add_that_would_overflow_the_balance_is_refused() {
        AccountState account = account(Long.MAX_VALUE - 10, 0, AccountStatus.ACTIVE);
        assertThat(refusal(book(account).apply(ID, BalanceChange.add(KEY, "t1", 11))))
                .isEqualTo(Refusal.OVERFLOW);
    }

    @Test
    void a_locked_account_refuses_changes_but_still_answers_repeats() {
        AccountState account = account(500, 0, AccountStatus.LOCKED);
        BalanceRecord stored = stored("t1", ChangeType.ADD, 500, 500);
        BalanceBook book = book(account, stored);
        assertThat(refusal(book.apply(ID, BalanceChange.add(KEY, "t2", 1)))).isEqualTo(Refusal.LOCKED);
        assertThat(book.apply(ID, BalanceChange.add(KEY, "t1", 500))).isInstanceOf(BalanceOutcome.Applied.class);
    }

    @Test
    void an_unknown_account_is_refused() {
        AccountState account = account(500, 0, AccountStatus.ACTIVE);
        assertThat(refusal(book(account).apply(null, BalanceChange.add(KEY, "t1", 1))))
                .isEqualTo(Refusal.ACCOUNT_NOT_FOUND);
    }

    @Test
    void many_changes_of_one_account_in_a_batch_chain_their_balances_and_versions() {
        AccountState account = account(3, 0, AccountStatus.ACTIVE);
        BalanceBook book = book(account);
        for (int i = 0; i < 5; i++) {
            book.apply(ID, BalanceChange.deduct(KEY, "t" + i, 1));
        }
        assertThat(book.created()).extracting(r -> r.record().balance().value()).containsExactly(2L, 1L, 0L);
        assertThat(book.created())
                .extracting(BalanceBook.NewRecord::accountVersion)
                .containsExactly(1L, 2L, 3L);
        assertThat(book.changedAccounts()).singleElement().satisfies(a -> {
            assertThat(a.balance).isZero();
            assertThat(a.lockedVersion).isZero();
            assertThat(a.version).isEqualTo(3);
        });
    }
}
