package dev.ordo.jobs;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A named durable queue and the defaults of how its jobs run. Each may be overridden per
 * deployment with {@code ordo.jobs.queue.<name with ':' as '-'>.concurrency}, {@code .max-attempts},
 * {@code .first-backoff} and {@code .max-backoff}.
 *
 * @param name         queue name, e.g. {@code oms:order:pay}
 * @param payloadType  what each job carries (a record, stored as JSON)
 * @param concurrency  jobs of this queue running at once on one node
 * @param maxAttempts  attempts before a job goes to the dead-letter list
 * @param firstBackoff wait before the second attempt; doubles per attempt
 * @param maxBackoff   longest wait between attempts
 */
public record JobQueue<T>(
        String name,
        Class<T> payloadType,
        int concurrency,
        int maxAttempts,
        Duration firstBackoff,
        Duration maxBackoff) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_:\\-]{0,62}");

    public JobQueue {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("queue names are lower case, digits, '_', '-' and ':': " + name);
        }
        if (concurrency < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("concurrency and maxAttempts must be positive for " + name);
        }
        if (firstBackoff.isNegative() || maxBackoff.compareTo(firstBackoff) < 0) {
            throw new IllegalArgumentException("backoff must be 0 <= first <= max for " + name);
        }
    }

    /** A queue with the defaults: 4 at once, 5 attempts, backoff from 1 s doubling up to 10 min. */
    public static <T> JobQueue<T> of(String name, Class<T> payloadType) {
        return new JobQueue<>(name, payloadType, 4, 5, Duration.ofSeconds(1), Duration.ofMinutes(10));
    }

    public JobQueue<T> concurrency(int value) {
        return new JobQueue<>(name, payloadType, value, maxAttempts, firstBackoff, maxBackoff);
    }

    public JobQueue<T> maxAttempts(int value) {
        return new JobQueue<>(name, payloadType, concurrency, value, firstBackoff, maxBackoff);
    }

    public JobQueue<T> backoff(Duration first, Duration max) {
        return new JobQueue<>(name, payloadType, concurrency, maxAttempts, first, max);
    }

    /** The wait before attempt {@code attempt + 1}, after {@code attempt} failed attempts. */
    public Duration backoffAfter(int attempt) {
        Duration wait = firstBackoff;
        for (int i = 1; i < attempt && wait.compareTo(maxBackoff) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }

    /** The property key of this queue's overrides: ':' is not welcome in property names. */
    public String propertyKey() {
        return name.replace(':', '-');
    }
}
