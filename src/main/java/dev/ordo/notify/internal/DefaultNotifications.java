package dev.ordo.notify.internal;

import dev.ordo.apilog.ApiCall;
import dev.ordo.apilog.ApiCallKind;
import dev.ordo.apilog.ApiLog;
import dev.ordo.jobs.JobQueue;
import dev.ordo.jobs.Jobs;
import dev.ordo.jobs.RunningJob;
import dev.ordo.notify.Notifications;
import dev.ordo.shared.Ids;
import dev.ordo.shared.Signatures;
import dev.ordo.shared.SqlText;
import dev.ordo.shared.SqlTime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** Notifications on JDBC and {@link NotifyHttp}; see {@link Notifications}. */
@Service
class DefaultNotifications implements Notifications, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(DefaultNotifications.class);

    private final JdbcClient jdbc;
    private final Jobs jobs;
    private final Ids ids;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final NotifyTargets targets;
    private final Duration giveUpAfter;
    private final Counter delivered;
    private final Counter failedAttempts;
    private final NotifyHttp http;
    private final Receivers receivers;
    private final Counter paused;
    private final Counter deferred;
    private final ApiLog apiLog;

    DefaultNotifications(
            JdbcClient jdbc,
            Jobs jobs,
            Ids ids,
            Clock clock,
            TransactionTemplate tx,
            MeterRegistry meters,
            ApiLog apiLog,
            @Value("${ordo.notify.allow-private-targets:false}") boolean allowPrivate,
            @Value("${ordo.notify.allowed-hosts:}") String allowedHosts,
            @Value("${ordo.notify.give-up-after:25h}") Duration giveUpAfter,
            @Value("${ordo.notify.timeout:10s}") Duration timeout,
            @Value("${ordo.notify.breaker.window:10}") int breakerWindow,
            @Value("${ordo.notify.breaker.open-for:30s}") Duration breakerOpenFor,
            @Value("${ordo.notify.slow-receiver.after:2s}") Duration slowAfter,
            @Value("${ordo.notify.slow-receiver.in-flight:4}") int slowInFlight,
            @Value("${ordo.notify.slow-receiver.channel-in-flight:8}") int channelSlowInFlight) {
        this.jdbc = jdbc;
        this.jobs = jobs;
        this.ids = ids;
        this.clock = clock;
        this.tx = tx;
        this.apiLog = apiLog;
        this.targets = new NotifyTargets(
                allowPrivate,
                Arrays.stream(allowedHosts.split(","))
                        .map(String::strip)
                        .filter(h -> !h.isEmpty())
                        .map(String::toLowerCase)
                        .collect(Collectors.toUnmodifiableSet()));
        this.giveUpAfter = giveUpAfter;
        this.http = new NotifyHttp(targets, timeout);
        this.receivers =
                new Receivers(http, breakerWindow, breakerOpenFor, slowAfter, slowInFlight, channelSlowInFlight);
        this.paused = Counter.builder("ordo.notify.paused.attempts")
                .description("Notification attempts not made: the receiver kept failing (ordo.notify.breaker.*)")
                .register(meters);
        this.deferred = Counter.builder("ordo.notify.deferred")
                .description("Notifications put off to their turn, without an attempt: the receiver was slow with its"
                        + " share of attempts in flight (ordo.notify.slow-receiver.*)")
                .register(meters);
        this.delivered = Counter.builder("ordo.notify.delivered").register(meters);
        this.failedAttempts = Counter.builder("ordo.notify.failed.attempts").register(meters);
    }

    @Override
    public void checkUrl(String url) {
        targets.check(url);
    }

    @Override
    public void send(
            JobQueue<NotificationRef> queue, String eventId, String channelNo, String url, Map<String, String> form) {
        targets.check(url);
        if (find(eventId).isPresent()) {
            return;
        }
        Instant now = clock.instant();
        Map<String, String> fields = new LinkedHashMap<>(form);
        fields.put("event_id", eventId);
        long id = ids.next("notification");
        jdbc.sql("""
                        insert into notification (notification_id, event_id, channel_no, url, payload, status, attempts,
                            created_at, give_up_at)
                        values (:id, :event, :channel, :url, :payload, 0, 0, :now, :giveUp)""")
                .param("id", id)
                .param("event", eventId)
                .param("channel", channelNo)
                .param("url", url)
                .param("payload", encode(fields))
                .param("now", SqlTime.utc(now))
                .param("giveUp", SqlTime.utc(now.plus(giveUpAfter)))
                .update();
        jobs.enqueue(queue, "n" + id, new NotificationRef(id));
    }

    @Override
    public void deliver(long notificationId, Secrets secrets) {
        Row n = row(notificationId).orElse(null);
        if (n == null || n.status() != 0) {
            return;
        }
        // Attempted even after give-up-after: a retry's wait (up to an hour) may carry it past, and
        // the notification is retried until an attempt at or after give-up-after has failed.
        Instant started = clock.instant();
        NotifyHttp.Outcome outcome;
        String payload = null;
        long clockStart = System.nanoTime();
        try {
            URI uri = targets.check(n.url());
            payload = signed(n, secrets.of(n.channelNo()), started);
            outcome = receivers.post(n.channelNo(), uri, n.eventId(), payload);
        } catch (RuntimeException e) {
            outcome = new NotifyHttp.Outcome(null, null, e.getMessage());
        }
        if (outcome.deferred()) {
            // Not an attempt: no call was made and the receiver did nothing wrong. The job waits for
            // the receiver's turn without counting one, and nothing is written.
            String why = outcome.error();
            RunningJob job = jobs.running()
                    .orElseThrow(() -> new IllegalStateException("notification " + n.eventId() + " " + why));
            job.runAgainAt(started.plus(outcome.deferredFor()));
            deferred.increment();
            log.debug("notification {} to {} {}", n.eventId(), ApiCall.endpointOf(n.url()), outcome.error());
            return;
        }
        if (outcome.paused()) {
            paused.increment();
        } else {
            // A paused attempt made no call: it is in notification_attempt, not in the API log.
            try {
                apiLog.record(ApiCall.of(
                        started,
                        ApiCallKind.NOTIFICATION,
                        n.channelNo(),
                        ApiCall.endpointOf(n.url()),
                        decode(n.payload()).get("request_no"),
                        payload,
                        outcome.status(),
                        outcome.error() == null ? outcome.answer() : outcome.error(),
                        (System.nanoTime() - clockStart) / 1_000_000));
            } catch (RuntimeException e) {
                // the attempt is recorded below whether or not the API log took it
            }
        }
        Integer status = outcome.status();
        String response = outcome.answer();
        String error = outcome.error();
        boolean ok = outcome.received();
        long duration = Duration.between(started, clock.instant()).toMillis();
        Integer httpStatus = status;
        String body = truncate(response);
        String failure = truncate(error);
        int attempt = tx.execute(s -> {
            // Counted on the row, under its lock, and numbered from it: two workers on one
            // notification (a job taken over while its call was under way) number their attempts
            // apart. Only a pending notification becomes delivered; the set clauses read the old
            // status in this order on every database (MariaDB applies them left to right).
            jdbc.sql("""
                            update notification
                               set delivered_at = case when :ok = 1 and status = 0 then :at else delivered_at end,
                                   status = case when :ok = 1 and status = 0 then 1 else status end,
                                   attempts = attempts + 1
                             where notification_id = :id""")
                    .param("ok", ok ? 1 : 0)
                    .param("at", SqlTime.utc(started))
                    .param("id", notificationId)
                    .update();
            int number = jdbc.sql("select attempts from notification where notification_id = :id")
                    .param("id", notificationId)
                    .query(Integer.class)
                    .single();
            jdbc.sql("""
                            insert into notification_attempt (attempt_id, notification_id, attempt, attempted_at,
                                http_status, response, error, duration_ms)
                            values (:id, :notification, :attempt, :at, :status, :response, :error, :duration)""")
                    .param("id", ids.next("notification_attempt"))
                    .param("notification", notificationId)
                    .param("attempt", number)
                    .param("at", SqlTime.utc(started))
                    .param("status", httpStatus)
                    .param("response", body)
                    .param("error", failure)
                    .param("duration", duration)
                    .update();
            return number;
        });
        if (ok) {
            delivered.increment();
            return;
        }
        failedAttempts.increment();
        if (!outcome.paused() && !started.isBefore(n.giveUpAt())) {
            // A call made at or after give-up-after failed: that was the last.
            giveUp(notificationId, n.eventId(), n.url(), attempt);
            return;
        }
        if (jobs.running().map(RunningJob::lastAttempt).orElse(false)) {
            // The queue's attempts ran out before give-up-after (a queue configured with fewer or
            // shorter retries): the notification gives up with its job instead of staying pending.
            giveUp(notificationId, n.eventId(), n.url(), attempt);
        }
        throw new IllegalStateException("notification " + n.eventId() + " attempt " + attempt + " failed: "
                + (httpStatus != null ? "HTTP " + httpStatus : failure));
    }

    @Override
    public void giveUp(long notificationId) {
        row(notificationId).ifPresent(n -> giveUp(notificationId, n.eventId(), n.url(), n.attempts()));
    }

    @Override
    public void reopen(long notificationId) {
        int reopened = jdbc.sql(
                        "update notification set status = 0, give_up_at = :giveUp where notification_id = :id and status = 2")
                .param("giveUp", SqlTime.utc(clock.instant().plus(giveUpAfter)))
                .param("id", notificationId)
                .update();
        if (reopened == 1) {
            log.info(
                    "notification {} sent back by an operator: retried until {} from now", notificationId, giveUpAfter);
        }
    }

    private void giveUp(long notificationId, String eventId, String url, int attempts) {
        jdbc.sql("update notification set status = 2 where notification_id = :id and status = 0")
                .param("id", notificationId)
                .update();
        log.warn("notification {} to {} gave up after {} attempts", eventId, ApiCall.endpointOf(url), attempts);
    }

    private record Row(
            String eventId, String channelNo, String url, String payload, int status, int attempts, Instant giveUpAt) {}

    private Optional<Row> row(long notificationId) {
        return jdbc.sql("select * from notification where notification_id = :id")
                .param("id", notificationId)
                .query((rs, n) -> new Row(
                        rs.getString("event_id"),
                        rs.getString("channel_no"),
                        rs.getString("url"),
                        rs.getString("payload"),
                        rs.getInt("status"),
                        rs.getInt("attempts"),
                        SqlTime.instant(rs, "give_up_at")))
                .optional();
    }

    @Override
    public Optional<Notification> find(String eventId) {
        return jdbc.sql("select * from notification where event_id = :event")
                .param("event", eventId)
                .query((rs, n) -> new Notification(
                        rs.getLong("notification_id"),
                        rs.getString("event_id"),
                        rs.getString("channel_no"),
                        rs.getString("url"),
                        rs.getString("payload"),
                        Status.values()[rs.getInt("status")],
                        rs.getInt("attempts"),
                        SqlTime.instant(rs, "created_at"),
                        SqlTime.instant(rs, "delivered_at")))
                .optional();
    }

    @Override
    public List<Attempt> attempts(long notificationId) {
        return jdbc.sql("select * from notification_attempt where notification_id = :id order by attempt")
                .param("id", notificationId)
                .query((rs, n) -> new Attempt(
                        rs.getInt("attempt"),
                        SqlTime.instant(rs, "attempted_at"),
                        (Integer) rs.getObject("http_status", Integer.class),
                        rs.getString("response"),
                        rs.getString("error"),
                        rs.getLong("duration_ms")))
                .list();
    }

    /**
     * The form as sent now: stamped with this attempt's time and signed with the channel's current
     * secret, so that a receiver checking the signature's time window accepts a late retry, and a
     * replaced secret signs what is still pending. (Rows written before 2026-11-30 carry the
     * creation's {@code timestamp} and {@code sign}: both are replaced.)
     */
    private static String signed(Row n, String secret, Instant now) {
        Map<String, String> fields = decode(n.payload());
        fields.remove(Signatures.SIGN);
        fields.put("timestamp", Long.toString(now.getEpochSecond()));
        if (secret != null && !secret.isEmpty()) {
            fields.put(Signatures.SIGN, Signatures.sign(secret, fields));
        }
        return encode(fields);
    }

    private static String encode(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static Map<String, String> decode(String payload) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : payload.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return fields;
    }

    @Override
    public void destroy() throws IOException {
        http.close();
    }

    /** At most 500 characters of a receiver's answer or of an error, storable on every database (no NUL). */
    private static String truncate(String text) {
        return SqlText.storable(text == null || text.length() <= 500 ? text : text.substring(0, 500));
    }
}
