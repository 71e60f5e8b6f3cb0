package dev.ordo.notify.internal;

import dev.ordo.jobs.RecurringJob;
import dev.ordo.shared.SqlTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Notifications delivered or given up are kept {@code ordo.notify.retention} (30 days) after they
 * were created, then deleted with their attempts by the timer {@code notify:retention}. One still
 * being attempted is never deleted. A notification is sent once per event (its event id is its key),
 * when its order or refund ends — long before it may be deleted.
 */
@Configuration(proxyBeanMethods = false)
class NotificationRetention {

    private static final Logger log = LoggerFactory.getLogger(NotificationRetention.class);

    @Bean
    RecurringJob notificationRetentionTimer(
            JdbcClient jdbc,
            TransactionTemplate tx,
            Clock clock,
            @Value("${ordo.notify.retention:30d}") Duration retention,
            @Value("${ordo.notify.retention-interval:1h}") Duration interval) {
        if (retention.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("ordo.notify.retention must be at least an hour");
        }
        return RecurringJob.of("notify:retention", interval, () -> {
            long deleted = deleteSettledBefore(jdbc, tx, clock.instant().minus(retention), 1_000);
            if (deleted > 0) {
                log.info("notify:retention: deleted {} settled notifications older than {}", deleted, retention);
            }
        });
    }

    /** Deletes the settled notifications created before {@code cutoff}, with their attempts, {@code batch} at a time. */
    static long deleteSettledBefore(JdbcClient jdbc, TransactionTemplate tx, Instant cutoff, int batch) {
        long deleted = 0;
        while (true) {
            Integer n = tx.execute(status -> {
                List<Long> old = jdbc.sql("""
                                select notification_id from notification
                                 where created_at < :cutoff and status <> 0
                                 order by created_at, notification_id limit :limit""")
                        .param("cutoff", SqlTime.utc(cutoff))
                        .param("limit", batch)
                        .query(Long.class)
                        .list();
                if (old.isEmpty()) {
                    return 0;
                }
                jdbc.sql("delete from notification_attempt where notification_id in (:ids)")
                        .param("ids", old)
                        .update();
                return jdbc.sql("delete from notification where notification_id in (:ids) and status <> 0")
                        .param("ids", old)
                        .update();
            });
            if (n == null || n == 0) {
                return deleted;
            }
            deleted += n;
        }
    }
}
