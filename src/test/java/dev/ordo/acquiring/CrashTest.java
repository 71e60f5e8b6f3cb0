package dev.ordo.acquiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ordo.supplier.mock.MockSupplier;
import dev.ordo.supplier.mock.MockSupplierServer;
import dev.ordo.testing.Acquiring;
import dev.ordo.testing.Http;
import dev.ordo.testing.Http.Response;
import dev.ordo.testing.TestDatabases;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC 0 "nothing is lost, nothing happens twice", under a crash: 2,000 orders in flight while the
 * Ordo process is killed with SIGKILL twice and restarted. Every accepted order reaches a final
 * state, no unit reaches the supplier twice, every account equals the sum of its records, and every
 * order's money is what its delivered units are worth. Ordo runs as a separate process on a fresh
 * database of the run's kind; the mock supplier runs here, so its counts survive the kills.
 */
@Tag("db")
class CrashTest {

    private static final String TOKEN = "crash-admin-token-0123456789";
    private static final int ORDERS = 2_000;
    private static final String[] ACCOUNT_ENDINGS = {"0", "0", "0", "0", "2", "3", "4", "5", "1", "9", "7", "6", "8"};

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void orders_in_flight_survive_two_kills_each_unit_reaches_the_supplier_once_and_the_money_adds_up()
            throws Exception {
        CrashDatabase db = CrashDatabase.fresh(TestDatabases.current());
        // Answers in 20 ms; a "no answer" (account ending 8) holds its batch a second, past the
        // supplier's 500 ms timeout: every batch with one goes unknown and is resolved by query, and
        // the order's workers are not held for seconds per batch (the test's pace).
        MockSupplier supplier = new MockSupplier(
                "mock-supplier-secret-0001", Duration.ofMillis(20), Duration.ofSeconds(1), Duration.ZERO);
        try (MockSupplierServer mock = new MockSupplierServer(0, supplier);
                OrdoProcess node = new OrdoProcess(db)) {
            node.start();
            Http http = node.http();
            prepare(http, mock.port());

            AtomicInteger sent = new AtomicInteger();
            List<String> requests = new ArrayList<>();
            for (int i = 0; i < ORDERS; i++) {
                requests.add("crash-" + i);
            }
            try (ExecutorService clients = Executors.newFixedThreadPool(32)) {
                List<Future<?>> all = new ArrayList<>();
                for (String requestNo : requests) {
                    all.add(clients.submit(() -> placeUntilAccepted(node, requestNo, sent)));
                }
                await().atMost(Duration.ofMinutes(3)).until(() -> sent.get() >= ORDERS / 4);
                node.kill();
                node.start();
                await().atMost(Duration.ofMinutes(3)).until(() -> sent.get() >= ORDERS * 2 / 3);
                node.kill();
                node.start();
                for (Future<?> f : all) {
                    f.get(5, TimeUnit.MINUTES);
                }
            }

            try (Connection sql = db.connect()) {
                await().atMost(Duration.ofMinutes(4))
                        .pollInterval(Duration.ofSeconds(2))
                        .until(() -> count(sql, "select count(*) from oms_order where status < 9000") == 0);
                assertThat(count(sql, "select count(*) from oms_order"))
                        .as("every order was accepted once")
                        .isEqualTo(ORDERS);

                Map<String, Object> stats = supplier.stats();
                assertThat(stats.get("max_submissions_per_unit"))
                        .as("no unit submitted twice")
                        .isEqualTo(1);
                assertThat(stats.get("duplicate_submissions")).isEqualTo(0);

                try (Statement st = sql.createStatement();
                        ResultSet units = st.executeQuery("select unit_id, status from oms_order_unit")) {
                    while (units.next()) {
                        String unit = Long.toString(units.getLong(1));
                        int status = units.getInt(2);
                        boolean delivered = status == 200;
                        boolean supplierDelivered = supplier.outcome(unit)
                                .map(MockSupplier.SUCCESS::equals)
                                .orElse(false);
                        assertThat(delivered)
                                .as("unit " + unit + " (status " + status + ") delivered as the supplier says")
                                .isEqualTo(supplierDelivered);
                        assertThat(status).as("unit " + unit + " is settled").isIn(200, 901, 911, 990);
                    }
                }

                assertThat(count(sql, """
                                select count(*) from wallet_account a
                                 where a.balance <> (select coalesce(sum(r.amount), 0) from wallet_record r
                                                      where r.account_id = a.account_id)
                                    or a.balance + a.credit < 0
                                    or a.version <> (select count(*) from wallet_record r where r.account_id = a.account_id)"""))
                        .as("every account equals the sum of its records")
                        .isZero();

                assertThat(count(sql, """
                                select count(*) from oms_order o
                                 where o.sale <> (select coalesce(sum(u.sale), 0) from oms_order_unit u
                                                   where u.order_id = o.order_id and u.status = 200)
                                    or o.cost <> (select coalesce(sum(u.cost), 0) from oms_order_unit u
                                                   where u.order_id = o.order_id and u.status = 200)
                                    or o.sale <> -(select coalesce(sum(r.amount), 0) from oms_order_unit u
                                                    join wallet_record r on r.trade_no = concat('#u', u.unit_id)
                                                    join wallet_account a on a.account_id = r.account_id
                                                   where u.order_id = o.order_id and a.account_group = 'down_channel')
                                    or o.cost <> -(select coalesce(sum(r.amount), 0) from oms_order_unit u
                                                    join wallet_record r on r.trade_no = concat('#u', u.unit_id)
                                                    join wallet_account a on a.account_id = r.account_id
                                                   where u.order_id = o.order_id and a.account_group = 'up_channel')
                                    or o.margin <> o.sale - o.commission - o.service_fee - o.payment_fee - o.cost
                                                   + o.up_commission - o.up_service_fee"""))
                        .as("each order: the channel paid for the delivered units only, the supplier was paid"
                                + " for them, and the margin is sale - cost - commission - fees")
                        .isZero();
                assertThat(count(sql, "select count(*) from oms_order where status = 9000"))
                        .isPositive();
            }
        }
    }

