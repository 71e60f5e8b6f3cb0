package dev.ordo.notify;

import dev.ordo.jobs.JobQueue;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Sends notifications to channels; see the package documentation. */
public interface Notifications {

    /** The payload of a notification job. */
    record NotificationRef(long notificationId) {}

    /**
     * Refuses (4xx) a URL that is not http(s), is too long, or names a loopback, link-local or
     * private address literally, unless allowed by {@code ordo.notify.allow-private-targets} or
     * {@code ordo.notify.allowed-hosts}. Host names are resolved and checked again when sending.
     */
    void checkUrl(String url);

    /**
     * Records a notification and enqueues its delivery on {@code queue}, in the caller's
     * transaction. Idempotent on {@code eventId}. The form gets {@code event_id}; {@code timestamp}
     * and {@code sign} are added at each attempt (see {@link #deliver}). A URL that is no longer
     * acceptable (see {@link #checkUrl}) is refused with an {@code OrdoException}, nothing recorded.
     */
    void send(JobQueue<NotificationRef> queue, String eventId, String channelNo, String url, Map<String, String> form);

    /**
     * A channel's current signing secret; null or empty for a channel whose notifications go unsigned.
     * Throws for a channel it does not know (yet: a node's catalog may lag): that attempt fails and is
     * retried, rather than sent unsigned.
     */
    @FunctionalInterface
    interface Secrets {
        String of(String channelNo);
    }

    /**
     * One delivery attempt, logged: the form stamped with the attempt's time ({@code timestamp}) and
     * signed with the channel's secret as it is now. Returns normally when delivered, or when the
     * notification gave up (after {@code ordo.notify.give-up-after}, 25 h by default); throws to be
     * retried with backoff. Run by a job's worker: an attempt to a slow receiver that has its share of
     * attempts under way is not made but put off to its turn ({@link dev.ordo.jobs.RunningJob#runAgainAt}),
     * without an attempt recorded or counted.
     */
    void deliver(long notificationId, Secrets secrets);

    /**
     * The notification's job died (its attempts ran out, its node stopped during the last one): a
     * notification still pending gives up, as it would at its last failed attempt.
     */
    void giveUp(long notificationId);

    /**
     * An operator sent the notification's dead job back to its queue: a notification that gave up is
     * pending again, retried for another {@code ordo.notify.give-up-after} from now, its attempts so
     * far kept. One delivered stays delivered.
     */
    void reopen(long notificationId);

    Optional<Notification> find(String eventId);

    List<Attempt> attempts(long notificationId);

    record Notification(
            long notificationId,
            String eventId,
            String channelNo,
            String url,
            String payload,
            Status status,
            int attempts,
            Instant createdAt,
            Instant deliveredAt) {}

    enum Status {
        PENDING,
        DELIVERED,
        GAVE_UP
    }

    record Attempt(
            int attempt, Instant attemptedAt, Integer httpStatus, String response, String error, long durationMs) {}
}
