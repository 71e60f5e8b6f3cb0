package dev.ordo.notify.internal;

import dev.ordo.jobs.RecurringJob;
import dev.ordo.shared.OldRows;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Notifications delivered or given up are kept {@code ordo.notify.retention} (30 days) after they
 * were created, then deleted with their attempts by the timer {@code notify:retention}. One still
 * being attempted is never deleted. A notification is sent once per event (its event id is its key),
 * when its order or refund ends — long before it may be deleted.
 */
@Configuration(proxyBeanMethods = false)
class NotificationRetention {

    @Bean
    RecurringJob notificationRetentionTimer(
            JdbcClient jdbc,
            Clock clock,
            @Value("${ordo.notify.retention:30d}") Duration retention,
            @Value("${ordo.notify.retention-interval:1h}") Duration interval) {
        if (retention.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("ordo.notify.retention must be at least an hour");
        }
        return RecurringJob.retention("notify:retention", interval, clock, retention, settled(jdbc), 1_000);
    }

    /** The settled notifications (delivered or given up), with their attempts. */
    static OldRows settled(JdbcClient jdbc) {
        return new OldRows(jdbc, "notification", "notification_id", "created_at")
                .where("status <> 0")
                .withChildren("notification_attempt.notification_id");
    }
}
