package dev.ordo.jobs;

import java.time.Instant;

/**
 * The job a worker thread is running ({@link Jobs#running()}), for a handler whose last step is a
 * transaction: {@link #completeInTransaction()} removes the job in that transaction, so the step's
 * commit is the job's completion too and nothing is left to write after the handler returns.
 *
 * <p>Once that transaction has committed the job is done: it is neither retried nor run again,
 * even if the handler throws afterwards, so call it in the last step only. If the transaction rolls
 * back, the job completes or fails as it would have without the call.
 *
 * <p>A handler that finds it cannot do its work yet, for a reason that is not the job's failure (a
 * receiver already taking all it can), {@linkplain #runAgainAt(Instant) puts it off} instead of
 * failing it: the job runs again at that time without counting an attempt.
 */
public interface RunningJob {

    /**
     * Removes the job with the writes of the current transaction (on whichever thread runs it); the
     * job counts as done once that transaction commits. A job that another node has taken over
     * meanwhile is left to it.
     *
     * @throws IllegalStateException outside a transaction
     */
    void completeInTransaction();

    /**
     * Puts the job off until {@code at}, once the handler has returned normally: it runs again then,
     * on any node, with the same payload and attempt number — not a failure, so neither its attempts
     * nor its backoff grow. A handler that throws afterwards fails as usual, and one that completed
     * the job in a transaction is done. A job another node has taken over meanwhile is left to it.
     */
    void runAgainAt(Instant at);

    /**
     * True when this run is the job's last attempt: if the handler throws, the job goes to the
     * dead-letter list instead of running again. A handler with its own deadline (a notification
     * retried for a day) records that it gave up, rather than leave its work pending for ever.
     */
    boolean lastAttempt();
}
