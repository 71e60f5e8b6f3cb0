package dev.ordo.jobs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ordo.shared.Dialect;
import dev.ordo.testing.DatabaseTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** Nodes judge each other's job heartbeats by their own clocks: an offset from the database's is measured and told. */
@DatabaseTest
class ClockOffsetTest {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Dialect dialect;

    @Test
    void a_node_on_the_databases_clock_measures_no_offset() {
        ClockOffset offset = offset(Clock.systemUTC(), new SimpleMeterRegistry());
        assertThat(offset.measure()).isBetween(Duration.ofSeconds(-2), Duration.ofSeconds(2));
    }

    @Test
    void a_node_whose_clock_runs_40_seconds_ahead_exports_the_offset_and_warns() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ClockOffset offset = offset(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(40)), meters);
        Logger log = (Logger) LoggerFactory.getLogger(ClockOffset.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        log.addAppender(logged);
        try {
            offset.check();
        } finally {
            log.detachAppender(logged);
        }
        assertThat(meters.get("ordo.jobs.clock.offset").gauge().value()).isCloseTo(-40, within(2.0));
        assertThat(logged.list)
                .filteredOn(event -> event.getLevel() == Level.WARN)
                .singleElement()
                .satisfies(event -> assertThat(event.getFormattedMessage()).contains("ahead of the database's"));
    }

    private ClockOffset offset(Clock clock, SimpleMeterRegistry meters) {
        return new ClockOffset(jdbc, dialect, clock, Duration.ofSeconds(5), meters, Duration.ofSeconds(60));
    }
}
