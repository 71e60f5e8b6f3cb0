package dev.ordo.testing;

import dev.ordo.jobs.Job;
import dev.ordo.jobs.JobHandler;
import dev.ordo.jobs.JobQueue;
import dev.ordo.jobs.Jobs;
import dev.ordo.jobs.RecurringJob;
import dev.ordo.jobs.RunningJob;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/** A probe queue that tests fill with jobs that record where and when they ran, and can fail on purpose. */
@TestConfiguration(proxyBeanMethods = false)
public class TestJobs {

    /** Two at once per node, three attempts, quick backoff. */
    public static final JobQueue<Probe> PROBE = JobQueue.of("test:probe", Probe.class)
            .concurrency(2)
            .maxAttempts(3)
            .backoff(Duration.ofMillis(200), Duration.ofSeconds(1));

    /**
     * @param failures    how many of this key's runs throw before one succeeds
     * @param sleepMillis how long each run works
     */
    public record Probe(String key, int failures, long sleepMillis) {}

    public record Run(String node, int attempt, Instant at) {}

    /** Whether each run of a probe was its job's last attempt, as {@link RunningJob#lastAttempt} said, by key. */
    public static final Map<String, List<Boolean>> LAST_ATTEMPTS = new ConcurrentHashMap<>();

    /** Completes itself in a transaction run on another thread, as a flow lane's shared transaction is. */
    public static final JobQueue<Completing> COMPLETING = JobQueue.of("test:completing", Completing.class)
            .concurrency(2)
            .maxAttempts(3)
            .backoff(Duration.ofMillis(200), Duration.ofSeconds(1));

    /**
     * @param rollBack   the completing transaction rolls back
     * @param throwAfter the handler throws after that transaction
     */
    public record Completing(String key, boolean rollBack, boolean throwAfter) {}

    /** Puts itself off, as a handler waiting for its turn does. */
    public static final JobQueue<PuttingOff> PUTTING_OFF = JobQueue.of("test:putting-off", PuttingOff.class)
            .concurrency(2)
            .maxAttempts(3)
            .backoff(Duration.ofMillis(200), Duration.ofSeconds(1));

    /**
     * @param failures how many of this key's first runs throw
     * @param putOffs  how many of the runs after them put the job off, each by {@code millis}
     */
    public record PuttingOff(String key, int failures, int putOffs, long millis) {}

    /** Per key of a completing job: how many executions of it the job table held right after its transaction. */
    public static final Map<String, List<Integer>> LEFT_AFTER_TRANSACTION = new ConcurrentHashMap<>();

    /** Keys of probe jobs that work ({@code sleepMillis}) on their first run only. */
    public static final Set<String> SLEEP_ONCE = ConcurrentHashMap.newKeySet();

    /** Probe keys that sleep at the given run only (counting from 1). */
    public static final Map<String, Integer> SLEEP_AT_RUN = new ConcurrentHashMap<>();

    /** Keys of probe jobs their handler was told went dead ({@link JobHandler#dead}). */
    public static final Set<String> DEAD = ConcurrentHashMap.newKeySet();

    /** Whether each probe job's handler was told of its death inside a transaction. */
    public static final Map<String, Boolean> DEAD_IN_TRANSACTION = new ConcurrentHashMap<>();

    /**
     * Keys of probe jobs their handler was told were sent back from the dead ({@link JobHandler#revived}),
     * with whether inside a transaction.
     */
    public static final Map<String, Boolean> REVIVED_IN_TRANSACTION = new ConcurrentHashMap<>();

    /** A probe job whose key starts so fails on the database when its handler is told of its death. */
    public static final String DEATH_FAILS = "death-fails-";

    /** Every run of every probe job, across all nodes of this JVM. */
    public static final Map<String, List<Run>> RUNS = new ConcurrentHashMap<>();

    private static final Map<String, AtomicInteger> RUNNING = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> MOST_AT_ONCE = new ConcurrentHashMap<>();

    /** The most probe jobs one node ran at the same time since the last reset. */
    public static int mostAtOnce(String node) {
        return MOST_AT_ONCE.getOrDefault(node, new AtomicInteger()).get();
    }

    public static void resetConcurrency() {
        MOST_AT_ONCE.clear();
    }

