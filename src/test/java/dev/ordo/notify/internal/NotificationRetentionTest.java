package dev.ordo.notify.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.shared.SqlTime;
import dev.ordo.testing.DatabaseTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Settled notifications leave with their attempts after the retention; one still being attempted stays. */
@DatabaseTest
class NotificationRetentionTest {

    @Autowired
    JdbcClient jdbc;

    private final long base = 8_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000L) * 10;

    private void notification(long id, int status, Instant created, int attempts) {
        jdbc.sql("""
                        insert into notification (notification_id, event_id, channel_no, url, payload, status, attempts,
                                                  created_at, give_up_at, delivered_at)
                        values (:id, :event, 'retention', 'https://example.com/n', 'a=1', :status, :attempts,
                                :created, :giveUp, null)""")
                .param("id", id)
                .param("event", "retention-" + id)
                .param("status", status)
                .param("attempts", attempts)
                .param("created", SqlTime.utc(created))
                .param("giveUp", SqlTime.utc(created.plus(Duration.ofHours(25))))
                .update();
        for (int a = 1; a <= attempts; a++) {
            jdbc.sql("""
                            insert into notification_attempt (attempt_id, notification_id, attempt, attempted_at,
                                                              http_status, response, error, duration_ms)
                            values (:id, :notification, :attempt, :at, 200, 'ok', null, 5)""")
                    .param("id", id * 10 + a)
                    .param("notification", id)
                    .param("attempt", a)
                    .param("at", SqlTime.utc(created))
                    .update();
        }
    }

    private long count(String table, long id) {
        return jdbc.sql("select count(*) from " + table + " where notification_id = :id")
                .param("id", id)
                .query(Long.class)
                .single();
    }

    @Test
    void settled_notifications_older_than_the_retention_go_with_their_attempts_and_the_others_stay() {
        Instant now = Instant.now();
        Instant old = now.minus(Duration.ofDays(40));
        long delivered = base + 1;
        long givenUp = base + 2;
        long stillTrying = base + 3;
        long recent = base + 4;
        notification(delivered, 1, old, 2);
        notification(givenUp, 2, old, 3);
        notification(stillTrying, 0, old, 1);
        notification(recent, 1, now.minus(Duration.ofDays(1)), 1);

        long deleted = NotificationRetention.settled(jdbc).deleteAllBefore(now.minus(Duration.ofDays(30)), 1);

        assertThat(deleted).as("one at a time, until none is left").isGreaterThanOrEqualTo(2);
        assertThat(count("notification", delivered)).isZero();
        assertThat(count("notification_attempt", delivered)).isZero();
        assertThat(count("notification", givenUp)).isZero();
        assertThat(count("notification_attempt", givenUp)).isZero();
        assertThat(count("notification", stillTrying))
                .as("still being attempted")
                .isEqualTo(1);
        assertThat(count("notification_attempt", stillTrying)).isEqualTo(1);
        assertThat(count("notification", recent)).as("within the retention").isEqualTo(1);
        assertThat(count("notification_attempt", recent)).isEqualTo(1);

        jdbc.sql("delete from notification_attempt where notification_id in (:ids)")
                .param("ids", List.of(stillTrying, recent))
                .update();
        jdbc.sql("delete from notification where notification_id in (:ids)")
                .param("ids", List.of(stillTrying, recent))
                .update();
    }
}
