package dev.ordo.jobs;

/**
 * The job a worker thread is running ({@link Jobs#running()}), for a handler whose last step is a
 * transaction: {@link #completeInTransaction()} removes the job in that transaction, so the step's
 * commit is the job's completion too and nothing is left to write after the handler returns.
 *
 * <p>Once that transaction has committed the job is done: it is neither retried nor run again,
 * even if the handler throws afterwards, so call it in the last step only. If the transaction rolls
 * back, the job completes or fails as it would have without the call.
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
}
