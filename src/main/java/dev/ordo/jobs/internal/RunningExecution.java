package dev.ordo.jobs.internal;

import com.github.kagkarlsson.scheduler.task.Execution;
import dev.ordo.jobs.RunningJob;
import dev.ordo.shared.DeferredWrites;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Calendar;
import java.util.TimeZone;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The execution a worker thread is running, known to its handler through {@link
 * dev.ordo.jobs.Jobs#running()}. Its removal in a handler's transaction is the same conditional delete
 * as {@link BatchedCompletion}'s, sent with that transaction's other deferred writes; once the
 * transaction has committed the worker has nothing left to complete. A job {@linkplain
 * #runAgainAt(Instant) put off} is handed back to the table, due later, when its handler returns.
 */
final class RunningExecution implements RunningJob {

    private static final ThreadLocal<RunningExecution> CURRENT = new ThreadLocal<>();

    private final JdbcTemplate jdbc;
    private final Execution execution;
    private final boolean lastAttempt;
    private volatile boolean completed;
    private volatile Instant againAt;

    private RunningExecution(JdbcTemplate jdbc, Execution execution, boolean lastAttempt) {
        this.jdbc = jdbc;
        this.execution = execution;
        this.lastAttempt = lastAttempt;
    }

    /**
     * Makes the execution this thread's running job until {@link #end()}; {@code maxAttempts} is its
     * queue's, as {@link RetryThenDeadLetter} counts them.
     */
    static RunningExecution start(JdbcTemplate jdbc, Execution execution, int maxAttempts) {
        RunningExecution running =
                new RunningExecution(jdbc, execution, execution.consecutiveFailures + 1 >= maxAttempts);
        CURRENT.set(running);
        return running;
    }

    void end() {
        CURRENT.remove();
    }

    static RunningExecution current() {
        return CURRENT.get();
    }

    /** True once a transaction that removed the execution has committed. */
    boolean completed() {
        return completed;
    }

    @Override
    public boolean lastAttempt() {
        return lastAttempt;
    }

    @Override
    public void runAgainAt(Instant at) {
        againAt = at;
    }

    /**
     * Hands a job its handler put off back to the table, due at the time asked, unpicked, with its
     * count of failures as it was (db-scheduler's own reschedule counts a failure or starts the count
     * again); true if it was, false if there was nothing to hand back — not put off, completed, or
     * taken over by another node meanwhile (its version moved on).
     */
    boolean handBackIfPutOff() {
        Instant at = againAt;
        if (at == null || completed) {
            return false;
        }
        return handBack(jdbc, execution, at);
    }

    /**
     * Hands a picked execution back to the table, due at {@code at}, unpicked, with its count of
     * consecutive failures as it is; false if another node took it over meanwhile (its version
     * moved on) or it is gone.
     */
    static boolean handBack(JdbcTemplate jdbc, Execution execution, Instant at) {
        return jdbc.update("""
                        update scheduled_tasks
                           set picked = ?, picked_by = null, last_heartbeat = null, execution_time = ?,
                               version = version + 1
                         where task_name = ? and task_instance = ? and version = ?""", ps -> {
                    ps.setBoolean(1, false);
                    ps.setTimestamp(2, Timestamp.from(at), Calendar.getInstance(TimeZone.getTimeZone("UTC")));
                    ps.setString(3, execution.taskInstance.getTaskName());
                    ps.setString(4, execution.taskInstance.getId());
                    ps.setLong(5, execution.version);
                })
                == 1;
    }

    @Override
    public void completeInTransaction() {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("a job is completed inside a transaction");
        }
        // Not checked: an execution another node took over meanwhile is its to finish.
        DeferredWrites.write(
                jdbc,
                BatchedCompletion.DELETE,
                new Object[] {execution.taskInstance.getTaskName(), execution.taskInstance.getId(), execution.version},
                DeferredWrites.UNCHECKED,
                null);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                completed = true;
            }
        });
    }
}
