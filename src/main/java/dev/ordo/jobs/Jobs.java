package dev.ordo.jobs;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Enqueues durable jobs. Inside a transaction the job is written in that transaction: it exists if
 * and only if the transaction commits, which makes "change state and schedule the next step"
 * atomic.
 *
 * <p>A job is known by its queue and {@code id} until it has completed: enqueued again while it
 * waits <em>or runs</em>, nothing more is enqueued — the run under way does not run again for it.
 * A step that must follow a change made while its job may be running uses an id of its own for
 * that change (as the flow's query chains number theirs), or is enqueued by the run itself.
 */
public interface Jobs {

    /** Runs as soon as a worker is free (after the surrounding transaction commits). */
    <T> void enqueue(JobQueue<T> queue, String id, T payload);

    /**
     * Runs at {@code at} or soon after. A job with the same queue and id already pending is kept, also
     * one another transaction enqueues at the same moment.
     */
    <T> void enqueue(JobQueue<T> queue, String id, T payload, Instant at);

    /**
     * Several new jobs of one queue, each due now, in one batched insert. The ids must be new: a
     * pending job with one of them fails the whole insert (and with it the surrounding transaction).
     */
    <T> void enqueueAll(JobQueue<T> queue, Map<String, T> payloadsById);

    /** Runs the recurring job with this name now instead of at its next time; false if unknown or running. */
    boolean runRecurringNow(String name);

    /**
     * Since when the queue's longest-waiting job has been due without a worker taking it, on any
     * node; empty when none waits. One probe of the job table's due index.
     */
    Optional<Instant> oldestWaiting(JobQueue<?> queue);

    /**
     * The job this thread is running, if it is a job's worker: for a handler to complete its job in
     * the transaction of its last step ({@link RunningJob#completeInTransaction()}). Capture it on the
     * worker's thread; the transaction may run on another.
     */
    Optional<RunningJob> running();
}
