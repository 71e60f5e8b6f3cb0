package dev.ordo.shared;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Outgoing calls cut off at a deadline (an HTTP request cancelled however slowly its answer trickles
 * in): one timer thread for all of them. Cancel the returned future when the call ended in time.
 */
public final class Deadlines {

    private static final ScheduledExecutorService TIMER = timer();

    private Deadlines() {}

    /**
     * Cancelled deadlines leave the queue at once: a call ended in time would otherwise stay in it,
     * with its request and body, until its deadline had passed — minutes of every call's requests at
     * a long timeout.
     */
    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "call-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** Deadlines waiting (for tests). */
    static int waiting() {
        return ((ScheduledThreadPoolExecutor) TIMER).getQueue().size();
    }

    public static ScheduledFuture<?> after(Duration deadline, Runnable cutOff) {
        return TIMER.schedule(cutOff, deadline.toMillis(), TimeUnit.MILLISECONDS);
    }
}
