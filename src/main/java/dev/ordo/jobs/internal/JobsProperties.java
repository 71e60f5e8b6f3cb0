package dev.ordo.jobs.internal;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code ordo.jobs.*}: how the job engine runs on this node.
 *
 * @param heartbeat        how often a node marks the jobs it runs as alive
 * @param missedHeartbeats after this many missed heartbeats another node takes the job over
 * @param pollInterval     how often an idle queue looks for due jobs (new jobs also wake it)
 * @param shutdownWait     on shutdown, how long running jobs may finish before the node stops
 * @param timersConcurrency recurring jobs running at once on this node
 * @param queue            per-queue overrides, keyed by queue name with ':' written as '-'
 */
@ConfigurationProperties("ordo.jobs")
record JobsProperties(
        @DefaultValue("5s") Duration heartbeat,
        @DefaultValue("6") int missedHeartbeats,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("20s") Duration shutdownWait,
        @DefaultValue("2") int timersConcurrency,
        Map<String, QueueOverride> queue) {

    JobsProperties {
        if (missedHeartbeats < 4) {
            throw new IllegalArgumentException(
                    "ordo.jobs.missed-heartbeats must be at least 4 (db-scheduler's minimum)");
        }
        queue = queue == null ? Map.of() : Map.copyOf(queue);
    }

    record QueueOverride(Integer concurrency, Integer maxAttempts, Duration firstBackoff, Duration maxBackoff) {}

    /** When a node that died is noticed: heartbeat × missed heartbeats, plus one detection round. */
    Duration takeOverAfter() {
        return heartbeat.multipliedBy(missedHeartbeats).plus(heartbeat.multipliedBy(2));
    }
}
