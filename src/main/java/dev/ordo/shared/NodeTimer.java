package dev.ordo.shared;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A check every node runs for itself at a fixed delay, on a daemon platform thread of its own (not a
 * durable job: it must run on each node, and more often than a job's claim is worth). A run that
 * fails is logged at debug level; the next one tries again.
 */
public final class NodeTimer {

    private static final Logger log = LoggerFactory.getLogger(NodeTimer.class);

    private final String name;
    private final Duration every;
    private final Runnable check;
    private volatile ScheduledExecutorService timer;

    /** @param name names the thread and the log lines */
    public NodeTimer(String name, Duration every, Runnable check) {
        this.name = name;
        this.every = every;
        this.check = check;
    }

    /** Runs the check now and then every {@code every} after the previous run ended. */
    public void start() {
        ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name(name).factory());
        started.scheduleWithFixedDelay(this::runQuietly, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        timer = started;
    }

    public void stop() {
        ScheduledExecutorService running = timer;
        if (running != null) {
            // Not interrupted: an interrupt inside H2's file I/O closes the whole embedded database.
            running.shutdown();
            try {
                if (!running.awaitTermination(10, TimeUnit.SECONDS)) {
                    running.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            timer = null;
        }
    }

    public boolean isRunning() {
        return timer != null;
    }

    private void runQuietly() {
        try {
            check.run();
        } catch (RuntimeException e) {
            log.debug("{}: the check failed: {}", name, e.toString());
        }
    }
}
