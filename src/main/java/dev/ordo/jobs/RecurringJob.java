package dev.ordo.jobs;

import java.time.Duration;

/**
 * A timer: runs on one node at a time, every {@link #interval()} after the previous run ended. A
 * failed run is logged and the job runs again at its next time.
 */
public interface RecurringJob {

    /** Unique name, e.g. {@code wallet:ledger-check}. */
    String name();

    Duration interval();

    void run() throws Exception;

    /** What a timer does at each run. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    static RecurringJob of(String name, Duration interval, Action action) {
        return new RecurringJob() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Duration interval() {
                return interval;
            }

            @Override
            public void run() throws Exception {
                action.run();
            }
        };
    }
}
