package dev.ordo.jobs.internal;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.jdbc.DefaultJdbcCustomization;
import com.github.kagkarlsson.scheduler.jdbc.JdbcCustomization;
import com.github.kagkarlsson.scheduler.jdbc.MySQL8JdbcCustomization;
import com.github.kagkarlsson.scheduler.jdbc.PostgreSqlJdbcCustomization;
import com.github.kagkarlsson.scheduler.logging.LogLevel;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import dev.ordo.jobs.DeadJob;
import dev.ordo.jobs.Job;
import dev.ordo.jobs.JobHandler;
import dev.ordo.jobs.JobQueue;
import dev.ordo.jobs.JobsAdmin;
import dev.ordo.jobs.QueueStats;
import dev.ordo.jobs.RecurringJob;
import dev.ordo.shared.Dialect;
import dev.ordo.shared.ErrorCode;
import dev.ordo.shared.OrdoException;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the jobs of every queue on this node. Each queue gets its own db-scheduler {@link Scheduler}
 * with as many workers as the queue's concurrency; all of them share the {@code scheduled_tasks}
 * table, and each only fetches its own queue (see {@link QueueJdbcCustomization}). Every scheduler
 * knows every task, so none ever sees an execution it cannot resolve. Recurring jobs run in one more
 * scheduler, the timers.
 *
 * <p>Claiming is safe with several nodes: PostgreSQL and MySQL/MariaDB lock candidates with
 * {@code FOR UPDATE SKIP LOCKED}; H2 (single node) claims with a versioned update. A node that
 * stops heart-beating loses its jobs to the others after {@link JobsProperties#takeOverAfter()}.
 */
final class JobEngine implements SmartLifecycle, JobsAdmin {

    private static final Logger log = LoggerFactory.getLogger(JobEngine.class);

    private final DataSource dataSource;
    private final Dialect dialect;
    private final JobsProperties properties;
    private final ObjectProvider<JobHandler<?>> handlers;
    private final ObjectProvider<RecurringJob> recurringJobs;
    private final JdbcJobs jobs;
    private final DeadLetters deadLetters;
    private final JsonTaskSerializer serializer;
    private final JsonMapper json;
    private final JobMetrics metrics;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final String nodeName;
    private final BatchedCompletion completion;

    /** Published whole once the engine has started (the admin API may ask while it starts). */
    private volatile Map<String, JobQueue<?>> queues = Map.of();

    private volatile Map<String, JobHandler<?>> handlersByQueue = Map.of();

    private volatile List<String> recurringNames = List.of();
    private final List<Scheduler> schedulers = new ArrayList<>();
    private ScheduledExecutorService statsRefresher;
    private volatile boolean running;

    JobEngine(
            DataSource dataSource,
            Dialect dialect,
            JobsProperties properties,
            ObjectProvider<JobHandler<?>> handlers,
            ObjectProvider<RecurringJob> recurringJobs,
            JdbcJobs jobs,
            DeadLetters deadLetters,
            JsonTaskSerializer serializer,
            JsonMapper json,
            JobMetrics metrics,
            MeterRegistry meters,
            TransactionTemplate tx,
            Clock clock,
            String nodeName) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.properties = properties;
        this.handlers = handlers;
        this.recurringJobs = recurringJobs;
        this.jobs = jobs;
        this.deadLetters = deadLetters;
        this.serializer = serializer;
        this.json = json;
        this.metrics = metrics;
        this.jdbc = new JdbcTemplate(dataSource);
        this.tx = tx;
        this.clock = clock;
        this.nodeName = nodeName;
        this.completion = new BatchedCompletion(jdbc, tx, meters);
    }

    /**
     * The connections db-scheduler's own statements run on — its claims, heartbeats, reschedules and
     * take-overs, each conditional on the execution's version. On MariaDB and MySQL they read
     * committed: at the default REPEATABLE READ the claim's locking select takes gap locks on the due
     * index, and its update of the claimed rows then deadlocks with transactions enqueueing jobs of the
     * same queue meanwhile (seen on MariaDB 10.11 with a handful of orders in flight: the claim is
     * rolled back, and db-scheduler logs it as an unhandled error). A connection of a Spring
     * transaction (a job completed or made dead in one) keeps that transaction's isolation, and the
     * pool sets every connection back to its default when it is returned.
     */
    static DataSource schedulerDataSource(DataSource dataSource, Dialect dialect) {
        if (dialect != Dialect.MYSQL) {
            return dataSource; // PostgreSQL and H2 read committed by default
        }
        return new DelegatingDataSource(dataSource) {
            @Override
            public Connection getConnection() throws SQLException {
                Connection connection = super.getConnection();
                if (!TransactionSynchronizationManager.isActualTransactionActive()) {
                    try {
                        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                    } catch (SQLException e) {
                        connection.close();
                        throw e;
                    }
                }
                return connection;
            }
        };
    }

    /** The customization db-scheduler should use on this database, with instants stored as UTC. */
    static JdbcCustomization baseCustomization(Dialect dialect) {
        return switch (dialect) {
            case H2 -> new DefaultJdbcCustomization(true);
            case POSTGRESQL -> new PostgreSqlJdbcCustomization(true, true);
            // MySQL 8 and MariaDB 10.6+ both accept "... LIMIT n FOR UPDATE SKIP LOCKED".
            case MYSQL -> new MySQL8JdbcCustomization(true);
        };
    }

    @Override
    public synchronized void start() {
        TransientPollFailures.install();
        Map<String, JobQueue<?>> queues = new LinkedHashMap<>();
        Map<String, JobHandler<?>> handlersByQueue = new LinkedHashMap<>();
        List<String> recurringNames = new ArrayList<>();
        List<Task<?>> oneTimeTasks = new ArrayList<>();
        for (JobHandler<?> handler : handlers.orderedStream().toList()) {
            JobQueue<?> queue = effective(handler.queue());
            if (queues.putIfAbsent(queue.name(), queue) != null) {
                throw new IllegalStateException("two handlers for queue " + queue.name());
            }
            handlersByQueue.put(queue.name(), handler);
            oneTimeTasks.add(task(queue, handler));
        }
        List<RecurringTask<Void>> recurringTasks = new ArrayList<>();
        for (RecurringJob job : recurringJobs.orderedStream().toList()) {
            if (queues.containsKey(job.name()) || recurringNames.contains(job.name())) {
                throw new IllegalStateException("duplicate job name " + job.name());
            }
            recurringNames.add(job.name());
            recurringTasks.add(Tasks.recurring(job.name(), FixedDelay.of(job.interval()))
                    .execute((instance, context) -> runRecurring(job)));
        }
        List<Task<?>> allTasks = new ArrayList<>(oneTimeTasks);
        allTasks.addAll(recurringTasks);

        for (JobQueue<?> queue : queues.values()) {
            Set<String> own = Set.of(queue.name());
            Scheduler scheduler = scheduler(ForeignTask.view(allTasks, own), own, queue.concurrency(), queue.name())
                    .build();
            jobs.onEnqueued(queue.name(), scheduler::triggerCheckForDueExecutions);
            schedulers.add(scheduler);
            metrics.register(queue.name());
        }
        if (!recurringTasks.isEmpty()) {
            Scheduler timers = scheduler(
                            ForeignTask.view(oneTimeTasks, Set.copyOf(recurringNames)),
                            Set.copyOf(recurringNames),
                            properties.timersConcurrency(),
                            "timers")
                    .startTasks(recurringTasks)
                    .build();
            recurringNames.forEach(name -> jobs.onEnqueued(name, timers::triggerCheckForDueExecutions));
            schedulers.add(timers);
            recurringNames.forEach(metrics::register);
        }
        // Published before anything runs: the stats refresher and the admin API read them.
        this.queues = Collections.unmodifiableMap(queues);
        this.handlersByQueue = Collections.unmodifiableMap(handlersByQueue);
        this.recurringNames = List.copyOf(recurringNames);
        schedulers.forEach(Scheduler::start);
        statsRefresher = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("ordo-job-stats").factory());
        statsRefresher.scheduleWithFixedDelay(this::refreshStats, 0, 15, TimeUnit.SECONDS);
        running = true;
        log.info(
                "job engine started on {}: {} queues, {} timers, take-over after {}",
                nodeName,
                queues.size(),
                recurringNames.size(),
                properties.takeOverAfter());
    }

    /**
     * The job workers, on platform threads. On H2 they are never interrupted: db-scheduler interrupts
     * the workers still running after the shutdown wait, and an interrupt in H2's file I/O (the job's
     * own, or its hand-back's with the flag still set) closes the embedded database under the whole
     * node, failing the rest of its shutdown's writes. A job still running then is taken over after
     * the restart, as a stopped node's is.
     */
    private ExecutorService workers(int threads, String label) {
        ThreadFactory factory =
                Thread.ofPlatform().daemon().name("job-" + label + "-", 1).factory();
        if (dialect != Dialect.H2) {
            return Executors.newFixedThreadPool(threads, factory);
        }
        return new ThreadPoolExecutor(
                threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), factory) {
            @Override
            public List<Runnable> shutdownNow() {
                shutdown();
                return List.of();
            }
        };
    }

    private SchedulerBuilder scheduler(List<Task<?>> knownTasks, Set<String> taskNames, int threads, String label) {
        SchedulerBuilder builder = Scheduler.create(schedulerDataSource(dataSource, dialect), knownTasks)
                .schedulerName(new SchedulerName.Fixed(nodeName))
                .threads(threads)
                // Platform threads: as virtual threads the workers would queue for the carriers
                // behind every web request after each database round trip, and the flow would
                // starve while orders pour in.
                .executorService(workers(threads, label))
                .dueExecutor(Executors.newSingleThreadExecutor(
                        Thread.ofVirtual().name("job-due-" + label).factory()))
                // Three, as db-scheduler's default: its heartbeats share this pool with the search for
                // dead executions, and one lock wait in that search (a row of a node cut off
                // mid-transaction) must not hold this node's heartbeats and get its live jobs taken over.
                .housekeeperExecutor(Executors.newScheduledThreadPool(
                        3, Thread.ofVirtual().name("job-housekeeper-" + label).factory()))
                .jdbcCustomization(new QueueJdbcCustomization(baseCustomization(dialect), taskNames))
                .serializer(serializer)
                .pollingInterval(properties.pollInterval())
                .heartbeatInterval(properties.heartbeat())
                .missedHeartbeatsLimit(properties.missedHeartbeats())
                .shutdownMaxWait(properties.shutdownWait())
                // Never delete executions of a task this node does not know (a newer node's queue).
                .deleteUnresolvedAfter(Duration.ofDays(36500))
                .failureLogging(LogLevel.DEBUG, false)
                .addSchedulerListener(metrics);
        return dialect == Dialect.H2
                ? builder.pollUsingFetchAndLockOnExecute(0.5, 1.0)
                : builder.pollUsingLockAndFetch(0.5, 1.0);
    }

    private <T> Task<T> task(JobQueue<T> queue, JobHandler<?> untyped) {
        @SuppressWarnings("unchecked")
        JobHandler<T> handler = (JobHandler<T>) untyped;
        CompletionHandler<T> done = completion.handler();
        // The completion of a job whose handler's last transaction removed it: nothing left to do.
        CompletionHandler<T> removed = (complete, operations) -> {};
        RetryThenDeadLetter<T> failures = new RetryThenDeadLetter<>(
                queue, handler, deadLetters, json, clock, tx, jdbc, metrics.revived(queue.name()), () -> !running);
        return new OneTimeTask<T>(queue.name(), queue.payloadType(), failures, failures) {
            @Override
            public void executeOnce(TaskInstance<T> instance, ExecutionContext context) {
                runJob(handler, instance, context.getExecution().consecutiveFailures);
            }

            /**
             * As db-scheduler's one-time task, but the execution is deleted in a batch ({@link
             * BatchedCompletion}), or already was, in the transaction of the handler's last step
             * ({@link RunningExecution}).
             */
            @Override
            public CompletionHandler<T> execute(TaskInstance<T> instance, ExecutionContext context) {
                RunningExecution running = RunningExecution.start(jdbc, context.getExecution(), queue.maxAttempts());
                try {
                    executeOnce(instance, context);
                    if (running.handBackIfPutOff()) {
                        metrics.putOff(queue.name(), instance.getId());
                        return removed;
                    }
                } catch (RuntimeException e) {
                    if (!running.completed()) {
                        throw e;
                    }
                    // Its last step committed its completion: done is done, nothing is retried.
                    log.warn(
                            "job {} of {} failed after it completed: {}",
                            instance.getId(),
                            instance.getTaskName(),
                            e.toString());
                } finally {
                    running.end();
                }
                return running.completed() ? removed : done;
            }
        };
    }

    private static <T> void runJob(JobHandler<T> handler, TaskInstance<T> instance, int failuresSoFar) {
        MDC.put("queue", instance.getTaskName());
        MDC.put("job", instance.getId());
        try {
            handler.handle(new Job<>(instance.getTaskName(), instance.getId(), instance.getData(), failuresSoFar + 1));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new JobFailedException(e);
        } finally {
            MDC.remove("queue");
            MDC.remove("job");
        }
    }

    /** When each timer's failure was last logged: at most once a minute each, however often it runs. */
    private static final Map<String, Long> TIMER_FAILURE_LOGGED = new ConcurrentHashMap<>();

    private static void runRecurring(RecurringJob job) {
        MDC.put("queue", job.name());
        try {
            job.run();
            TIMER_FAILURE_LOGGED.remove(job.name());
        } catch (Exception e) {
            // db-scheduler logs a failed run below the level it is logged at; it runs again at its next time.
            long now = System.nanoTime();
            Long last = TIMER_FAILURE_LOGGED.get(job.name());
            if (last == null || now - last >= TimeUnit.MINUTES.toNanos(1)) {
                TIMER_FAILURE_LOGGED.put(job.name(), now);
                log.error(
                        "recurring job {} failed (logged once a minute while it fails); it runs again at its next time: {}",
                        job.name(),
                        e.toString(),
                        e);
            }
            throw e instanceof RuntimeException runtime ? runtime : new JobFailedException(e);
        } finally {
            MDC.remove("queue");
        }
    }

    private JobQueue<?> effective(JobQueue<?> declared) {
        JobsProperties.QueueOverride override = properties.queue().get(declared.propertyKey());
        if (override == null) {
            return declared;
        }
        JobQueue<?> queue = declared;
        if (override.concurrency() != null) {
            queue = queue.concurrency(override.concurrency());
        }
        if (override.maxAttempts() != null) {
            queue = queue.maxAttempts(override.maxAttempts());
        }
        if (override.firstBackoff() != null || override.maxBackoff() != null) {
            queue = queue.backoff(
                    Optional.ofNullable(override.firstBackoff()).orElse(queue.firstBackoff()),
                    Optional.ofNullable(override.maxBackoff()).orElse(queue.maxBackoff()));
        }
        return queue;
    }

    @Override
    public void stop() {
        running = false;
        completion.stopRetrying();
        if (statsRefresher != null) {
            statsRefresher.shutdownNow();
        }
        // Stop all queues at once: each lets its running jobs finish for up to the shutdown wait.
        List<Thread> stopping = schedulers.stream()
                .map(scheduler -> Thread.ofVirtual().start(scheduler::stop))
                .toList();
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        try {
            completion.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("job engine stopped on {}", nodeName);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void refreshStats() {
        try {
            metrics.update(queues());
        } catch (RuntimeException e) {
            log.debug("cannot refresh job statistics: {}", e.toString());
        }
    }

    @Override
    public List<QueueStats> queues() {
        Timestamp now = Timestamp.from(clock.instant());
        // A calendar of its own: drivers set its time while they convert, and this runs on any thread.
        Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
        Map<String, long[]> counts = new HashMap<>();
        jdbc.query(
                """
                        select task_name,
                               sum(case when picked = false and execution_time <= ? then 1 else 0 end) as due,
                               sum(case when picked = false and execution_time > ? then 1 else 0 end) as later,
                               sum(case when picked = true then 1 else 0 end) as running,
                               sum(case when consecutive_failures > 0 then 1 else 0 end) as retrying
                          from scheduled_tasks group by task_name""",
                ps -> {
                    ps.setTimestamp(1, now, utc);
                    ps.setTimestamp(2, now, utc);
                },
                rs -> {
                    counts.put(
                            rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)});
                });
        Map<String, Long> dead = new HashMap<>();
        jdbc.query("select queue, count(*) from job_dead_letter group by queue", rs -> {
            dead.put(rs.getString(1), rs.getLong(2));
        });
        List<QueueStats> stats = new ArrayList<>();
        Function<String, long[]> countsOf = name -> counts.getOrDefault(name, new long[4]);
        queues.values().forEach(queue -> {
            long[] c = countsOf.apply(queue.name());
            stats.add(new QueueStats(
                    queue.name(), c[0], c[1], c[2], c[3], dead.getOrDefault(queue.name(), 0L), queue.concurrency()));
        });
        recurringNames.forEach(name -> {
            long[] c = countsOf.apply(name);
            stats.add(new QueueStats(name, c[0], c[1], c[2], c[3], 0, properties.timersConcurrency()));
        });
        return stats;
    }

    @Override
    public List<String> recurring() {
        return List.copyOf(recurringNames);
    }

    @Override
    public List<DeadJob> deadJobs(String queue, int limit) {
        return deadLetters.list(queue, limit);
    }

    @Override
    public Optional<DeadJob> retryDead(long id) {
        return tx.execute(status -> deadLetters
                .find(id)
                .filter(dead -> deadLetters.remove(id))
                .map(dead -> {
                    resend(queues.get(dead.queue()), handlersByQueue.get(dead.queue()), dead);
                    return dead;
                }));
    }

    @SuppressWarnings("unchecked")
    private <T> void resend(JobQueue<T> queue, JobHandler<?> handler, DeadJob dead) {
        if (queue == null) {
            throw new OrdoException(
                    ErrorCode.OPERATION_FAILED,
                    "queue " + dead.queue() + " is not known on this node; retry it on a node that runs it");
        }
        T payload;
        try {
            payload = dead.payload() == null ? null : json.readValue(dead.payload(), queue.payloadType());
        } catch (RuntimeException e) {
            throw new OrdoException(
                    ErrorCode.OPERATION_FAILED,
                    "the payload of job " + dead.jobId() + " no longer reads as "
                            + queue.payloadType().getSimpleName() + ": " + e.getMessage());
        }
        jobs.enqueue(queue, dead.jobId(), payload, clock.instant());
        if (payload != null) {
            ((JobHandler<T>) handler).revived(payload);
        }
    }

    /** A checked exception thrown by a handler, carried through db-scheduler's unchecked API. */
    static final class JobFailedException extends RuntimeException {
        JobFailedException(Exception cause) {
            super(cause.toString(), cause);
        }
    }
}