    private static void prepare(Http http, int mockPort) {
        assertThat(http.post("/admin/demo-data", "text/plain", "").status()).isEqualTo(200);
        String mock = "http://127.0.0.1:" + mockPort + "/mock/supplier";
        Response supplier = http.put("/admin/catalog/up-channels/ycup", """
                {"channel_no":"ycup","channel_name":"Mock supplier","status":0,"service_class":10,
                 "protocol":"reference-http-batch","request_url":"%s/submit-batch","query_url":"%s/query","return_url":"%s/return",
                 "can_query":0,"first_query_time":1,"query_replenish_time":1,"request_replenish_time":2,
                 "timeout_ms":500}""".formatted(mock, mock, mock));
        assertThat(supplier.status()).isEqualTo(200);
        for (String[] account : new String[][] {{"down_channel", "test"}, {"up_channel", "ycup"}}) {
            http.get(
                    "/account/balance/add",
                    "ident",
                    "oms",
                    "groups",
                    account[0],
                    "eid",
                    account[1],
                    "trade_no",
                    "crash-topup",
                    "amount",
                    "1000000000");
        }
    }

    /** A client that repeats its request (same request_no) until Ordo answers, as the API invites. */
    private static Void placeUntilAccepted(OrdoProcess node, String requestNo, AtomicInteger sent)
            throws InterruptedException {
        String ending = ACCOUNT_ENDINGS[Math.floorMod(requestNo.hashCode(), ACCOUNT_ENDINGS.length)];
        long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (System.nanoTime() < giveUp) {
            try {
                Response r = node.http()
                        .withoutToken()
                        .get(
                                "/order/request",
                                Acquiring.exampleOrder("test", requestNo, "1", "rechage_account", "1000" + ending));
                if (r.status() == 200) {
                    sent.incrementAndGet();
                    return null;
                }
                if (r.status() < 500 && r.status() != 429) {
                    throw new IllegalStateException(requestNo + " refused: " + r);
                }
            } catch (IllegalStateException down) {
                if (down.getMessage() != null && down.getMessage().contains("refused:")) {
                    throw down;
                }
            }
            Thread.sleep(100 + ThreadLocalRandom.current().nextInt(200));
        }
        throw new IllegalStateException(requestNo + " never accepted");
    }

