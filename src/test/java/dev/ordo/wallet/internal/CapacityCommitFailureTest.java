package dev.ordo.wallet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ordo.shared.ErrorCode;
import dev.ordo.shared.Ids;
import dev.ordo.shared.OrdoException;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Unique;
import dev.ordo.wallet.AccountKey;
import dev.ordo.wallet.CapacityChange;
import dev.ordo.wallet.CapacityOutcome;
import dev.ordo.wallet.ChangeType;
import dev.ordo.wallet.PackageTerms;
import dev.ordo.wallet.ServicePackages;
import dev.ordo.wallet.TradeNo;
import dev.ordo.wallet.Wallet;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A capacity change whose commit fails — the connection lost as it committed — may have landed: the
 * caller is told so (503, repeat with the same trade number), not that nothing changed, and its
 * repeat answers the change that landed instead of applying it twice.
 */
@DatabaseTest
class CapacityCommitFailureTest {

    @Autowired
    Wallet wallet;

    @Autowired
    ServicePackages packages;

    @Autowired
    JdbcAccounts accounts;

    @Autowired
    JdbcPackages jdbcPackages;

    @Autowired
    Ids ids;

    @Autowired
    Clock clock;

    @Autowired
    PlatformTransactionManager transactions;

    /** Commits, then fails as a commit whose answer never came back does. */
    private PlatformTransactionManager landingButFailing() {
        return new PlatformTransactionManager() {
            @Override
            public TransactionStatus getTransaction(TransactionDefinition definition) {
                return transactions.getTransaction(definition);
            }

            @Override
            public void commit(TransactionStatus status) {
                transactions.commit(status);
                throw new TransactionSystemException("connection lost while committing");
            }

            @Override
            public void rollback(TransactionStatus status) {
                transactions.rollback(status);
            }
        };
    }

    @Test
    void a_change_whose_commit_failed_is_answered_as_one_that_may_still_apply_and_its_repeat_finds_it() {
        AccountKey key = new AccountKey("test", "capacity-commit", Unique.id("cc"));
        wallet.open(key, "cc", null);
        packages.open(key, new PackageTerms("sms", "sms", 100, 0, Instant.parse("2099-12-31T00:00:00Z")));
        var failing = new DefaultServicePackages(
                accounts, jdbcPackages, ids, new TransactionTemplate(landingButFailing()), clock);
        CapacityChange deduct = new CapacityChange(key, "sms", new TradeNo("t1"), ChangeType.DEDUCT, 5);

        assertThatThrownBy(() -> failing.apply(deduct))
                .isInstanceOfSatisfying(
                        OrdoException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessageContaining("may still apply");

        CapacityOutcome repeat = packages.apply(deduct);
        assertThat(repeat)
                .isInstanceOfSatisfying(
                        CapacityOutcome.Applied.class,
                        applied -> assertThat(applied.repeated())
                                .as("the change had landed")
                                .isTrue());
        assertThat(packages.find(key, "sms").orElseThrow().totalRemain()).isEqualTo(95);
    }
}