    @Bean
    JobHandler<Probe> probeHandler(@Value("${ordo.node-name:node-1}") String node, Jobs jobs, JdbcTemplate jdbc) {
        return new JobHandler<>() {
            @Override
            public JobQueue<Probe> queue() {
                return PROBE;
            }

            @Override
            public void handle(Job<Probe> job) throws Exception {
                int now =
                        RUNNING.computeIfAbsent(node, n -> new AtomicInteger()).incrementAndGet();
                MOST_AT_ONCE.computeIfAbsent(node, n -> new AtomicInteger()).accumulateAndGet(now, Math::max);
                try {
                    List<Run> runs = RUNS.computeIfAbsent(job.payload().key(), k -> new CopyOnWriteArrayList<>());
                    runs.add(new Run(node, job.attempt(), Instant.now()));
                    LAST_ATTEMPTS
                            .computeIfAbsent(job.payload().key(), k -> new CopyOnWriteArrayList<>())
                            .add(jobs.running().orElseThrow().lastAttempt());
                    Integer sleepAt = SLEEP_AT_RUN.get(job.payload().key());
                    if (job.payload().sleepMillis() > 0
                            && (sleepAt != null
                                    ? runs.size() == sleepAt
                                    : !(SLEEP_ONCE.contains(job.payload().key()) && runs.size() > 1))) {
                        Thread.sleep(job.payload().sleepMillis());
                    }
                    if (runs.size() <= job.payload().failures()) {
                        throw new IllegalStateException("probe " + job.payload().key() + " fails on purpose");
                    }
                } finally {
                    RUNNING.get(node).decrementAndGet();
                }
            }

            @Override
            public void dead(Probe payload) {
                DEAD_IN_TRANSACTION.put(payload.key(), TransactionSynchronizationManager.isActualTransactionActive());
                if (payload.key().startsWith(DEATH_FAILS)) {
                    // On PostgreSQL, a failed statement fails the rest of its transaction.
                    jdbc.queryForObject("select count(*) from no_such_table", Integer.class);
                }
                DEAD.add(payload.key());
            }

            @Override
            public void revived(Probe payload) {
                REVIVED_IN_TRANSACTION.put(
                        payload.key(), TransactionSynchronizationManager.isActualTransactionActive());
            }
        };
    }

    @Bean
    JobHandler<PuttingOff> puttingOffHandler(Jobs jobs) {
        return JobHandler.of(PUTTING_OFF, job -> {
            PuttingOff payload = job.payload();
            List<Run> runs = RUNS.computeIfAbsent(payload.key(), k -> new CopyOnWriteArrayList<>());
            runs.add(new Run("putting-off", job.attempt(), Instant.now()));
            if (runs.size() <= payload.failures()) {
                throw new IllegalStateException("putting-off job " + payload.key() + " fails on purpose");
            }
            if (runs.size() <= payload.failures() + payload.putOffs()) {
                jobs.running().orElseThrow().runAgainAt(Instant.now().plusMillis(payload.millis()));
            }
        });
    }

    @Bean
    JobHandler<Completing> completingHandler(Jobs jobs, TransactionTemplate tx, JdbcTemplate jdbc) {
        return JobHandler.of(COMPLETING, job -> {
            Completing payload = job.payload();
            RunningJob running = jobs.running().orElseThrow();
            RUNS.computeIfAbsent(payload.key(), k -> new CopyOnWriteArrayList<>())
                    .add(new Run("completing", job.attempt(), Instant.now()));
            CompletableFuture.runAsync(() -> tx.executeWithoutResult(status -> {
                        running.completeInTransaction();
                        if (payload.rollBack()) {
                            status.setRollbackOnly();
                        }
                    }))
                    .join();
            LEFT_AFTER_TRANSACTION
                    .computeIfAbsent(payload.key(), k -> new CopyOnWriteArrayList<>())
                    .add(jdbc.queryForObject(
                            "select count(*) from scheduled_tasks where task_name = ? and task_instance = ?",
                            Integer.class,
                            COMPLETING.name(),
                            job.id()));
            if (payload.throwAfter()) {
                throw new IllegalStateException("completing job " + payload.key() + " fails on purpose");
            }
        });
    }

    /**
     * A timer that runs when a test asks for it (its interval is a day; it also runs once at start)
     * and fails while {@link #FAILING_TIMER_FAILS} is set.
     */
    public static final String FAILING_TIMER = "test:failing-timer";

    public static final AtomicInteger FAILING_TIMER_RUNS = new AtomicInteger();

    public static final AtomicBoolean FAILING_TIMER_FAILS = new AtomicBoolean();

    @Bean
    RecurringJob failingTimer() {
        return RecurringJob.of(FAILING_TIMER, Duration.ofDays(1), () -> {
            FAILING_TIMER_RUNS.incrementAndGet();
            if (FAILING_TIMER_FAILS.get()) {
                throw new IllegalStateException("the failing timer fails on purpose");
            }
        });
    }
}