    private static long count(Connection sql, String query) throws Exception {
        try (Statement st = sql.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A database of its own for the crashing node. */
    record CrashDatabase(String url, String user, Path dataDir) {

        static CrashDatabase fresh(String kind) throws Exception {
            Path dir = Path.of("target", "crash-" + UUID.randomUUID()).toAbsolutePath();
            Files.createDirectories(dir);
            return switch (kind) {
                case "h2" ->
                    new CrashDatabase(
                            "jdbc:h2:file:" + dir + "/ordo;AUTO_SERVER=TRUE;WRITE_DELAY=0;LOCK_TIMEOUT=10000",
                            "sa",
                            dir);
                case "postgresql" -> {
                    recreate(
                            "jdbc:postgresql://127.0.0.1:5432/test",
                            "postgres",
                            "drop database if exists ordo_crash with (force)",
                            "create database ordo_crash");
                    yield new CrashDatabase("jdbc:postgresql://127.0.0.1:5432/ordo_crash", "postgres", dir);
                }
                case "mariadb" -> {
                    recreate(
                            "jdbc:mariadb://127.0.0.1:3306/test",
                            "root",
                            "drop database if exists ordo_crash",
                            "create database ordo_crash character set utf8mb4 collate utf8mb4_bin");
                    yield new CrashDatabase("jdbc:mariadb://127.0.0.1:3306/ordo_crash", "root", dir);
                }
                default -> throw new IllegalArgumentException(kind);
            };
        }

        private static void recreate(String url, String user, String drop, String create) throws Exception {
            try (Connection c = DriverManager.getConnection(url, user, "");
                    Statement st = c.createStatement()) {
                st.execute(drop);
                st.execute(create);
            }
        }

        Connection connect() throws Exception {
            return DriverManager.getConnection(url, user, "");
        }
    }

    /** Ordo in a process of its own, killed with SIGKILL and started again on the same port and database. */
    static final class OrdoProcess implements AutoCloseable {

        private final CrashDatabase db;
        private final int port;
        private volatile Process process;
        private volatile Http http;
        private int starts;

        OrdoProcess(CrashDatabase db) throws Exception {
            this.db = db;
            try (ServerSocket probe = new ServerSocket(0)) {
                this.port = probe.getLocalPort();
            }
        }

        Http http() {
            return http;
        }

        void start() throws Exception {
            starts++;
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(List.of(
                    java,
                    "-Xmx768m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    "dev.ordo.OrdoApplication",
                    "--server.port=" + port,
                    "--spring.datasource.url=" + db.url(),
                    "--spring.datasource.username=" + db.user(),
                    "--spring.datasource.password=",
                    "--ordo.data-dir=" + db.dataDir(),
                    "--ordo.security.admin-token=" + TOKEN,
                    "--ordo.mock-supplier.enabled=false",
                    "--ordo.demo.load=never",
                    "--ordo.node-name=crash-" + starts,
                    "--ordo.jobs.heartbeat=1s",
                    "--ordo.jobs.missed-heartbeats=4",
                    "--ordo.catalog.refresh=1s",
                    "--logging.level.root=WARN"));
            File log = db.dataDir().resolve("node-" + starts + ".log").toFile();
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log)
                    .start();
            http = new Http("http://127.0.0.1:" + port, TOKEN);
            try {
                await().atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(300))
                        .until(() -> {
                            if (!process.isAlive()) {
                                throw new IllegalStateException("Ordo died on start, see " + log);
                            }
                            try {
                                return http.withoutToken()
                                                .get("/actuator/health")
                                                .status()
                                        == 200;
                            } catch (IllegalStateException down) {
                                return false;
                            }
                        });
            } catch (RuntimeException e) {
                throw new IllegalStateException("Ordo did not start, see " + log, e);
            }
        }

        /**
         * SIGKILL: no shutdown hook, no graceful anything. On H2 the killed node's lock file is removed
         * once it is gone: it names the node's AUTO_SERVER port, which the next node would try to reach
         * first — and a port taken meanwhile by another socket (a loopback connection can even meet
         * itself) answers nothing, so the next node hung at its start instead of opening the file.
         */
        void kill() throws Exception {
            process.destroyForcibly();
            if (process.waitFor(30, TimeUnit.SECONDS) && db.url().startsWith("jdbc:h2:")) {
                Files.deleteIfExists(db.dataDir().resolve("ordo.lock.db"));
            }
        }

        @Override
        public void close() throws Exception {
            if (process != null) {
                kill();
            }
        }
    }
}
