package dev.ordo.jobs;

import java.util.function.Consumer;

/**
 * Runs the jobs of one queue. A job may run more than once (a node dies after the work committed
 * but before the job was marked done), so every handler must be idempotent: it checks the state it
 * is about to change. Throwing makes the job retry with backoff, then go to the dead-letter list.
 */
public interface JobHandler<T> {

    JobQueue<T> queue();

    void handle(Job<T> job) throws Exception;

    /**
     * Called when a job of the queue goes to the dead-letter list — its last attempt failed, or its
     * node stopped during its last attempt — so that the handler's own record of the work can say that
     * it was given up: in the transaction that moves the job there, so that the two commit together.
     * Not called for a job whose payload could not be read; a failure is logged and takes back only
     * the handler's own writes (a savepoint): the job is dead all the same. Nothing by default.
     */
    default void dead(T payload) {}

    /**
     * Called when an operator sends a dead job of the queue back to it
     * ({@code POST /admin/jobs/dead/{id}/retry}), in the transaction that enqueues it again, so that
     * the handler's own record of work it gave up ({@link #dead}) can be reopened and the job do it
     * again rather than find it given up. A failure refuses the retry. Nothing by default.
     */
    default void revived(T payload) {}

    /** What a handler does with one job. */
    @FunctionalInterface
    interface Action<T> {
        void run(Job<T> job) throws Exception;
    }

    static <T> JobHandler<T> of(JobQueue<T> queue, Action<T> action) {
        return of(queue, action, payload -> {});
    }

    /** As {@link #of(JobQueue, Action)}, with what to do when a job goes dead ({@link #dead}). */
    static <T> JobHandler<T> of(JobQueue<T> queue, Action<T> action, Consumer<T> dead) {
        return of(queue, action, dead, payload -> {});
    }

    /**
     * As {@link #of(JobQueue, Action)}, with what to do when a job goes dead ({@link #dead}) and when
     * a dead one is sent back ({@link #revived}).
     */
    static <T> JobHandler<T> of(JobQueue<T> queue, Action<T> action, Consumer<T> dead, Consumer<T> revived) {
        return new JobHandler<>() {
            @Override
            public JobQueue<T> queue() {
                return queue;
            }

            @Override
            public void handle(Job<T> job) throws Exception {
                action.run(job);
            }

            @Override
            public void dead(T payload) {
                dead.accept(payload);
            }

            @Override
            public void revived(T payload) {
                revived.accept(payload);
            }
        };
    }
}
