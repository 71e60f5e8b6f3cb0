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
 */
final class BatchedCompletion implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BatchedCompletion.class);
    static final String DELETE =
            "delete from scheduled_tasks where task_name = ? and task_instance = ? and version = ?";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final GroupCommit<Execution, Boolean> removals;

    BatchedCompletion(JdbcTemplate jdbc, TransactionTemplate tx, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.tx = tx;
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
            if (!removals.submit(execution, 0)) {
                log.warn(
                        "job {} of {} was no longer claimed at version {} when it finished (taken over or removed)",
                        execution.taskInstance.getId(),
                        execution.taskInstance.getTaskName(),
                        execution.version);
            }
        };
    }

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

    @Override
    public void close() throws InterruptedException {
        removals.close();
    }
}
