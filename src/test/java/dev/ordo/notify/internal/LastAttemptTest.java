package dev.ordo.notify.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ordo.apilog.ApiLog;
import dev.ordo.jobs.JobQueue;
import dev.ordo.jobs.Jobs;
import dev.ordo.jobs.RunningJob;
import dev.ordo.notify.Notifications.NotificationRef;
import dev.ordo.shared.Ids;
import dev.ordo.shared.SqlTime;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Unique;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A notification whose job runs out of attempts before give-up-after (a queue configured with fewer
 * or shorter retries) gives up with its last attempt instead of staying pending for ever, where no
 * retry would come and the retention would never take it.
 */
@DatabaseTest
class LastAttemptTest {

    private static final JobQueue<NotificationRef> QUEUE = JobQueue.of("test:notify:last", NotificationRef.class);

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Ids ids;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    ApiLog apiLog;

    private final List<Long> enqueued = new ArrayList<>();
    private boolean lastAttempt;
    private DefaultNotifications notifications;

    /** The job a worker runs, as far as the notification asks: whether this is its last attempt. */
    private final Jobs jobs = new Jobs() {
        @Override
        public <T> void enqueue(JobQueue<T> queue, String id, T payload) {
            enqueued.add(((NotificationRef) payload).notificationId());
        }

        @Override
        public <T> void enqueue(JobQueue<T> queue, String id, T payload, Instant at) {
            enqueue(queue, id, payload);
        }

        @Override
        public <T> void enqueueAll(JobQueue<T> queue, Map<String, T> payloadsById) {
            payloadsById.forEach((id, payload) -> enqueue(queue, id, payload));
        }

        @Override
        public boolean runRecurringNow(String name) {
            return false;
        }

        @Override
        public Optional<Instant> oldestWaiting(JobQueue<?> queue) {
            return Optional.empty();
        }

        @Override
        public Optional<RunningJob> running() {
            return Optional.of(new RunningJob() {
                @Override
                public void completeInTransaction() {}

                @Override
                public void runAgainAt(Instant at) {}

                @Override
                public boolean lastAttempt() {
                    return lastAttempt;
                }
            });
        }
    };

    @AfterEach
    void close() throws IOException {
        if (notifications != null) {
            notifications.destroy();
        }
    }

    private long failingNotification() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort(); // nothing listens there once closed: every attempt fails
        }
        notifications = new DefaultNotifications(
                jdbc,
                jobs,
                ids,
                Clock.systemUTC(),
                tx,
                new SimpleMeterRegistry(),
                apiLog,
                false,
                "127.0.0.1",
                Duration.ofHours(25),
                Duration.ofSeconds(5),
                10,
                Duration.ofSeconds(30),
                Duration.ofSeconds(2),
                4,
                8);
        tx.executeWithoutResult(s -> notifications.send(
                QUEUE,
                Unique.id("last"),
                "test",
                "http://127.0.0.1:" + closedPort + "/notify",
                Map.of("request_no", "r1", "status", "0")));
        return enqueued.getLast();
    }

    private int status(long id) {
        return jdbc.sql("select status from notification where notification_id = :id")
                .param("id", id)
                .query(Integer.class)
                .single();
    }

    @Test
    void a_failed_attempt_that_is_not_the_jobs_last_leaves_the_notification_pending() throws Exception {
        long id = failingNotification();
        lastAttempt = false;

        assertThatThrownBy(() -> notifications.deliver(id, channel -> "secret")).isInstanceOf(RuntimeException.class);

        assertThat(status(id)).isZero();
    }

    @Test
    void a_failed_last_attempt_of_the_job_gives_the_notification_up() throws Exception {
        long id = failingNotification();
        lastAttempt = true;

        assertThatThrownBy(() -> notifications.deliver(id, channel -> "secret")).isInstanceOf(RuntimeException.class);

        assertThat(status(id)).isEqualTo(2);
        assertThat(jdbc.sql("select count(*) from notification_attempt where notification_id = :id")
                        .param("id", id)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void an_attempt_due_after_the_give_up_time_is_still_made_and_gives_the_notification_up_when_it_fails()
            throws Exception {
        long id = failingNotification();
        lastAttempt = false;
        // Its retry's wait (up to an hour) carried it past give-up-after.
        jdbc.sql("update notification set give_up_at = :past where notification_id = :id")
                .param("past", SqlTime.utc(Instant.now().minusSeconds(60)))
                .param("id", id)
                .update();

        notifications.deliver(id, channel -> "secret");

        assertThat(jdbc.sql("select count(*) from notification_attempt where notification_id = :id")
                        .param("id", id)
                        .query(Long.class)
                        .single())
                .as("the call is made")
                .isEqualTo(1);
        assertThat(status(id)).as("and, failed, was the last").isEqualTo(2);
    }

    @Test
    void a_notification_whose_job_died_gives_up_and_one_delivered_stays_delivered() throws Exception {
        long id = failingNotification();
        notifications.giveUp(id);
        assertThat(status(id)).isEqualTo(2);

        long delivered = failingNotification();
        jdbc.sql("update notification set status = 1 where notification_id = :id")
                .param("id", delivered)
                .update();
        notifications.giveUp(delivered);
        assertThat(status(delivered)).isEqualTo(1);
    }

    @Test
    void a_notification_that_gave_up_is_attempted_again_once_an_operator_sends_its_dead_job_back() throws Exception {
        long id = failingNotification();
        lastAttempt = true;
        assertThatThrownBy(() -> notifications.deliver(id, channel -> "secret")).isInstanceOf(RuntimeException.class);
        notifications.giveUp(id); // its job goes dead
        assertThat(status(id)).isEqualTo(2);

        notifications.reopen(id);
        assertThat(status(id)).as("pending again").isZero();
        Instant giveUpAt = jdbc.sql("select give_up_at from notification where notification_id = :id")
                .param("id", id)
                .query((rs, n) -> SqlTime.instant(rs, "give_up_at"))
                .single();
        assertThat(giveUpAt)
                .as("for another give-up-after")
                .isAfter(Instant.now().plus(Duration.ofHours(24)));
        lastAttempt = false;
        assertThatThrownBy(() -> notifications.deliver(id, channel -> "secret")).isInstanceOf(RuntimeException.class);
        assertThat(jdbc.sql("select count(*) from notification_attempt where notification_id = :id")
                        .param("id", id)
                        .query(Long.class)
                        .single())
                .as("the call is made again")
                .isEqualTo(2);

        long delivered = failingNotification();
        jdbc.sql("update notification set status = 1 where notification_id = :id")
                .param("id", delivered)
                .update();
        notifications.reopen(delivered);
        assertThat(status(delivered)).as("one delivered stays delivered").isEqualTo(1);
    }

    @Test
    void an_attempt_for_a_channel_this_nodes_catalog_does_not_know_fails_to_be_retried_and_sends_nothing_unsigned()
            throws Exception {
        long id = failingNotification();
        lastAttempt = false;

        assertThatThrownBy(() -> notifications.deliver(id, channel -> {
                    throw new IllegalStateException("channel " + channel + " is not in this node's catalog (yet)");
                }))
                .isInstanceOf(RuntimeException.class);

        assertThat(status(id)).isZero();
        assertThat(jdbc.sql("select error from notification_attempt where notification_id = :id")
                        .param("id", id)
                        .query(String.class)
                        .single())
                .contains("not in this node's catalog");
    }
}
