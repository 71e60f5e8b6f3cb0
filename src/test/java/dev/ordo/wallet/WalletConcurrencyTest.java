package dev.ordo.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.shared.Cents;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Http;
import dev.ordo.testing.Unique;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** SPEC B5 under concurrency: many threads over real HTTP (and the in-process API) on the real database. */
@DatabaseTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WalletConcurrencyTest {

    @LocalServerPort
    int port;

    @Autowired
    Wallet wallet;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    LedgerCheck ledgerCheck;

    @Autowired
    TransactionTemplate tx;

    Http http;

    @BeforeEach
    void setUp() {
        http = new Http(port);
    }

    private String openWith(long cents) {
        String eid = Unique.id("conc");
        assertThat(http.get("/account/create", "eid", eid, "name", "load").status())
                .isEqualTo(200);
        if (cents > 0) {
            assertThat(http.get("/account/balance/add", "eid", eid, "trade_no", "seed", "amount", Long.toString(cents))
                            .status())
                    .isEqualTo(200);
        }
        return eid;
    }

    private long accountId(String eid) {
        return http.get("/account/query", "eid", eid).json().get("account_id").asLong();
    }

    private void assertLedgerHolds(String eid) {
        long id = accountId(eid);
        long balance = jdbc.sql("select balance from wallet_account where account_id = :id")
                .param("id", id)
                .query(Long.class)
                .single();
        long sum = jdbc.sql("select coalesce(sum(amount), 0) from wallet_record where account_id = :id")
                .param("id", id)
                .query(Long.class)
                .single();
        long lowest = jdbc.sql("select coalesce(min(balance), 0) from wallet_record where account_id = :id")
                .param("id", id)
                .query(Long.class)
                .single();
        assertThat(sum).as("records sum to the balance").isEqualTo(balance);
        assertThat(lowest).as("no record ever left the balance negative").isGreaterThanOrEqualTo(0);
    }

    /** Runs the tasks on {@code threads} threads, all released at once; returns how often each status came back. */
    private static Map<Integer, Integer> race(int threads, List<? extends Callable<Integer>> tasks) throws Exception {
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> futures = new ArrayList<>();
            for (var task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    statuses.merge(task.call(), 1, Integer::sum);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get();
            }
        }
        return statuses;
    }

    @Test
    void ten_thousand_deducts_of_one_from_64_threads_take_exactly_the_balance_and_never_more() throws Exception {
        String eid = openWith(1_000);
        List<Callable<Integer>> deducts = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            String tradeNo = "d" + i;
            deducts.add(() -> http.get("/account/balance/deduct", "eid", eid, "trade_no", tradeNo, "amount", "1")
                    .status());
        }
        Map<Integer, Integer> statuses = race(64, deducts);

        assertThat(statuses).containsOnlyKeys(200, 422);
        assertThat(statuses.get(200)).isEqualTo(1_000);
        assertThat(statuses.get(422)).isEqualTo(9_000);
        assertThat(http.get("/account/query", "eid", eid).json().get("balance").asLong())
                .isZero();
        assertLedgerHolds(eid);
    }

    @Test
    void a_thousand_trade_numbers_each_sent_twenty_times_at_once_are_applied_once_each() throws Exception {
        String eid = openWith(1_000_000);
        List<Callable<Integer>> requests = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            String tradeNo = "t" + i;
            for (int copy = 0; copy < 20; copy++) {
                requests.add(() -> http.get("/account/balance/deduct", "eid", eid, "trade_no", tradeNo, "amount", "7")
                        .status());
            }
        }
        Collections.shuffle(requests);
        Map<Integer, Integer> statuses = race(64, requests);

        assertThat(statuses).containsOnlyKeys(200, 201);
        assertThat(statuses.get(200))
                .as("one first application per trade number")
                .isEqualTo(1_000);
        long id = accountId(eid);
        assertThat(jdbc.sql("select count(*) from wallet_record where account_id = :id and change_type = 2")
                        .param("id", id)
                        .query(Long.class)
                        .single())
                .isEqualTo(1_000);
        assertThat(http.get("/account/query", "eid", eid).json().get("balance").asLong())
                .isEqualTo(1_000_000 - 7_000);
        assertLedgerHolds(eid);
    }

    @Test
    void a_deduct_refunded_by_twenty_concurrent_requests_is_refunded_once() throws Exception {
        String eid = openWith(100_000);
        for (int round = 0; round < 25; round++) {
            String tradeNo = "r" + round;
            assertThat(http.get("/account/balance/deduct", "eid", eid, "trade_no", tradeNo, "amount", "200")
                            .status())
                    .isEqualTo(200);
            List<Callable<Integer>> refunds = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                refunds.add(() -> http.get("/account/balance/refund", "eid", eid, "trade_no", tradeNo, "amount", "200")
                        .status());
            }
            Map<Integer, Integer> statuses = race(20, refunds);
            assertThat(statuses).containsOnlyKeys(200, 201);
            assertThat(statuses.get(200)).isEqualTo(1);
        }
        assertThat(http.get("/account/query", "eid", eid).json().get("balance").asLong())
                .isEqualTo(100_000);
        assertThat(jdbc.sql("select count(*) from wallet_record where account_id = :id and change_type = 3")
                        .param("id", accountId(eid))
                        .query(Long.class)
                        .single())
                .isEqualTo(25);
        assertLedgerHolds(eid);
    }

    @Test
    void the_in_process_api_and_http_deducting_one_account_together_never_overspend() throws Exception {
        String eid = openWith(500);
        AccountKey key = new AccountKey("ordo", "default", eid);
        AtomicInteger applied = new AtomicInteger();
        List<Callable<Integer>> mixed = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            String tradeNo = "m" + i;
            if (i % 2 == 0) {
                mixed.add(() -> {
                    BalanceOutcome outcome =
                            wallet.apply(new BalanceChange(key, new TradeNo(tradeNo), ChangeType.DEDUCT, Cents.of(1)));
                    if (outcome instanceof BalanceOutcome.Applied) {
                        applied.incrementAndGet();
                        return 200;
                    }
                    return 422;
                });
            } else {
                mixed.add(() -> {
                    int status = http.get("/account/balance/deduct", "eid", eid, "trade_no", tradeNo, "amount", "1")
                            .status();
                    if (status == 200) {
                        applied.incrementAndGet();
                    }
                    return status;
                });
            }
        }
        Collections.shuffle(mixed);
        Map<Integer, Integer> statuses = race(32, mixed);

        assertThat(statuses).containsOnlyKeys(200, 422);
        assertThat(applied.get()).isEqualTo(500);
        assertThat(wallet.find(key).orElseThrow().balance()).isEqualTo(Cents.ZERO);
        assertLedgerHolds(eid);
    }

    /**
     * A repeat of a deduct, in a caller's transaction that read before the first one committed,
     * answers the first one: at MySQL's REPEATABLE READ that transaction's snapshot predates the
     * record, so a plain read would miss it and refuse the repeat for want of balance.
     */
    @Test
    void a_repeat_in_a_transaction_that_read_before_the_first_committed_answers_the_first() throws Exception {
        String eid = openWith(100);
        AccountKey key = new AccountKey("ordo", "default", eid);
        CountDownLatch snapshotTaken = new CountDownLatch(1);
        CountDownLatch firstCommitted = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
            Future<BalanceOutcome> repeat = pool.submit(() -> tx.execute(status -> {
                jdbc.sql("select count(*) from wallet_account where eid = :eid")
                        .param("eid", eid)
                        .query(Long.class)
                        .single();
                snapshotTaken.countDown();
                try {
                    if (!firstCommitted.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the first deduct never committed");
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return wallet.apply(BalanceChange.deduct(key, "twice", 80));
            }));
            assertThat(snapshotTaken.await(30, TimeUnit.SECONDS)).isTrue();
            try {
                assertThat(wallet.apply(BalanceChange.deduct(key, "twice", 80)))
                        .isInstanceOf(BalanceOutcome.Applied.class);
            } finally {
                firstCommitted.countDown();
            }
            assertThat(repeat.get(30, TimeUnit.SECONDS))
                    .isInstanceOfSatisfying(
                            BalanceOutcome.Applied.class,
                            a -> assertThat(a.repeated()).isTrue());
        }
        assertThat(wallet.find(key).orElseThrow().balance()).isEqualTo(Cents.of(20));
        assertLedgerHolds(eid);
    }

    @Test
    @Order(Integer.MAX_VALUE) // after every other test of the class
    void after_all_of_this_the_ledger_check_finds_no_break() {
        assertThat(ledgerCheck.check().breaks()).isEmpty();
    }
}
