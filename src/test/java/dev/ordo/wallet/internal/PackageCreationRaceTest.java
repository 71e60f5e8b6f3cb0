package dev.ordo.wallet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.shared.Dialect;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Unique;
import dev.ordo.wallet.AccountKey;
import dev.ordo.wallet.CapacityChange;
import dev.ordo.wallet.CapacityOutcome;
import dev.ordo.wallet.ChangeType;
import dev.ordo.wallet.PackageTerms;
import dev.ordo.wallet.Refusal;
import dev.ordo.wallet.ServicePackages;
import dev.ordo.wallet.TradeNo;
import dev.ordo.wallet.Wallet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A capacity change that arrives while its package is being created: on MySQL and MariaDB its lock
 * waits for the creation to commit and then applies to the new package (its transaction's snapshot
 * is taken after the lock, so the package it locked is the one it reads); elsewhere the uncommitted
 * package is not there yet. Either way an answer, never an error.
 */
@DatabaseTest
class PackageCreationRaceTest {

    @Autowired
    Wallet wallet;

    @Autowired
    ServicePackages packages;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Dialect dialect;

    @Autowired
    DataSource dataSource;

    @Test
    void a_capacity_change_waiting_on_the_packages_creation_applies_to_the_new_package() throws Exception {
        AccountKey key = new AccountKey("test", "package-race", Unique.id("race"));
        wallet.open(key, "race", null);
        CountDownLatch created = new CountDownLatch(1);
        CompletableFuture<CapacityOutcome> deduct = new CompletableFuture<>();

        tx.executeWithoutResult(s -> {
            packages.open(key, new PackageTerms("sms", "sms", 100, 0, Instant.parse("2099-12-31T00:00:00Z")));
            Thread.ofVirtual().start(() -> {
                try {
                    created.await();
                    deduct.complete(
                            packages.apply(new CapacityChange(key, "sms", new TradeNo("t1"), ChangeType.DEDUCT, 1)));
                } catch (Throwable e) {
                    deduct.completeExceptionally(e);
                }
            });
            created.countDown();
            awaitLockWaitOrAnswer(deduct);
        });

        CapacityOutcome outcome = deduct.get(30, TimeUnit.SECONDS);
        if (dialect == Dialect.MYSQL) {
            assertThat(outcome).isInstanceOf(CapacityOutcome.Applied.class);
            assertThat(packages.find(key, "sms").orElseThrow().totalRemain()).isEqualTo(99);
        } else if (outcome instanceof CapacityOutcome.Refused refused) {
            assertThat(refused.refusal()).isEqualTo(Refusal.PACKAGE_NOT_FOUND);
        }
    }

    /**
     * Statements waiting for the package's lock, asked on a connection of its own. MariaDB takes a
     * unique key's row while it plans the statement: the wait shows in the process list (state
     * "Statistics"), not yet as a transaction in LOCK WAIT.
     */
    private long lockWaits() {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select count(*) from information_schema.processlist"
                        + " where info like 'select * from wallet_package where % for update'")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Until the deduct waits on the creating transaction's lock (MySQL) or has answered (the others). */
    private void awaitLockWaitOrAnswer(CompletableFuture<?> deduct) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!deduct.isDone() && System.nanoTime() < deadline) {
            if (dialect == Dialect.MYSQL && lockWaits() > 0) {
                return;
            }
            Thread.onSpinWait();
        }
    }
}
