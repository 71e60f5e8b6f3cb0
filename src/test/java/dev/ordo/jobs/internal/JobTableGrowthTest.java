package dev.ordo.jobs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ordo.jobs.JobQueue;
import dev.ordo.jobs.Jobs;
import dev.ordo.shared.Dialect;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Unique;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The job table's statistics catch up with a burst at once on PostgreSQL, not at the next maintenance. */
@DatabaseTest
class JobTableGrowthTest {

    /** A queue no node serves: its jobs stay, as a backlog does. */
    private static final JobQueue<String> UNSERVED = JobQueue.of("test:unserved-growth", String.class);

    @Autowired
    Jobs jobs;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Dialect dialect;

    @Test
    void a_job_table_grown_far_beyond_its_statistics_is_analyzed_within_seconds_on_postgresql()
            throws InterruptedException {
        assumeTrue(dialect == Dialect.POSTGRESQL, "MariaDB keeps its own statistics; H2 plans without them");
        // By the growth check itself, not the 30 s maintenance (of this or another test node) or anyone's
        // vacuum: one of those analyzing the grown table first leaves the check nothing to do, and the
        // burst is tried again (the maintenance wins that race about once in thirty).
        Logger growthLog = (Logger) LoggerFactory.getLogger(JobTableGrowth.class);
        Level level = growthLog.getLevel();
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        growthLog.addAppender(logged);
        growthLog.setLevel(Level.DEBUG);
        try {
            boolean byTheCheck = false;
            for (int round = 0; round < 3 && !byTheCheck; round++) {
                // The statistics of a nearly empty table, as after a quiet spell.
                jdbc.update("delete from scheduled_tasks where task_name = ?", UNSERVED.name());
                jdbc.execute("analyze scheduled_tasks");
                assertThat(statisticsRows()).isLessThan(1_000);
                synchronized (logged) { // logback appends under the appender's lock
                    logged.list.clear();
                }
                String prefix = Unique.id("burst");
                Map<String, String> burst = new LinkedHashMap<>();
                for (int i = 0; i < 8_000; i++) {
                    burst.put(prefix + "-" + i, "x");
                }
                jobs.enqueueAll(UNSERVED, burst);
                await().atMost(Duration.ofSeconds(15)).until(() -> statisticsRows() >= 8_000);
                byTheCheck = loggedWithin(logged, Duration.ofSeconds(5));
            }
            assertThat(byTheCheck)
                    .as("the growth check analyzed the grown table")
                    .isTrue();
        } finally {
            growthLog.detachAppender(logged);
            growthLog.setLevel(level);
            jdbc.update("delete from scheduled_tasks where task_name = ?", UNSERVED.name());
        }
    }

    private static boolean loggedWithin(ListAppender<ILoggingEvent> logged, Duration wait) throws InterruptedException {
        long until = System.nanoTime() + wait.toNanos();
        do {
            List<ILoggingEvent> events;
            synchronized (logged) { // logback appends under the appender's lock
                events = List.copyOf(logged.list);
            }
            if (events.stream()
                    .map(ILoggingEvent::getFormattedMessage)
                    .anyMatch(message -> message.startsWith("job table analyzed"))) {
                return true;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < until);
        return false;
    }

    private double statisticsRows() {
        return jdbc.queryForObject(
                "select reltuples from pg_class where oid = 'scheduled_tasks'::regclass", Double.class);
    }
}
