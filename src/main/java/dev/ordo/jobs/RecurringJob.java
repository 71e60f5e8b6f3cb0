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
}
