package dev.ordo.jobs.internal;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import dev.ordo.jobs.JobQueue;
import dev.ordo.jobs.Jobs;
import dev.ordo.jobs.RunningJob;
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
import java.util.function.Consumer;
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
    private final Clock clock;
    private final Map<String, Runnable> wakeUps = new ConcurrentHashMap<>();

    JdbcJobs(SchedulerClient client, JdbcTemplate jdbc, Clock clock) {
        this.client = client;
        this.jdbc = jdbc;
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
        client.scheduleIfNotExists(new TaskInstance<>(queue.name(), id, payload), at);
        if (!at.isAfter(clock.instant())) {
            afterCommit(queue.name(), this::wakeUp);
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
