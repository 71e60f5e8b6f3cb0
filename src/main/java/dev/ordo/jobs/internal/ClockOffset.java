package dev.ordo.jobs.internal;

import dev.ordo.shared.Dialect;
import dev.ordo.shared.NodeCheck;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * This node's clock against the database's, checked every {@code ordo.jobs.clock-check} (60 s) on
 * PostgreSQL and MySQL/MariaDB and exported as {@code ordo_jobs_clock_offset_seconds} (the database's
 * time minus this node's); logged at WARN once it reaches a heartbeat. Every node writes its jobs'
 * heartbeats with its own clock and takes another node's job for dead by its own clock: two nodes
 * whose clocks differ by heartbeat × (missed heartbeats − 1) — 25 s by default — would take each
 * other's running jobs for dead and run them twice. The nodes' clocks must be kept in step (NTP);
 * this gauge is what to alert on. H2 is embedded: one node, on the database's own clock.
 */
final class ClockOffset extends NodeCheck {

    private static final Logger log = LoggerFactory.getLogger(ClockOffset.class);

    private final JdbcTemplate jdbc;
    private final Dialect dialect;
    private final Clock clock;
    private final Duration warnAt;
    private volatile double offsetSeconds;

    ClockOffset(
            JdbcTemplate jdbc,
            Dialect dialect,
            Clock clock,
            Duration heartbeat,
            MeterRegistry meters,
            Duration checkEvery) {
        super("clock-offset", "ordo.jobs.clock-check", checkEvery);
        this.jdbc = jdbc;
        this.dialect = dialect;
        this.clock = clock;
        this.warnAt = heartbeat;
        Gauge.builder("ordo.jobs.clock.offset", this, c -> c.offsetSeconds)
                .description("the database's clock minus this node's, as last checked (keep it well under a heartbeat)")
                .baseUnit("seconds")
                .register(meters);
    }

    @Override
    protected boolean enabled() {
        return dialect != Dialect.H2;
    }

    @Override
    protected void check() {
        offsetSeconds = measure().toMillis() / 1000.0;
        if (Math.abs(offsetSeconds) >= warnAt.toMillis() / 1000.0) {
            log.warn(
                    "this node's clock is {} s {} the database's: nodes whose clocks differ by about the dead-node"
                            + " window take each other's running jobs for dead and run them twice; keep the clocks"
                            + " in step (NTP)",
                    Math.abs(offsetSeconds),
                    offsetSeconds > 0 ? "behind" : "ahead of");
        }
    }

    /** The database's time minus this node's, the round trip's middle taken as the moment it was read. */
    Duration measure() {
        String sql = switch (dialect) {
            case POSTGRESQL -> "select (extract(epoch from clock_timestamp()) * 1000000)::bigint";
            // UTC whatever the session's time zone (an hour repeats in one with summer time).
            case MYSQL -> "select timestampdiff(microsecond, '1970-01-01 00:00:00', utc_timestamp(6))";
            case H2 -> "select cast(extract(epoch from current_timestamp) * 1000000 as bigint)";
        };
        Instant before = clock.instant();
        Long micros = jdbc.queryForObject(sql, Long.class);
        Instant after = clock.instant();
        Instant middle = before.plus(Duration.between(before, after).dividedBy(2));
        Instant database = Instant.EPOCH.plus(micros == null ? 0 : micros, ChronoUnit.MICROS);
        return Duration.between(middle, database);
    }

    double offsetSeconds() {
        return offsetSeconds;
    }
}
