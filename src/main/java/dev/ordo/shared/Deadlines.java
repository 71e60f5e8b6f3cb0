package dev.ordo.shared;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Outgoing calls cut off at a deadline (an HTTP request cancelled however slowly its answer trickles
 * in): one timer thread for all of them. Cancel the returned future when the call ended in time.
 */
public final class Deadlines {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "call-deadlines");
        thread.setDaemon(true);
        return thread;
    });

    private Deadlines() {}

    public static ScheduledFuture<?> after(Duration deadline, Runnable cutOff) {
        return TIMER.schedule(cutOff, deadline.toMillis(), TimeUnit.MILLISECONDS);
    }
}
