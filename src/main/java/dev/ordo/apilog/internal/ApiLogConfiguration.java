package dev.ordo.apilog.internal;

import dev.ordo.jobs.RecurringJob;
import dev.ordo.shared.Ids;
import dev.ordo.shared.OldRows;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

@Configuration(proxyBeanMethods = false)
class ApiLogConfiguration {

    /**
     * {@code ordo.api-log.enabled} (default true) turns the log off; {@code ordo.api-log.buffer}
     * (default 20,000) bounds the calls waiting to be written; {@code ordo.api-log.max-text} (default
     * 4,000) cuts what is kept of each request and answer.
     */
    @Bean
    JdbcApiLog apiLog(
            JdbcClient jdbc,
            JdbcTemplate template,
            TransactionTemplate tx,
            Ids ids,
            Clock clock,
            MeterRegistry meters,
            @Value("${ordo.api-log.enabled:true}") boolean enabled,
            @Value("${ordo.api-log.buffer:20000}") int buffer,
            @Value("${ordo.api-log.max-text:4000}") int maxText,
            @Value("${ordo.api-log.refused-per-second:50}") int refusedPerSecond) {
        if (buffer < 1 || maxText < 100 || refusedPerSecond < 0) {
            throw new IllegalArgumentException("ordo.api-log.buffer must be positive, ordo.api-log.max-text at least"
                    + " 100 and ordo.api-log.refused-per-second not negative");
        }
        return new JdbcApiLog(jdbc, template, tx, ids, clock, meters, enabled, buffer, maxText, refusedPerSecond);
    }

    /** Deletes entries older than {@code ordo.api-log.retention} (default 14 days), five thousand at a time. */
    @Bean
    RecurringJob apiLogRetention(
            JdbcClient jdbc,
            Clock clock,
            @Value("${ordo.api-log.retention:14d}") Duration retention,
            @Value("${ordo.api-log.retention-interval:1h}") Duration interval) {
        return RecurringJob.retention(
                "api-log:retention", interval, clock, retention, new OldRows(jdbc, "api_log", "log_id", "at"), 5_000);
    }
}
