package dev.ordo.wallet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ordo.testing.DatabaseTest;
import dev.ordo.wallet.Account;
import dev.ordo.wallet.AccountKey;
import dev.ordo.wallet.BalanceChange;
import dev.ordo.wallet.Wallet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A batch's balance updates are conditional on the versions its accounts were read at: even without
 * the row locks, an account changed in between fails the whole batch instead of losing an update.
 */
@DatabaseTest
class LostUpdateTest {

    @Autowired
    JdbcAccounts accounts;

    @Autowired
    Wallet wallet;

    @Autowired
    TransactionTemplate tx;

    @Test
    void an_update_from_a_stale_version_fails_the_batch_and_writes_nothing() {
        Account fresh = funded(500);
        Account changed = funded(500);
        AccountState freshState = read(fresh);
        AccountState staleState = read(changed);
        wallet.apply(BalanceChange.deduct(changed.key(), "meanwhile", 100)); // a version ahead of staleState

        spend(freshState, 10);
        spend(staleState, 10);
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> accounts.updateBalances(List.of(freshState, staleState))))
                .isInstanceOf(OptimisticLockingFailureException.class);

        assertThat(balance(fresh)).isEqualTo(500);
        assertThat(balance(changed)).isEqualTo(400);
    }

    @Test
    void updates_from_current_versions_all_apply() {
        Account one = funded(500);
        Account two = funded(300);
        AccountState first = read(one);
        AccountState second = read(two);

        spend(first, 10);
        spend(second, 20);
        tx.executeWithoutResult(s -> accounts.updateBalances(List.of(first, second)));

        assertThat(balance(one)).isEqualTo(490);
        assertThat(balance(two)).isEqualTo(280);
    }

    /** What the batch's book does to a locked account it deducts from. */
    private static void spend(AccountState account, long cents) {
        account.balance -= cents;
        account.version++;
    }

    private Account funded(long cents) {
        AccountKey key = new AccountKey(
                "test", "lost-update", UUID.randomUUID().toString().substring(0, 12));
        wallet.open(key, "lost update", null);
        wallet.apply(BalanceChange.add(key, "fund", cents));
        return wallet.find(key).orElseThrow();
    }

    private AccountState read(Account account) {
        return tx.execute(s -> accounts.lock(List.of(account.accountId())).getFirst());
    }

    private long balance(Account account) {
        return wallet.find(account.key()).orElseThrow().balance().value();
    }
}
