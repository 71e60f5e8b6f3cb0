package dev.ordo.notify.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps a receiver that keeps failing from taking the notification workers from everyone else: per
 * channel and receiver (host and port), a circuit breaker (Resilience4j, ADR 0010) watches the last
 * {@code window} attempts; when at least half of them were made and 80 % went unanswered (a
 * timeout, a refused connection, a gateway's 502, 503 or 504), the attempts to that receiver are paused for
 * {@code openFor} — each one is answered at once, without a connection, and retried with backoff
 * like any failed attempt — then a single attempt probes it: a success resumes, a failure pauses
 * again. A dead receiver that answers every attempt only after the 10 s timeout would otherwise hold
 * a worker per attempt and delay every other channel's notifications behind it.
 *
 * <p>A receiver that answers, but slowly, holds workers just the same: once its answers typically
 * take {@code slowAfter} or more (a moving average of its last calls, timeouts included), or a call
 * to it has been waiting that long, at most {@code slowInFlight} attempts to it are in flight on this
 * node; an attempt beyond them is deferred — not made, and given a turn: the attempts deferred from
 * a receiver queue up behind its calls under way, one every (how slow it is ÷ {@code slowInFlight}),
 * which is the pace it takes them at, at most an hour ahead. A receiver that answers quickly is never
 * limited, however many notifications its channel has. The same limit holds for all the receivers
 * of one channel together, at {@code channelSlowInFlight}: a channel that gives each order a
 * {@code notify_url} on a host of its own, none of which ever answers, gets no more of the workers
 * than that, though each of its receivers sees only one call. The breakers, averages and turns are
 * per node, and forgotten an hour after their last use.
 */
final class Receivers {

    /** How far ahead a deferred attempt's turn may be: by then the receiver is measured again. */
    private static final long MAX_TURN_NANOS = TimeUnit.HOURS.toNanos(1);

    private final NotifyHttp http;
    private final CircuitBreakerConfig config;
    private final long slowAfterNanos;
    private final int slowInFlight;
    private final int channelSlowInFlight;
    private final Cache<String, Receiver> receivers = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterAccess(Duration.ofHours(1))
            .build();
    private final Cache<String, Pace> channels = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterAccess(Duration.ofHours(1))
            .build();

    /** One receiver of one channel, on this node: its breaker and its pace. */
    private record Receiver(CircuitBreaker breaker, Pace pace) {}

    /** How quickly calls to one receiver, or to all of one channel's, come back, on this node. */
    private static final class Pace {
        final AtomicInteger inFlight = new AtomicInteger();
        /** How long its answers take: each call moves it a quarter of the way to the call's duration. */
        final AtomicLong typicalNanos = new AtomicLong();
        /** When each call under way began ({@link System#nanoTime}), by a token of its own. */
        final Map<Object, Long> callsStarted = new ConcurrentHashMap<>();
        /** The last turn given to a deferred attempt ({@link System#nanoTime}). */
        final AtomicLong lastTurn = new AtomicLong(Long.MIN_VALUE);

        /**
         * The deferred attempt's turn: once the calls under way are done ({@code slowness} from now),
         * or one {@code pace} after the previous deferred attempt's, whichever is later.
         */
        long turn(long now, long slowness, long pace) {
            return lastTurn.accumulateAndGet(now, (last, at) -> nextTurn(last, at, slowness, pace, MAX_TURN_NANOS));
        }

        /**
         * How slow it is: the longer of how long its answers typically take and how long the oldest
         * call under way has been waiting — so a receiver never measured, or quick until now, counts
         * as slow as soon as one call has waited that long, not only once calls came back.
         */
        long slowness(long now) {
            long oldest = now;
            for (long started : callsStarted.values()) {
                oldest = Math.min(oldest, started);
            }
            return Math.max(typicalNanos.get(), now - oldest);
        }

        void started(Object call, long at) {
            callsStarted.put(call, at);
        }

        void ended(Object call, long took) {
            callsStarted.remove(call);
            if (took >= 0) {
                typicalNanos.accumulateAndGet(took, (before, now) -> before == 0 ? now : before + (now - before) / 4);
            }
        }
    }

    Receivers(
            NotifyHttp http,
            int window,
            Duration openFor,
            Duration slowAfter,
            int slowInFlight,
            int channelSlowInFlight) {
        if (window < 2 || openFor.isNegative() || openFor.isZero()) {
            throw new IllegalArgumentException("ordo.notify.breaker.window must be at least 2 and open-for positive");
        }
        if (slowAfter.isNegative() || slowAfter.isZero() || slowInFlight < 1 || channelSlowInFlight < slowInFlight) {
            throw new IllegalArgumentException("ordo.notify.slow-receiver.after must be positive, .in-flight at least 1"
                    + " and .channel-in-flight at least .in-flight");
        }
        this.http = http;
        this.slowAfterNanos = slowAfter.toNanos();
        this.slowInFlight = slowInFlight;
        this.channelSlowInFlight = channelSlowInFlight;
        this.config = CircuitBreakerConfig.custom()
                .slidingWindowType(SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(window)
                .minimumNumberOfCalls(Math.max(2, window / 2))
                .failureRateThreshold(80)
                .waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(1)
                // A safety net: a probe never answered (it always is) would not keep it half-open.
                .maxWaitDurationInHalfOpenState(Duration.ofMinutes(2))
                .build();
    }

    /**
     * Posts the form unless the receiver's breaker is open, or the receiver is slow and has its
     * share of this node's attempts in flight.
     */
    NotifyHttp.Outcome post(String channelNo, URI uri, String eventId, String payload) {
        String name = receiver(uri);
        Receiver receiver =
                receivers.get(channelNo + " " + name, key -> new Receiver(CircuitBreaker.of(key, config), new Pace()));
        Pace channel = channels.get(channelNo, key -> new Pace());
        int inFlight = receiver.pace.inFlight.incrementAndGet();
        int channelInFlight = channel.inFlight.incrementAndGet();
        try {
            NotifyHttp.Outcome deferred = deferred(receiver.pace, inFlight, slowInFlight, "from " + name, "to it");
            if (deferred == null) {
                deferred = deferred(
                        channel,
                        channelInFlight,
                        channelSlowInFlight,
                        "from the receivers of channel " + channelNo,
                        "to them");
            }
            return deferred != null ? deferred : call(receiver, channel, name, uri, eventId, payload);
        } finally {
            receiver.pace.inFlight.decrementAndGet();
            channel.inFlight.decrementAndGet();
        }
    }

    /** The attempt put off to its turn, when {@code pace} is slow with its share in flight; else null. */
    private NotifyHttp.Outcome deferred(Pace pace, int inFlight, int share, String from, String to) {
        long slowness = inFlight > share ? pace.slowness(System.nanoTime()) : 0;
        if (slowness < slowAfterNanos) {
            return null;
        }
        long now = System.nanoTime();
        long wait = pace.turn(now, slowness, slowness / share) - now;
        return new NotifyHttp.Outcome(
                null,
                null,
                "deferred: answers " + from + " take about " + TimeUnit.NANOSECONDS.toMillis(slowness) + " ms and "
                        + share + " attempts " + to + " are in flight; its turn is in "
                        + TimeUnit.NANOSECONDS.toMillis(wait) + " ms",
                false,
                Duration.ofNanos(wait));
    }

    private NotifyHttp.Outcome call(
            Receiver receiver, Pace channel, String name, URI uri, String eventId, String payload) {
        CircuitBreaker breaker = receiver.breaker;
        if (!breaker.tryAcquirePermission()) {
            return new NotifyHttp.Outcome(
                    null,
                    null,
                    "paused: the last attempts to " + name + " went unanswered; it is tried again shortly",
                    true,
                    null);
        }
        long started = System.nanoTime();
        Object call = new Object();
        receiver.pace.started(call, started);
        channel.started(call, started);
        NotifyHttp.Outcome outcome;
        try {
            outcome = http.post(uri, eventId, payload);
        } catch (Throwable e) {
            // Every permission taken is given back with a result: a probe without one would keep the
            // breaker half-open, the receiver paused.
            breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, e);
            receiver.pace.ended(call, -1);
            channel.ended(call, -1);
            throw e;
        }
        long took = System.nanoTime() - started;
        receiver.pace.ended(call, took);
        channel.ended(call, took);
        if (unanswered(outcome)) {
            breaker.onError(took, TimeUnit.NANOSECONDS, new IOException("unanswered"));
        } else {
            breaker.onSuccess(took, TimeUnit.NANOSECONDS);
        }
        return outcome;
    }

    /**
     * The turn of an attempt deferred at {@code now} after one given {@code last} ({@link Long#MIN_VALUE}
     * for none): a {@code pace} after it, but not before the calls under way are done, {@code
     * slowness} from now, and at most {@code cap} ahead — the cap is kept as the last turn, so a burst
     * larger than the receiver takes in {@code cap} does not push the turns of later deferrals
     * further and further out.
     */
    static long nextTurn(long last, long now, long slowness, long pace, long cap) {
        return Math.min(Math.max(last == Long.MIN_VALUE ? now : last + pace, now + slowness), now + cap);
    }

    /**
     * What costs a worker without an answer: no answer at all (a timeout, a refused or broken
     * connection), or a gateway's that stands for one (502, 503, 504). Any other answer came back at
     * once — a 404 for a wrong path is the channel's business and its retries, not a reason to pause
     * its other notifications.
     */
    static boolean unanswered(NotifyHttp.Outcome outcome) {
        Integer status = outcome.status();
        return status == null || status == 502 || status == 503 || status == 504;
    }

    /** {@code scheme://host:port} with the host in lower case and the scheme's port when none is given. */
    static String receiver(URI uri) {
        String scheme = uri.getScheme() == null ? "http" : uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return scheme + "://" + String.valueOf(uri.getHost()).toLowerCase(Locale.ROOT) + ":" + port;
    }
}
