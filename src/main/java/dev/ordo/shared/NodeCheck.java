package dev.ordo.shared;

import java.time.Duration;
import org.springframework.context.SmartLifecycle;

/**
 * A component whose {@link #check} every node runs for itself on a {@link NodeTimer}, started and
 * stopped with the application.
 */
public abstract class NodeCheck implements SmartLifecycle {

    private final NodeTimer timer;

    /**
     * @param name names the timer's thread and its log lines
     * @param property the setting {@code every} comes from, named when it is not positive
     */
    protected NodeCheck(String name, String property, Duration every) {
        if (every == null || !every.isPositive()) {
            throw new IllegalArgumentException(property + " must be positive");
        }
        this.timer = new NodeTimer(name, every, this::check);
    }

    /** One run of the check; a failure is logged and the next run tries again. */
    protected abstract void check();

    /** Whether this node runs the check at all (asked at start). */
    protected boolean enabled() {
        return true;
    }

    @Override
    public void start() {
        if (enabled()) {
            timer.start();
        }
    }

    @Override
    public void stop() {
        timer.stop();
    }

    @Override
    public boolean isRunning() {
        return timer.isRunning();
    }
}
