package dev.ordo.jobs.internal;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.jdbc.JdbcCustomization;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import dev.ordo.jobs.JobQueue;
import dev.ordo.jobs.Jobs;
import dev.ordo.jobs.RunningJob;
import dev.ordo.shared.Dialect;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Writes jobs through db-scheduler's client on a transaction-aware data source, so a job enqueued
 * inside a transaction commits or rolls back with it. After commit the local worker of the queue
 * is woken up, so a job due now does not wait for the next poll.
 */
final class JdbcJobs implements Jobs {

    private final SchedulerClient client;
    private final JdbcTemplate jdbc;
    private final Dialect dialect;
    private final Serializer serializer;
    private final JdbcCustomization timestamps;
    private final Clock clock;
    private final Map<String, Runnable> wakeUps = new ConcurrentHashMap<>();

    JdbcJobs(SchedulerClient client, JdbcTemplate jdbc, Dialect dialect, Serializer serializer, Clock clock) {
        this.client = client;
        this.jdbc = jdbc;
        this.dialect = dialect;
        this.serializer = serializer;
        this.timestamps = JobEngine.baseCustomization(dialect);
        this.clock = clock;
    }

    void onEnqueued(String queueOrTask, Runnable wakeUp) {
        wakeUps.put(queueOrTask, wakeUp);
    }

    @Override
    public <T> void enqueue(JobQueue<T> queue, String id, T payload) {
        enqueue(queue, id, payload, clock.instant());
    }

    @Override
    public <T> void enqueue(JobQueue<T> queue, String id, T payload, Instant at) {
        if (id == null || id.isBlank() || id.length() > 200) {
            throw new IllegalArgumentException("job ids are 1 to 200 characters");
        }
        insertIfAbsent(queue.name(), id, payload, at);
        if (!at.isAfter(clock.instant())) {
            afterCommit(queue.name(), this::wakeUp);
        }
    }

    /**
     * db-scheduler's insert, with the job already pending kept by the database rather than by a look
     * first: its schedule-if-not-exists looks, then inserts, and a transaction enqueueing the same job
     * at the same moment as another failed on the key — on PostgreSQL the failed insert aborts the whole
     * transaction, and on MySQL at REPEATABLE READ its second look reads the transaction's older
     * snapshot. Here PostgreSQL skips the conflicting row; MySQL and H2 refuse only the statement,
     * the transaction going on.
     *
     * <p>The row starts at a random version, not at db-scheduler's 1: every write to a running job
     * (completion, hand-back, take-over) is conditional on the version its worker claimed, and a job
     * id enqueued again after its earlier run completed must not look like that run to a worker of
     * it that stalled meanwhile and comes back — its delete would remove the new run.
     */
    private void insertIfAbsent(String queue, String id, Object payload, Instant at) {
        String insert = "insert into scheduled_tasks (task_name, task_instance, task_data, execution_time, picked,"
                + " version) values (?, ?, ?, ?, ?, ?)"
                + (dialect == Dialect.POSTGRESQL ? " on conflict do nothing" : "");
        try {
            jdbc.update(insert, ps -> {
                ps.setString(1, queue);
                ps.setString(2, id);
                ps.setBytes(3, serializer.serialize(payload));
                timestamps.setInstant(ps, 4, at);
                ps.setBoolean(5, false);
                ps.setLong(6, ThreadLocalRandom.current().nextLong(2, 1L << 62));
            });
        } catch (DuplicateKeyException pending) {
            // kept
        }
    }

    @Override
    public <T> void enqueueAll(JobQueue<T> queue, Map<String, T> payloadsById) {
        if (payloadsById.isEmpty()) {
            return;
        }
        List<TaskInstance<?>> instances = new ArrayList<>(payloadsById.size());
        payloadsById.forEach((id, payload) -> {
            if (id == null || id.isBlank() || id.length() > 200) {
                throw new IllegalArgumentException("job ids are 1 to 200 characters");
            }
            instances.add(new TaskInstance<>(queue.name(), id, payload));
        });
        client.scheduleBatch(instances, clock.instant());
        afterCommit(queue.name(), this::wakeUp);
    }

    @Override
    public boolean runRecurringNow(String name) {
        boolean rescheduled;
        try {
            rescheduled = client.reschedule(TaskInstanceId.of(name, RecurringTask.INSTANCE), clock.instant());
        } catch (RuntimeException e) {
            return false; // unknown, or picked by a worker right now
        }
        if (rescheduled) {
            afterCommit(name, this::wakeUp);
        }
        return rescheduled;
    }

    @Override
    public Optional<Instant> oldestWaiting(JobQueue<?> queue) {
        Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
        Timestamp oldest = jdbc.query(
                "select min(execution_time) from scheduled_tasks where task_name = ? and picked = ? and execution_time <= ?",
                ps -> {
                    ps.setString(1, queue.name());
                    ps.setBoolean(2, false);
                    ps.setTimestamp(3, Timestamp.from(clock.instant()), utc);
                },
                rs -> rs.next() ? rs.getTimestamp(1, utc) : null);
        return Optional.ofNullable(oldest).map(Timestamp::toInstant);
    }

    @Override
    public Optional<RunningJob> running() {
        return Optional.ofNullable(RunningExecution.current());
    }

    private void wakeUp(String queueOrTask) {
        Runnable wakeUp = wakeUps.get(queueOrTask);
        if (wakeUp != null) {
            wakeUp.run();
        }
    }

    private static void afterCommit(String name, Consumer<String> action) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    action.accept(name);
                }
            });
        } else {
            action.accept(name);
        }
    }
}
