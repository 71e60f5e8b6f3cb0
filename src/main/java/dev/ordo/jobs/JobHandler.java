package dev.ordo.jobs;

/**
 * Runs the jobs of one queue. A job may run more than once (a node dies after the work committed
 * but before the job was marked done), so every handler must be idempotent: it checks the state it
 * is about to change. Throwing makes the job retry with backoff, then go to the dead-letter list.
 */
public interface JobHandler<T> {

    JobQueue<T> queue();

    void handle(Job<T> job) throws Exception;

    /** What a handler does with one job. */
    @FunctionalInterface
    interface Action<T> {
        void run(Job<T> job) throws Exception;
    }

    static <T> JobHandler<T> of(JobQueue<T> queue, Action<T> action) {
        return new JobHandler<>() {
            @Override
            public JobQueue<T> queue() {
                return queue;
            }

            @Override
            public void handle(Job<T> job) throws Exception {
                action.run(job);
            }
        };
    }
}
