package dev.ordo.jobs.internal;

import com.github.kagkarlsson.scheduler.task.DeadExecutionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import dev.ordo.jobs.JobHandler;
import dev.ordo.jobs.JobQueue;
import io.micrometer.core.instrument.Counter;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * A failed job waits (doubling, with jitter) and runs again; after its last attempt it is dead. A job
 * whose node stopped while running it (missed heartbeats) runs again at once, and counts an attempt:
 * a job that brings its node down every time (out of memory, a crash) ends dead, not revived forever.
 * A job becomes dead in one transaction — its dead-letter entry and the removal of its execution.
 */
final class RetryThenDeadLetter<T> implements FailureHandler<T>, DeadExecutionHandler<T> {

    private static final Logger log = LoggerFactory.getLogger(RetryThenDeadLetter.class);

    private final JobQueue<T> queue;
    private final JobHandler<T> handler;
    private final DeadLetters deadLetters;
    private final JsonMapper json;
    private final Clock clock;
    private final TransactionTemplate tx;
    /** A savepoint within {@link #tx}: a handler's {@link JobHandler#dead} that fails takes back only its own writes. */
    private final TransactionTemplate savepoint;

    private final JdbcTemplate jdbc;
    private final Counter revived;
    private final BooleanSupplier stopping;

    RetryThenDeadLetter(
            JobQueue<T> queue,
            JobHandler<T> handler,
            DeadLetters deadLetters,
            JsonMapper json,
            Clock clock,
            TransactionTemplate tx,
            JdbcTemplate jdbc,
            Counter revived,
            BooleanSupplier stopping) {
        this.tx = tx;
        this.savepoint = new TransactionTemplate(tx.getTransactionManager());
        this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.jdbc = jdbc;
        this.revived = revived;
        this.stopping = stopping;
        this.queue = queue;
        this.handler = handler;
        this.deadLetters = deadLetters;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void onFailure(ExecutionComplete complete, ExecutionOperations<T> operations) {
        var execution = complete.getExecution();
        int attempt = execution.consecutiveFailures + 1;
        String id = execution.taskInstance.getId();
        String error = complete.getCause().map(Throwable::toString).orElse("unknown failure");
        if (stopping.getAsBoolean() && interrupted(complete.getCause().orElse(null))) {
            handBack(complete);
            return;
        }
        if (attempt >= queue.maxAttempts()) {
            dead(complete, operations, attempt, error);
            return;
        }
        Duration wait = jitter(queue.backoffAfter(attempt));
        operations.reschedule(complete, clock.instant().plus(wait));
        log.warn(
                "job {} of {} failed (attempt {} of {}), retry in {}: {}",
                id,
                queue.name(),
                attempt,
                queue.maxAttempts(),
                wait,
                error);
    }

    /**
     * A job its node interrupted because it did not finish within the shutdown wait: nothing is wrong
     * with it, so it is not a failed attempt — it is handed back, due now, for any node (instead of
     * counting towards its death, and waiting for the take-over of a dead node's jobs). Its count of
     * consecutive failures stays as it was (db-scheduler's reschedule would count one more, or start
     * again from none), so deploys that keep interrupting a failing job do not keep it alive.
     */
    private void handBack(ExecutionComplete complete) {
        boolean wasInterrupted = Thread.interrupted(); // the pool's connections refuse an interrupted thread
        try {
            var execution = complete.getExecution();
            boolean handedBack = RunningExecution.handBack(jdbc, execution, clock.instant());
            log.info(
                    "job {} of {} interrupted by its node's shutdown: {}",
                    execution.taskInstance.getId(),
                    queue.name(),
                    handedBack ? "handed back" : "already taken over by another node");
        } finally {
            if (wasInterrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean interrupted(Throwable cause) {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            // Not its subclasses: a socket's or a connection's timeout is a failure like any other.
            if (t instanceof InterruptedException
                    || t instanceof ClosedByInterruptException
                    || t.getClass() == InterruptedIOException.class) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void deadExecution(ExecutionComplete complete, ExecutionOperations<T> operations) {
        var execution = complete.getExecution();
        int attempt = execution.consecutiveFailures + 1;
        String error = "its node stopped while running it (missed heartbeats since " + execution.lastHeartbeat + ", "
                + execution.pickedBy + ")";
        if (attempt >= queue.maxAttempts()) {
            dead(complete, operations, attempt, error);
            revived.increment();
            return;
        }
        operations.reschedule(complete, clock.instant()); // throws if another node revived it first
        revived.increment();
        log.warn(
                "job {} of {} runs again (attempt {} of {}): {}",
                execution.taskInstance.getId(),
                queue.name(),
                attempt + 1,
                queue.maxAttempts(),
                error);
    }

    private void dead(ExecutionComplete complete, ExecutionOperations<T> operations, int attempt, String error) {
        var execution = complete.getExecution();
        String id = execution.taskInstance.getId();
        String payload = payloadOf(execution.taskInstance);
        T data = dataOf(execution.taskInstance);
        tx.executeWithoutResult(status -> {
            deadLetters.add(queue.name(), id, payload, attempt, error, clock.instant());
            // In the job's death's own transaction, so that a node stopping in between cannot leave
            // the work's record saying it is still under way with no job left to finish it.
            if (data != null) {
                try {
                    savepoint.executeWithoutResult(handlerStatus -> handler.dead(data));
                } catch (RuntimeException e) {
                    log.error("job {} of {}: its handler failed on its death: {}", id, queue.name(), e.toString(), e);
                }
            }
            // Throws when the execution moved meanwhile (taken over): then it is not dead either.
            operations.stop();
        });
        log.error(
                "job {} of {} is dead after {} attempts: {}",
                id,
                queue.name(),
                attempt,
                error,
                complete.getCause().orElse(null));
    }

    /** The job's payload, null when there is none or it does not read as the queue's payload. */
    private T dataOf(TaskInstance<?> instance) {
        try {
            Object data = instance.getData();
            return queue.payloadType().isInstance(data) ? queue.payloadType().cast(data) : null;
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /**
     * The job's payload as JSON; as it is stored when it does not read as the queue's payload (written
     * by another version of Ordo, or by hand) — which is most likely why the job died, and must not
     * keep it from being recorded dead.
     */
    private String payloadOf(TaskInstance<?> instance) {
        Object payload;
        try {
            payload = instance.getData();
        } catch (RuntimeException unreadable) {
            return deadLetters.storedPayload(queue.name(), instance.getId());
        }
        return payload == null ? null : json.writeValueAsString(payload);
    }

    /** ±10 %, so that jobs failing together do not retry in lockstep. */
    private static Duration jitter(Duration wait) {
        long millis = wait.toMillis();
        if (millis < 10) {
            return wait;
        }
        long spread = millis / 10;
        return Duration.ofMillis(millis + ThreadLocalRandom.current().nextLong(-spread, spread + 1));
    }
}
