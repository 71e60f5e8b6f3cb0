package dev.ordo.testing;

import dev.ordo.jobs.Job;
import dev.ordo.jobs.JobHandler;
import dev.ordo.jobs.JobQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** A probe queue that tests fill with jobs that record where and when they ran, and can fail on purpose. */
@TestConfiguration(proxyBeanMethods = false)
public class TestJobs {

    /** Two at once per node, three attempts, quick backoff. */
    public static final JobQueue<Probe> PROBE = JobQueue.of("test:probe", Probe.class)
            .concurrency(2)
            .maxAttempts(3)
            .backoff(Duration.ofMillis(200), Duration.ofSeconds(1));

    /**
     * @param failures    how many of this key's runs throw before one succeeds
     * @param sleepMillis how long each run works
     */
    public record Probe(String key, int failures, long sleepMillis) {}

    public record Run(String node, int attempt, Instant at) {}

    /** Every run of every probe job, across all nodes of this JVM. */
    public static final Map<String, List<Run>> RUNS = new ConcurrentHashMap<>();

    private static final Map<String, AtomicInteger> RUNNING = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> MOST_AT_ONCE = new ConcurrentHashMap<>();

    /** The most probe jobs one node ran at the same time since the last reset. */
    public static int mostAtOnce(String node) {
        return MOST_AT_ONCE.getOrDefault(node, new AtomicInteger()).get();
    }

    public static void resetConcurrency() {
        MOST_AT_ONCE.clear();
    }

    @Bean
    JobHandler<Probe> probeHandler(@Value("${ordo.node-name:node-1}") String node) {
        return new JobHandler<>() {
            @Override
            public JobQueue<Probe> queue() {
                return PROBE;
            }

            @Override
            public void handle(Job<Probe> job) throws Exception {
                int now =
                        RUNNING.computeIfAbsent(node, n -> new AtomicInteger()).incrementAndGet();
                MOST_AT_ONCE.computeIfAbsent(node, n -> new AtomicInteger()).accumulateAndGet(now, Math::max);
                try {
                    List<Run> runs = RUNS.computeIfAbsent(job.payload().key(), k -> new CopyOnWriteArrayList<>());
                    runs.add(new Run(node, job.attempt(), Instant.now()));
                    if (job.payload().sleepMillis() > 0) {
                        Thread.sleep(job.payload().sleepMillis());
                    }
                    if (runs.size() <= job.payload().failures()) {
                        throw new IllegalStateException("probe " + job.payload().key() + " fails on purpose");
                    }
                } finally {
                    RUNNING.get(node).decrementAndGet();
                }
            }
        };
    }
}
