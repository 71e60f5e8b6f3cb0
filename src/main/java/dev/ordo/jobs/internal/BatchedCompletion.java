package dev.ordo.jobs.internal;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.Execution;
import dev.ordo.shared.GroupCommit;
import dev.ordo.shared.GroupCommit.Outcome;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Completes one-time jobs by deleting their executions together: the workers that finish at the
 * same moment share one transaction and one round trip, where db-scheduler deletes each execution in
 * a transaction of its own — a commit per job, the most frequent write of a busy queue. The worker
 * waits for its delete to commit, as it would for db-scheduler's.
 *
 * <p>Each delete is conditional on the version the worker claimed, as db-scheduler's own. One that
 * finds nothing (another node took the execution over meanwhile, or an operator removed it) is
 * logged, not thrown: the job's work is done either way, and every job is safe to run again. If the
 * node dies before the delete commits, the execution is taken over and run again, as it would be
 * with db-scheduler's delete.
 *
 * <p>A delete that fails (the database away for a while, the batch not committed within its 30 s)
 * is tried again until it commits or the node stops: the job's work is done. Its worker waits, and
 * db-scheduler goes on heart-beating the execution meanwhile; given up, it would stay claimed and
 * unwatched, be taken for a dead node's and run again — or, after its last attempt, be recorded dead
 * and its handler told it was given up.
 */
final class BatchedCompletion implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BatchedCompletion.class);
    static final String DELETE =
            "delete from scheduled_tasks where task_name = ? and task_instance = ? and version = ?";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final GroupCommit<Execution, Boolean> removals;
    private final Duration firstRetry;
    private volatile boolean closing;

    BatchedCompletion(JdbcTemplate jdbc, TransactionTemplate tx, MeterRegistry meters) {
        this(jdbc, tx, meters, Duration.ofMillis(500));
    }

    /** {@code firstRetry}: the wait before a failed delete's first retry, doubling up to 30 s. */
    BatchedCompletion(JdbcTemplate jdbc, TransactionTemplate tx, MeterRegistry meters, Duration firstRetry) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.firstRetry = firstRetry;
        this.removals = new GroupCommit<>(
                "job-completion",
                1,
                512,
                Duration.ofSeconds(30),
                "the job table is busy: the job stays claimed and runs again after the take-over time",
                false, // run late rather than not at all: the job is done
                this::remove,
                meters);
    }

    /** The completion of a job that succeeded: its execution deleted in a batch. */
    <T> CompletionHandler<T> handler() {
        return (complete, operations) -> {
            Execution execution = complete.getExecution();
            if (!removed(execution)) {
                log.warn(
                        "job {} of {} was no longer claimed at version {} when it finished (taken over or removed)",
                        execution.taskInstance.getId(),
                        execution.taskInstance.getTaskName(),
                        execution.version);
            }
        };
    }

    /** Whether the execution was deleted (false: no longer claimed at its version), tried until it commits. */
    private boolean removed(Execution execution) {
        Duration wait = firstRetry;
        for (int attempt = 1; ; attempt++) {
            try {
                return removals.submit(execution, 0);
            } catch (RuntimeException failed) {
                if (closing || Thread.currentThread().isInterrupted()) {
                    throw failed; // stopping: the execution is taken over and the job runs again
                }
                log.warn(
                        "job {} of {} finished, but deleting its execution failed ({} so far): trying again in {} ms — {}",
                        execution.taskInstance.getId(),
                        execution.taskInstance.getTaskName(),
                        attempt,
                        wait.toMillis(),
                        failed.toString());
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                    throw failed;
                }
                wait = wait.multipliedBy(2).compareTo(MAX_RETRY_WAIT) > 0 ? MAX_RETRY_WAIT : wait.multipliedBy(2);
            }
        }
    }

    private static final Duration MAX_RETRY_WAIT = Duration.ofSeconds(30);

    private List<Outcome<Boolean>> remove(List<Execution> executions) {
        List<Object[]> rows = new ArrayList<>(executions.size());
        for (Execution execution : executions) {
            rows.add(new Object[] {
                execution.taskInstance.getTaskName(), execution.taskInstance.getId(), execution.version
            });
        }
        int[] counts = tx.execute(status -> jdbc.batchUpdate(DELETE, rows));
        List<Outcome<Boolean>> outcomes = new ArrayList<>(executions.size());
        for (int count : counts) {
            outcomes.add(Outcome.of(count == 1));
        }
        return outcomes;
    }

    /** The node is stopping: a failed delete is no longer tried again (the job runs again after the take-over). */
    void stopRetrying() {
        closing = true;
    }

    @Override
    public void close() throws InterruptedException {
        closing = true;
        removals.close();
    }
}
