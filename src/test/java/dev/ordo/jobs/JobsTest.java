package dev.ordo.jobs;

import static dev.ordo.testing.TestJobs.COMPLETING;
import static dev.ordo.testing.TestJobs.LEFT_AFTER_TRANSACTION;
import static dev.ordo.testing.TestJobs.PROBE;
import static dev.ordo.testing.TestJobs.PUTTING_OFF;
import static dev.ordo.testing.TestJobs.RUNS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ordo.shared.Dialect;
import dev.ordo.testing.AtOnce;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Http;
import dev.ordo.testing.Http.Response;
import dev.ordo.testing.TestDatabases;
import dev.ordo.testing.TestJobs;
import dev.ordo.testing.TestJobs.Completing;
import dev.ordo.testing.TestJobs.Probe;
import dev.ordo.testing.TestJobs.PuttingOff;
import dev.ordo.testing.TestJobs.Run;
import dev.ordo.testing.Unique;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Calendar;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TimeZone;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** SPEC K3 on the real database: durable, delayed, retried, dead-lettered, bounded and cluster-safe jobs. */
@DatabaseTest
class JobsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    /** A queue no node serves: its jobs stay due, as a queue's backlog does when its workers cannot keep up. */
    private static final JobQueue<String> UNSERVED = JobQueue.of("test:unserved", String.class);

    @LocalServerPort
    int port;

    @Autowired
    Jobs jobs;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JsonMapper json;

    @Autowired
    Dialect dialect;

    @Autowired
    JobsAdmin jobsAdmin;

    @Autowired
    MeterRegistry meters;

    private static List<Run> runs(String key) {
        return RUNS.getOrDefault(key, List.of());
    }

    @Test
    void a_job_enqueued_in_a_transaction_runs_only_if_the_transaction_commits() {
        String committed = Unique.id("commit");
        String rolledBack = Unique.id("rollback");
        tx.executeWithoutResult(status -> jobs.enqueue(PROBE, committed, new Probe(committed, 0, 0)));
        tx.executeWithoutResult(status -> {
            jobs.enqueue(PROBE, rolledBack, new Probe(rolledBack, 0, 0));
            status.setRollbackOnly();
        });
        await().atMost(PATIENCE).until(() -> runs(committed).size() == 1);
        String later = Unique.id("later");
        jobs.enqueue(PROBE, later, new Probe(later, 0, 0));
        await().atMost(PATIENCE).until(() -> runs(later).size() == 1);
        assertThat(runs(rolledBack)).isEmpty();
    }

    /**
     * "A job with the same queue and id already pending is kept" holds for transactions enqueueing
     * it at the same moment too: the later ones keep the first one's job and go on, instead of failing
     * on the job table's key (on PostgreSQL the failed insert aborted the whole transaction; on MySQL
     * at REPEATABLE READ the look for the job that beat it read the transaction's older snapshot).
     */
    @Test
    void transactions_enqueueing_the_same_job_at_once_keep_one_job_and_all_commit() throws Exception {
        String id = Unique.id("same");
        List<String> failures = AtOnce.call(16, 8, n -> {
            try {
                tx.executeWithoutResult(status -> {
                    jobs.enqueue(UNSERVED, id, "from " + n);
                    try {
                        Thread.sleep(100); // the transaction stays open while the others enqueue
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                return null;
            } catch (RuntimeException e) {
                return e.toString();
            }
        });
        assertThat(failures).containsOnlyNulls();
        assertThat(jdbc.queryForObject(
                        "select count(*) from scheduled_tasks where task_name = ? and task_instance = ?",
                        Integer.class,
                        UNSERVED.name(),
                        id))
                .isEqualTo(1);
    }

    @Test
    void the_job_table_is_vacuumed_and_analyzed_by_its_timer_on_postgresql() {
        Instant before = Instant.now();
        runTableMaintenanceNow();
        if (dialect == Dialect.POSTGRESQL) {
            Map<String, Object> stats = jdbc.queryForMap("""
                    select last_vacuum, last_analyze from pg_stat_user_tables
                     where relname = 'scheduled_tasks' and schemaname = current_schema()""");
            assertThat(stats.get("last_vacuum"))
                    .isInstanceOfSatisfying(
                            java.sql.Timestamp.class,
                            t -> assertThat(t.toInstant()).isAfter(before));
            assertThat(stats.get("last_analyze"))
                    .isInstanceOfSatisfying(
                            java.sql.Timestamp.class,
                            t -> assertThat(t.toInstant()).isAfter(before));
        }
        // Elsewhere it does nothing (InnoDB purges its own dead rows; H2 is one node) and succeeds.
    }

    @Test
    void
            a_table_that_about_doubled_since_its_last_analyze_is_analyzed_by_the_timer_and_one_grown_by_a_fifth_is_not_on_postgresql() {
        assumeTrue(dialect == Dialect.POSTGRESQL, "MariaDB keeps its own statistics; H2 plans without them");
        String table =
                "test_stale_" + Unique.id("t").replaceAll("[^A-Za-z0-9]", "_").toLowerCase();
        jdbc.execute("create table " + table + " (id bigint primary key)");
        try {
            // Created empty and analyzed so: the statistics of an empty table, then 5,000 rows.
            jdbc.execute("analyze " + table);
            jdbc.update("insert into " + table + " select n from generate_series(1, 5000) n");
            await().atMost(PATIENCE).until(() -> modifiedSinceAnalyze(table) >= 5000);

            runTableMaintenanceNow();

            assertThat(estimatedRows(table)).isEqualTo(5000);
            assertThat(modifiedSinceAnalyze(table)).isZero();

            // A fifth more: the plans made for 5,000 rows still hold, so no analyze (autovacuum's
            // would come after a tenth).
            jdbc.update("insert into " + table + " select n from generate_series(5001, 6000) n");
            await().atMost(PATIENCE).until(() -> modifiedSinceAnalyze(table) >= 1000);

            runTableMaintenanceNow();

            assertThat(estimatedRows(table)).isEqualTo(5000);
            assertThat(modifiedSinceAnalyze(table)).isEqualTo(1000);
        } finally {
            jdbc.execute("drop table " + table);
        }
    }

    private long modifiedSinceAnalyze(String table) {
        return jdbc.queryForObject(
                "select n_mod_since_analyze from pg_stat_user_tables where relname = ? and schemaname = current_schema()",
                Long.class,
                table);
    }

    private double estimatedRows(String table) {
        return jdbc.queryForObject("select reltuples from pg_class where oid = ?::regclass", Double.class, table);
    }

    @Test
    void the_job_tables_indexes_are_rebuilt_once_bloated_so_that_a_claim_probes_them_on_postgresql() {
        assumeTrue(
                dialect == Dialect.POSTGRESQL,
                "InnoDB's primary key is the table itself; H2 is the embedded single node");
        // A burst worked off: 20,000 jobs come and go, and leave the indexes hundreds of pages long;
        // one job enqueued last is still there (the table keeps its length).
        jdbc.update("""
                insert into scheduled_tasks (task_name, task_instance, execution_time, picked, version)
                select 'test:burst', 'burst-' || n, now() + interval '1 day', false, 1
                  from generate_series(1, 20000) n""");
        jdbc.update("""
                insert into scheduled_tasks (task_name, task_instance, execution_time, picked, version)
                values ('test:burst-tail', 'tail', now() + interval '1 day', false, 1)""");
        jdbc.update("delete from scheduled_tasks where task_name = 'test:burst'");
        jdbc.execute("vacuum (analyze) scheduled_tasks");
        assertThat(primaryKeyPages()).isGreaterThan(64);

        runTableMaintenanceNow();

        assertThat(primaryKeyPages()).isLessThan(16);
        assertThat(
                        jdbc.queryForList(
                                "select indexrelid from pg_index where indrelid = 'scheduled_tasks'::regclass and not indisvalid"))
                .isEmpty();
        assertThat(deletePlan()).contains("Index Scan").doesNotContain("Seq Scan");
        jdbc.update("delete from scheduled_tasks where task_name = 'test:burst-tail'");
    }

    /**
     * How PostgreSQL deletes a finished job for db-scheduler: a prepared statement, which after a few
     * runs is planned once for any parameters (before the fix: a sequential scan of the whole table).
     */
    private String deletePlan() {
        return jdbc.execute((ConnectionCallback<String>) connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("set plan_cache_mode = force_generic_plan");
                statement.execute("""
                        prepare finished_job(text, text, bigint) as
                        delete from scheduled_tasks where task_name = $1 and task_instance = $2 and version = $3""");
                StringBuilder plan = new StringBuilder();
                try (ResultSet rs = statement.executeQuery("explain execute finished_job('oms:order:bind', '1', 1)")) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
                statement.execute("deallocate finished_job");
                statement.execute("reset plan_cache_mode");
                return plan.toString();
            }
        });
    }

    private long primaryKeyPages() {
        return jdbc.queryForObject(
                "select pg_relation_size('scheduled_tasks_pkey'::regclass) / current_setting('block_size')::int",
                Long.class);
    }

    /** Runs {@code jobs:table-maintenance} now and waits until it has succeeded. */
    private void runTableMaintenanceNow() {
        Object lastSuccess = lastSuccess("jobs:table-maintenance");
        await().atMost(PATIENCE).until(() -> jobs.runRecurringNow("jobs:table-maintenance"));
        await().atMost(PATIENCE).until(() -> !Objects.equals(lastSuccess("jobs:table-maintenance"), lastSuccess));
    }

    private Object lastSuccess(String task) {
        return jdbc
                .queryForList("select last_success from scheduled_tasks where task_name = ?", Object.class, task)
                .stream()
                .findFirst()
                .orElse(null);
    }

    @Test
    void the_oldest_waiting_job_of_a_queue_is_found_and_jobs_not_yet_due_do_not_count() {
        Instant now = Instant.now();
        String prefix = Unique.id("waiting");
        jdbc.update("delete from scheduled_tasks where task_name = ?", UNSERVED.name());
        assertThat(jobs.oldestWaiting(UNSERVED)).isEmpty();

        jobs.enqueue(UNSERVED, prefix + "-later", "x", now.plusSeconds(3600));
        assertThat(jobs.oldestWaiting(UNSERVED)).as("not due yet").isEmpty();
        jobs.enqueue(UNSERVED, prefix + "-30", "x", now.minusSeconds(30));
        jobs.enqueue(UNSERVED, prefix + "-90", "x", now.minusSeconds(90));
        jobs.enqueue(UNSERVED, prefix + "-10", "x", now.minusSeconds(10));

        assertThat(jobs.oldestWaiting(UNSERVED))
                .hasValueSatisfying(since ->
                        assertThat(Duration.between(since, now).toMillis()).isBetween(89_000L, 91_000L));
        jdbc.update("delete from scheduled_tasks where task_name = ?", UNSERVED.name());
    }

    /**
     * Every write to a running job is conditional on the version its worker claimed: a job id
     * enqueued again after its earlier run completed starts at another version, so that a worker of
     * the earlier run that stalled and comes back cannot complete or hand back the new one.
     */
    @Test
    void a_job_enqueued_again_after_its_run_starts_at_another_version() {
        String id = Unique.id("again");
        jobs.enqueue(UNSERVED, id, "x");
        long first = version(UNSERVED.name(), id);
        jdbc.update("delete from scheduled_tasks where task_name = ? and task_instance = ?", UNSERVED.name(), id);

        jobs.enqueue(UNSERVED, id, "x");
        long second = version(UNSERVED.name(), id);
        jdbc.update("delete from scheduled_tasks where task_name = ? and task_instance = ?", UNSERVED.name(), id);

        assertThat(second).isNotEqualTo(first);
        assertThat(List.of(first, second))
                .as("above the versions a claimed db-scheduler row starts from")
                .allSatisfy(v -> assertThat(v).isGreaterThan(1));
    }

    private long version(String queue, String id) {
        return jdbc.queryForObject(
                "select version from scheduled_tasks where task_name = ? and task_instance = ?", Long.class, queue, id);
    }

    @Test
    void a_delayed_job_does_not_run_before_its_time() {
        String key = Unique.id("delayed");
        Instant at = Instant.now().plusSeconds(2);
        jobs.enqueue(PROBE, key, new Probe(key, 0, 0), at);
        await().atMost(PATIENCE).until(() -> runs(key).size() == 1);
        assertThat(runs(key).getFirst().at()).isAfterOrEqualTo(at);
    }

    @Test
    void
            a_failing_job_is_retried_with_growing_backoff_then_becomes_dead_its_handler_told_and_can_be_sent_back_its_handler_told() {
        Http http = new Http(port);
        String key = Unique.id("dies");
        enqueueFailingUntilDead(http, key);
        List<Run> runs = runs(key);
        assertThat(runs).extracting(Run::attempt).containsExactly(1, 2, 3);
        assertThat(TestJobs.LAST_ATTEMPTS.get(key))
                .as("the handler is told which attempt is its last")
                .containsExactly(false, false, true);
        // Backoff starts at 200 ms and doubles (with ±10 % jitter): never sooner.
        assertThat(Duration.between(runs.get(0).at(), runs.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(180));
        assertThat(Duration.between(runs.get(1).at(), runs.get(2).at())).isGreaterThanOrEqualTo(Duration.ofMillis(360));

        JsonNode dead = http.get("/admin/jobs/dead", "queue", PROBE.name())
                .json()
                .valueStream()
                .filter(d -> d.get("job_id").asString().equals(key))
                .findFirst()
                .orElseThrow();
        assertThat(dead.get("attempts").asInt()).isEqualTo(3);
        assertThat(dead.get("last_error").asString()).contains("fails on purpose");
        assertThat(TestJobs.DEAD).as("its handler is told").contains(key);
        assertThat(TestJobs.DEAD_IN_TRANSACTION.get(key))
                .as("in the transaction that makes it dead")
                .isTrue();
        assertThat(http.get("/admin/jobs").json().get("queues").valueStream()).anySatisfy(q -> {
            assertThat(q.get("queue").asString()).isEqualTo(PROBE.name());
            assertThat(q.get("dead").asLong()).isPositive();
            assertThat(q.get("concurrency").asInt()).isEqualTo(2);
        });

        assertThat(http.post("/admin/jobs/dead/" + dead.get("id").asLong() + "/retry", "text/plain", "")
                        .status())
                .isEqualTo(200);
        assertThat(TestJobs.REVIVED_IN_TRANSACTION.get(key))
                .as("its handler is told it was sent back, in the transaction that enqueues it again")
                .isTrue();
        await().atMost(PATIENCE).until(() -> runs(key).size() == 4);
        assertThat(http.get("/admin/jobs/dead", "queue", PROBE.name()).json().valueStream())
                .noneMatch(d -> d.get("job_id").asString().equals(key));
        assertThat(http.post("/admin/jobs/dead/" + dead.get("id").asLong() + "/retry", "text/plain", "")
                        .status())
                .isEqualTo(404);
    }

    /** How many probe jobs of this key are scheduled (or running). */
    private int scheduledProbes(String key) {
        return jdbc.queryForObject(
                "select count(*) from scheduled_tasks where task_name = ? and task_instance = ?",
                Integer.class,
                PROBE.name(),
                key);
    }

    /** A probe job failing its three attempts, once it is in the dead-letter list. */
    private void enqueueFailingUntilDead(Http http, String key) {
        jobs.enqueue(PROBE, key, new Probe(key, 3, 0));
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(http.get("/admin/jobs/dead", "queue", PROBE.name())
                                .json()
                                .valueStream())
                        .anyMatch(dead -> dead.get("job_id").asString().equals(key)));
    }

    /**
     * The handler is told of a death in the transaction that records it, in a savepoint: its failure
     * — on PostgreSQL, one that fails the transaction — takes back only its own writes.
     */
    @Test
    void a_handler_that_fails_on_the_database_when_told_of_a_death_leaves_its_job_dead_all_the_same() {
        String key = TestJobs.DEATH_FAILS + Unique.id("x");
        enqueueFailingUntilDead(new Http(port), key);
        assertThat(runs(key)).hasSize(3);
        assertThat(TestJobs.DEAD_IN_TRANSACTION.get(key)).isTrue();
        assertThat(TestJobs.DEAD).doesNotContain(key);
        assertThat(scheduledProbes(key)).isZero();
    }

    /**
     * A job whose payload no longer reads as its queue's (written by another version, or by hand) fails
     * every attempt, and is then dead like any other, its payload kept as stored — not left claimed
     * for ever, its node failing to record it dead every round.
     */
    @Test
    void a_job_whose_payload_cannot_be_read_becomes_dead_with_its_payload_as_stored() {
        String key = Unique.id("unreadable");
        Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
        jdbc.update(
                "insert into scheduled_tasks (task_name, task_instance, task_data, execution_time, picked, version)"
                        + " values (?, ?, ?, ?, ?, 1)",
                ps -> {
                    ps.setString(1, PROBE.name());
                    ps.setString(2, key);
                    ps.setBytes(3, "{\"key\": {\"not\": \"a string\"}".getBytes(StandardCharsets.UTF_8));
                    ps.setTimestamp(4, Timestamp.from(Instant.now()), utc);
                    ps.setBoolean(5, false);
                });

        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(jobsAdmin.deadJobs(PROBE.name(), 100))
                        .filteredOn(dead -> dead.jobId().equals(key))
                        .singleElement()
                        .satisfies(dead -> {
                            assertThat(dead.payload()).isEqualTo("{\"key\": {\"not\": \"a string\"}");
                            assertThat(dead.attempts()).isEqualTo(3);
                        }));
        assertThat(jdbc.queryForObject(
                        "select count(*) from scheduled_tasks where task_name = ? and task_instance = ?",
                        Integer.class,
                        PROBE.name(),
                        key))
                .as("no longer claimed")
                .isZero();
        assertThat(runs(key)).as("never reached the handler's work").isEmpty();
    }

    @Test
    void a_job_that_fails_once_succeeds_on_its_retry_and_is_not_dead() {
        String key = Unique.id("flaky");
        jobs.enqueue(PROBE, key, new Probe(key, 1, 0));
        await().atMost(PATIENCE).until(() -> runs(key).size() == 2);
        await().pollDelay(Duration.ofMillis(500)).atMost(PATIENCE).until(() -> true);
        assertThat(runs(key)).hasSize(2);
        assertThat(new Http(port)
                        .get("/admin/jobs/dead", "queue", PROBE.name())
                        .json()
                        .valueStream())
                .noneMatch(d -> d.get("job_id").asString().equals(key));
    }

    @Test
    void a_queue_never_runs_more_jobs_at_once_than_its_concurrency() {
        TestJobs.resetConcurrency();
        List<String> keys =
                IntStream.range(0, 8).mapToObj(i -> Unique.id("bounded")).toList();
        keys.forEach(key -> jobs.enqueue(PROBE, key, new Probe(key, 0, 300)));
        await().atMost(PATIENCE)
                .until(() -> keys.stream().allMatch(key -> runs(key).size() == 1));
        assertThat(TestJobs.mostAtOnce("node-1")).isEqualTo(PROBE.concurrency());
    }

    @Test
    void a_finished_job_is_deleted_unless_another_node_has_claimed_it_meanwhile() {
        String done = Unique.id("done");
        jobs.enqueue(PROBE, done, new Probe(done, 0, 0));
        await().atMost(PATIENCE).until(() -> runs(done).size() == 1 && executions(done) == 0);

        String takenOver = Unique.id("taken-over");
        Logger completionLog = (Logger) LoggerFactory.getLogger("dev.ordo.jobs.internal.BatchedCompletion");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        completionLog.addAppender(logged);
        try {
            jobs.enqueue(PROBE, takenOver, new Probe(takenOver, 0, 1_500));
            await().atMost(PATIENCE).until(() -> runs(takenOver).size() == 1);
            // While it runs, another node takes the execution over (as after missed heartbeats): a new version.
            assertThat(jdbc.update(
                            "update scheduled_tasks set version = version + 1, picked_by = 'other-node'"
                                    + " where task_name = ? and task_instance = ?",
                            PROBE.name(),
                            takenOver))
                    .isEqualTo(1);
            // The node finishes the job and tries to delete the execution at the version it ran.
            await().atMost(PATIENCE)
                    .until(() -> logged.list.stream()
                            .anyMatch(event -> event.getFormattedMessage().contains(takenOver)
                                    && event.getFormattedMessage().contains("no longer claimed")));
        } finally {
            completionLog.detachAppender(logged);
        }
        assertThat(jdbc.queryForObject(
                        "select picked_by from scheduled_tasks where task_name = ? and task_instance = ?",
                        String.class,
                        PROBE.name(),
                        takenOver))
                .isEqualTo("other-node");
        jdbc.update("delete from scheduled_tasks where task_name = ? and task_instance = ?", PROBE.name(), takenOver);
    }

    @Test
    void a_job_completed_in_its_last_transaction_is_gone_when_that_commits_and_runs_once() {
        String key = Unique.id("completing");
        jobs.enqueue(COMPLETING, key, new Completing(key, false, false));
        await().atMost(PATIENCE).until(() -> LEFT_AFTER_TRANSACTION.containsKey(key));
        // Gone with the commit, while its handler still ran: no completion of its own afterwards.
        assertThat(LEFT_AFTER_TRANSACTION.get(key)).containsExactly(0);
        await().pollDelay(Duration.ofSeconds(2)).atMost(PATIENCE).until(() -> true);
        assertThat(runs(key)).hasSize(1);
        assertThat(jobsAdmin.deadJobs(COMPLETING.name(), 100))
                .noneMatch(dead -> dead.jobId().equals(key));
    }

    @Test
    void a_job_whose_completing_transaction_rolled_back_is_still_there_and_completes_as_usual() {
        String key = Unique.id("rolled-back");
        jobs.enqueue(COMPLETING, key, new Completing(key, true, false));
        await().atMost(PATIENCE).until(() -> LEFT_AFTER_TRANSACTION.containsKey(key));
        assertThat(LEFT_AFTER_TRANSACTION.get(key)).containsExactly(1);
        await().atMost(PATIENCE).until(() -> executions(COMPLETING, key) == 0);
        assertThat(runs(key)).hasSize(1);
    }

    @Test
    void a_job_that_throws_after_its_completion_committed_is_done_and_not_retried() {
        String key = Unique.id("throws-after");
        jobs.enqueue(COMPLETING, key, new Completing(key, false, true));
        await().atMost(PATIENCE).until(() -> LEFT_AFTER_TRANSACTION.containsKey(key));
        // Past the first retry's backoff (200 ms) many times over.
        await().pollDelay(Duration.ofSeconds(2)).atMost(PATIENCE).until(() -> true);
        assertThat(runs(key)).hasSize(1);
        assertThat(executions(COMPLETING, key)).isZero();
        assertThat(jobsAdmin.deadJobs(COMPLETING.name(), 100))
                .noneMatch(dead -> dead.jobId().equals(key));
    }

    @Test
    void a_job_its_handler_puts_off_runs_again_at_that_time_without_counting_an_attempt() {
        String key = Unique.id("put-off");
        double putOffBefore = putOffs(PUTTING_OFF);
        double putOffRunsBefore = runsEnded("put_off");
        double okRunsBefore = runsEnded("ok");
        // One real failure, then three put-offs: counted as attempts, they would make it dead (three at most).
        jobs.enqueue(PUTTING_OFF, key, new PuttingOff(key, 1, 3, 300));
        await().atMost(PATIENCE).until(() -> runs(key).size() == 5 && executions(PUTTING_OFF, key) == 0);

        List<Run> runs = runs(key);
        assertThat(runs)
                .extracting(Run::attempt)
                .as("the failure counts, the put-offs neither count nor start the count again")
                .containsExactly(1, 2, 2, 2, 2);
        for (int n = 2; n < runs.size(); n++) {
            assertThat(Duration.between(runs.get(n - 1).at(), runs.get(n).at()))
                    .as("run %d not before the time it was put off to", n + 1)
                    .isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
        assertThat(jobsAdmin.deadJobs(PUTTING_OFF.name(), 100))
                .noneMatch(dead -> dead.jobId().equals(key));
        assertThat(putOffs(PUTTING_OFF) - putOffBefore).isEqualTo(3);
        // Reported once each run's completion is: the put-off ones as such, the one that did the work as ok.
        await().atMost(PATIENCE)
                .until(() -> runsEnded("put_off") - putOffRunsBefore == 3 && runsEnded("ok") - okRunsBefore == 1);
    }

    private double runsEnded(String result) {
        Counter counter = meters.find("ordo.jobs.executions")
                .tag("queue", PUTTING_OFF.name())
                .tag("result", result)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private double putOffs(JobQueue<?> queue) {
        Counter counter =
                meters.find("ordo.jobs.put.off").tag("queue", queue.name()).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void no_job_is_running_on_a_thread_that_is_not_a_jobs_worker() {
        assertThat(jobs.running()).isEmpty();
    }

    private int executions(String key) {
        return executions(PROBE, key);
    }

    private int executions(JobQueue<?> queue, String key) {
        return Objects.requireNonNull(jdbc.queryForObject(
                "select count(*) from scheduled_tasks where task_name = ? and task_instance = ?",
                Integer.class,
                queue.name(),
                key));
    }

    @Test
    void the_same_job_id_is_queued_once_while_it_is_pending() {
        String key = Unique.id("once");
        Instant at = Instant.now().plusMillis(800);
        jobs.enqueue(PROBE, key, new Probe(key, 0, 0), at);
        jobs.enqueue(PROBE, key, new Probe(key, 0, 0), at);
        await().atMost(PATIENCE).until(() -> runs(key).size() == 1);
        await().pollDelay(Duration.ofSeconds(1)).atMost(PATIENCE).until(() -> true);
        assertThat(runs(key)).hasSize(1);
    }

    @Test
    void two_nodes_on_one_database_share_the_work_and_run_each_job_exactly_once() {
        try (ConfigurableApplicationContext second = TestDatabases.secondNode("node-2")) {
            List<String> keys =
                    IntStream.range(0, 200).mapToObj(i -> Unique.id("shared")).toList();
            keys.forEach(key -> jobs.enqueue(PROBE, key, new Probe(key, 0, 20)));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> keys.stream().allMatch(key -> !runs(key).isEmpty()));
            await().pollDelay(Duration.ofSeconds(1)).atMost(PATIENCE).until(() -> true);
            assertThat(keys).allSatisfy(key -> assertThat(runs(key)).hasSize(1));
            assertThat(keys.stream().map(key -> runs(key).getFirst().node()).distinct())
                    .containsExactlyInAnyOrder("node-1", "node-2");
        }
    }

    @Test
    void a_job_still_running_when_its_node_shuts_down_is_handed_back_without_counting_a_failure() {
        assumeTrue(
                dialect != Dialect.H2,
                "not interrupted on H2 (an interrupt in its file I/O closes the database): see the next test");
        // node-2 stops: its job, still working after the shutdown wait, is interrupted
        String key = probeRunAgainAfterItsSecondNodeStopped("handback", 120_000);
        assertThat(runs(key).get(1).attempt())
                .as("not counted as a failed attempt")
                .isEqualTo(1);
        assertThat(jobsAdmin.deadJobs(PROBE.name(), 100))
                .noneMatch(dead -> dead.jobId().equals(key));
    }

    @Test
    void a_job_handed_back_at_its_nodes_shutdown_keeps_the_count_of_its_failures_before() {
        assumeTrue(dialect != Dialect.H2, "not interrupted on H2: see the next test");
        List<String> blockers = List.of(Unique.id("blocker"), Unique.id("blocker"));
        blockers.forEach(key -> jobs.enqueue(PROBE, key, new Probe(key, 0, 12_000)));
        await().atMost(PATIENCE)
                .until(() -> blockers.stream().noneMatch(key -> runs(key).isEmpty()));
        String key = Unique.id("handbackcount");
        TestJobs.SLEEP_AT_RUN.put(key, 2); // fails at once, then works long
        try (ConfigurableApplicationContext second =
                TestDatabases.secondNode("node-2", Map.of("ordo.jobs.shutdown-wait", "1s"))) {
            jobs.enqueue(PROBE, key, new Probe(key, 1, 120_000));
            await().atMost(PATIENCE).until(() -> runs(key).size() == 2);
            assertThat(runs(key)).extracting(TestJobs.Run::node).containsOnly("node-2");
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> runs(key).size() == 3);
        assertThat(runs(key).get(2).node()).isEqualTo("node-1");
        assertThat(runs(key).get(2).attempt())
                .as("one failure before the hand-back, still counted; the hand-back not counted")
                .isEqualTo(2);
    }

    /**
     * On H2 a stopping node does not interrupt its workers (an interrupt in H2's file I/O closes the
     * embedded database): the job still running is left to be taken over, and the database stays
     * open — here under the first node, which shares it.
     */
    @Test
    void a_job_still_running_when_its_node_shuts_down_on_h2_leaves_the_embedded_database_open() {
        assumeTrue(dialect == Dialect.H2, "interrupted and handed back: see the test before");
        // node-2 stops, its job still sleeping
        String key = probeRunAgainAfterItsSecondNodeStopped("h2stop", 20_000);
        assertThat(runs(key).get(1).attempt())
                .as("taken over as a stopped node's job, not interrupted and handed back")
                .isEqualTo(2);
        String after = Unique.id("after");
        jobs.enqueue(PROBE, after, new Probe(after, 0, 0));
        await().atMost(PATIENCE).until(() -> runs(after).size() == 1);
        assertThat(jdbc.queryForObject(
                        "select count(*) from scheduled_tasks where task_instance = ?", Integer.class, after))
                .as("the embedded database still open: the job's completion written")
                .isZero();
    }

    /**
     * A probe job working {@code sleepMillis} on a second node (this node's two probe workers kept busy
     * meanwhile), that node stopped with a shutdown wait of 1 s while it works, and the job run again
     * here; its key.
     */
    private String probeRunAgainAfterItsSecondNodeStopped(String prefix, long sleepMillis) {
        List<String> blockers = List.of(Unique.id("blocker"), Unique.id("blocker"));
        blockers.forEach(key -> jobs.enqueue(PROBE, key, new Probe(key, 0, 12_000)));
        await().atMost(PATIENCE)
                .until(() -> blockers.stream().noneMatch(key -> runs(key).isEmpty()));
        String key = Unique.id(prefix);
        TestJobs.SLEEP_ONCE.add(key);
        try (ConfigurableApplicationContext second =
                TestDatabases.secondNode("node-2", Map.of("ordo.jobs.shutdown-wait", "1s"))) {
            jobs.enqueue(PROBE, key, new Probe(key, 0, sleepMillis));
            await().atMost(PATIENCE).until(() -> !runs(key).isEmpty());
            assertThat(runs(key).getFirst().node()).isEqualTo("node-2");
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> runs(key).size() == 2);
        assertThat(runs(key).get(1).node()).isEqualTo("node-1");
        return key;
    }

    @Test
    void the_job_of_a_node_that_stopped_heartbeating_is_taken_over_by_its_own_queue_without_errors() {
        // Every queue's scheduler sees the dead execution; only the job's own queue may revive it (the
        // others' attempts failed on its version, one error each).
        Logger schedulerLog = (Logger) LoggerFactory.getLogger("com.github.kagkarlsson.scheduler");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        schedulerLog.addAppender(logged);
        try {
            takeOverOrphan();
            await().pollDelay(Duration.ofSeconds(3)).atMost(PATIENCE).until(() -> true);
        } finally {
            schedulerLog.detachAppender(logged);
        }
        assertThat(logged.list)
                .filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(ILoggingEvent::getFormattedMessage)
                .isEmpty();
    }

    @Test
    void a_job_taken_over_from_a_dead_node_counts_the_attempt_it_was_running_and_one_revival() {
        double revivedBefore = revived();
        String key = orphan(0);
        await().atMost(Duration.ofSeconds(20)).until(() -> runs(key).size() == 1);
        assertThat(runs(key).getFirst().attempt()).isEqualTo(2);
        // Every queue's scheduler sees the dead execution (six more dead-detection rounds here): one revival.
        await().pollDelay(Duration.ofSeconds(6)).atMost(PATIENCE).until(() -> true);
        assertThat(revived() - revivedBefore).isEqualTo(1.0);
    }

    private double revived() {
        Counter counter =
                meters.find("ordo.jobs.revived").tag("queue", PROBE.name()).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void a_job_whose_node_dies_on_its_last_attempt_is_dead_not_revived_forever_and_its_handler_told() {
        // As a job that brings its node down (out of memory, a crash) leaves itself after its attempts.
        String key = orphan(PROBE.maxAttempts() - 1);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(jobsAdmin.deadJobs(PROBE.name(), 100))
                        .filteredOn(dead -> dead.jobId().equals(key))
                        .singleElement()
                        .satisfies(dead -> {
                            assertThat(dead.attempts()).isEqualTo(PROBE.maxAttempts());
                            assertThat(dead.lastError()).contains("node stopped while running it");
                        }));
        await().atMost(PATIENCE).until(() -> TestJobs.DEAD.contains(key)); // told just after
        assertThat(scheduledProbes(key)).isZero();
        await().pollDelay(Duration.ofSeconds(3)).atMost(PATIENCE).until(() -> true);
        assertThat(runs(key)).isEmpty();
    }

    @Test
    void a_failing_timer_is_logged_as_an_error_and_keeps_its_schedule() {
        Logger engineLog = (Logger) LoggerFactory.getLogger("dev.ordo.jobs.internal.JobEngine");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        engineLog.addAppender(logged);
        TestJobs.FAILING_TIMER_FAILS.set(true);
        try {
            int before = TestJobs.FAILING_TIMER_RUNS.get();
            await().atMost(PATIENCE).until(() -> jobs.runRecurringNow(TestJobs.FAILING_TIMER));
            await().atMost(PATIENCE).until(() -> TestJobs.FAILING_TIMER_RUNS.get() > before);
            await().atMost(PATIENCE)
                    .untilAsserted(() -> assertThat(List.copyOf(logged.list))
                            .filteredOn(event -> event.getLevel() == Level.ERROR)
                            .extracting(ILoggingEvent::getFormattedMessage)
                            .anyMatch(message -> message.contains("recurring job " + TestJobs.FAILING_TIMER + " failed")
                                    && message.contains("fails on purpose")));
        } finally {
            TestJobs.FAILING_TIMER_FAILS.set(false);
            engineLog.detachAppender(logged);
        }
        // Its next run is a day away, as its interval says: not retried in a loop.
        Timestamp next = jdbc.queryForObject(
                "select execution_time from scheduled_tasks where task_name = ?",
                Timestamp.class,
                TestJobs.FAILING_TIMER);
        assertThat(next.toInstant()).isAfter(Instant.now().plus(Duration.ofHours(12)));
    }

    @Test
    void a_dead_job_of_a_queue_this_node_does_not_run_is_refused_with_a_reason_not_a_server_error() {
        Http http = new Http(port);
        long id = 9_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000L);
        jdbc.update(
                "insert into job_dead_letter (id, queue, job_id, payload, attempts, last_error, failed_at)"
                        + " values (?, 'gone:queue', ?, null, 3, 'x', ?)",
                id,
                Unique.id("gone"),
                Timestamp.from(Instant.now()));
        Response refused = http.post("/admin/jobs/dead/" + id + "/retry", "text/plain", "");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("msg").asString()).contains("gone:queue");
        // Refused means kept: the entry is still there for a node that runs the queue.
        assertThat(jdbc.queryForObject("select count(*) from job_dead_letter where id = ?", Integer.class, id))
                .isEqualTo(1);
        jdbc.update("delete from job_dead_letter where id = ?", id);
    }

    private void takeOverOrphan() {
        String key = orphan(0);
        // Test heartbeats: 1 s, dead after 4 missed, checked every 2 s.
        await().atMost(Duration.ofSeconds(20)).until(() -> runs(key).size() == 1);
        assertThat(runs(key).getFirst().node()).isEqualTo("node-1");
    }

    /** What a node killed in the middle of a probe job leaves behind: picked, and silent since. */
    private String orphan(int failuresSoFar) {
        String key = Unique.id("orphan");
        Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
        Timestamp longAgo = Timestamp.from(Instant.now().minusSeconds(120));
        jdbc.update(
                "insert into scheduled_tasks (task_name, task_instance, task_data, execution_time, picked, picked_by,"
                        + " consecutive_failures, last_heartbeat, version) values (?, ?, ?, ?, ?, ?, ?, ?, 1)",
                ps -> {
                    ps.setString(1, PROBE.name());
                    ps.setString(2, key);
                    ps.setBytes(3, json.writeValueAsBytes(new Probe(key, 0, 0)));
                    ps.setTimestamp(4, longAgo, utc);
                    ps.setBoolean(5, true);
                    ps.setString(6, "killed-node");
                    ps.setInt(7, failuresSoFar);
                    ps.setTimestamp(8, longAgo, utc);
                });
        return key;
    }
}
