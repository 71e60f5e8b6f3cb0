package dev.ordo.jobs;

import dev.ordo.shared.OldRows;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.LoggerFactory;

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

    /** A retention timer: at every run, deletes the rows older than {@code keep}, {@code batch} at a time, and logs how many. */
    static RecurringJob retention(String name, Duration interval, Clock clock, Duration keep, OldRows rows, int batch) {
        return of(name, interval, () -> {
            long deleted = rows.deleteAllBefore(clock.instant().minus(keep), batch);
            if (deleted > 0) {
                LoggerFactory.getLogger(RecurringJob.class)
                        .info("{}: deleted {} rows of {} older than {}", name, deleted, rows.table(), keep);
            }
        });
    }
}
