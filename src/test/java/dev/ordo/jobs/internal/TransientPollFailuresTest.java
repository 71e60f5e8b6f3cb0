package dev.ordo.jobs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.spi.FilterReply;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A scheduler's poll failing on a transient database error is a warning line a minute, not an error per poll. */
class TransientPollFailuresTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final TransientPollFailures filter = new TransientPollFailures(now::get);
    private final LoggerContext context = new LoggerContext();
    private final Logger schedulerLoop = context.getLogger(TransientPollFailures.SCHEDULER_LOOP);
    private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    private final Logger ours = (Logger) LoggerFactory.getLogger(TransientPollFailures.class);

    @BeforeEach
    void listen() {
        warnings.start();
        ours.addAppender(warnings);
    }

    @AfterEach
    void stop() {
        ours.detachAppender(warnings);
    }

    @Test
    void a_deadlock_or_a_lost_connection_in_a_poll_is_one_warning_a_minute_with_the_count_of_the_rest() {
        Exception deadlock = new RuntimeException(
                "batch failed", new SQLTransactionRollbackException("Deadlock found when trying to get lock", "40001"));
        Exception noConnection =
                new RuntimeException(new SQLTransientConnectionException("Connection is not available"));

        assertThat(decide(deadlock)).isEqualTo(FilterReply.DENY);
        for (int n = 0; n < 5; n++) {
            now.addAndGet(TimeUnit.SECONDS.toNanos(1));
            assertThat(decide(noConnection)).isEqualTo(FilterReply.DENY);
        }
        now.addAndGet(TimeUnit.MINUTES.toNanos(1));
        assertThat(decide(new RuntimeException(new SQLException("Communications link failure", "08S01"))))
                .isEqualTo(FilterReply.DENY);

        List<String> lines = warnings.list.stream()
                .filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("(0 more such failures").contains("Deadlock found");
        assertThat(lines.get(1)).contains("(5 more such failures").contains("Communications link failure");
        assertThat(warnings.list)
                .allSatisfy(e ->
                        assertThat(e.getThrowableProxy()).as("no stack trace").isNull());
    }

    @Test
    void any_other_failure_keeps_db_schedulers_error_and_other_loggers_are_left_alone() {
        assertThat(decide(new IllegalStateException("a bug"))).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(new RuntimeException(new SQLException("syntax error", "42601"))))
                .isEqualTo(FilterReply.NEUTRAL);
        Logger other = context.getLogger("com.github.kagkarlsson.scheduler.Scheduler");
        assertThat(filter.decide(
                        null, other, Level.ERROR, "x", null, new SQLTransactionRollbackException("Deadlock", "40001")))
                .isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(
                        null,
                        schedulerLoop,
                        Level.WARN,
                        "x",
                        null,
                        new SQLTransactionRollbackException("Deadlock", "40001")))
                .isEqualTo(FilterReply.NEUTRAL);
        assertThat(warnings.list).isEmpty();
    }

    private FilterReply decide(Throwable failure) {
        return filter.decide(
                null, schedulerLoop, Level.ERROR, "Unhandled exception. Will keep running.", null, failure);
    }
}
