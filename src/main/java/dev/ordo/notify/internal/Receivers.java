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
import java.util.concurrent.TimeUnit;

/**
 * Keeps a receiver that keeps failing from taking the notification workers from everyone else: per
 * channel and receiver (host and port), a circuit breaker (Resilience4j, ADR 0010) watches the last
 * {@code window} attempts; when at least half of them were made and 80 % went unanswered (a
 * timeout, a refused connection, a gateway's 502, 503 or 504), the attempts to that receiver are paused for
 * {@code openFor} — each one is answered at once, without a connection, and retried with backoff
 * like any failed attempt — then a single attempt probes it: a success resumes, a failure pauses
 * again. A dead receiver that answers every attempt only after the 10 s timeout would otherwise hold
 * a worker per attempt and delay every other channel's notifications behind it. The breakers are
 * per node, and forgotten an hour after their last use.
 */
final class Receivers {

    private final NotifyHttp http;
    private final CircuitBreakerConfig config;
    private final Cache<String, CircuitBreaker> breakers = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterAccess(Duration.ofHours(1))
            .build();

    Receivers(NotifyHttp http, int window, Duration openFor) {
        if (window < 2 || openFor.isNegative() || openFor.isZero()) {
            throw new IllegalArgumentException("ordo.notify.breaker.window must be at least 2 and open-for positive");
        }
        this.http = http;
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

    /** Posts the form unless the receiver's breaker is open. */
    NotifyHttp.Outcome post(String channelNo, URI uri, String eventId, String payload) {
        String receiver = receiver(uri);
        CircuitBreaker breaker = breakers.get(channelNo + " " + receiver, name -> CircuitBreaker.of(name, config));
        if (!breaker.tryAcquirePermission()) {
            return new NotifyHttp.Outcome(
                    null,
                    null,
                    "paused: the last attempts to " + receiver + " went unanswered; it is tried again shortly",
                    true);
        }
        long started = System.nanoTime();
        NotifyHttp.Outcome outcome;
        try {
            outcome = http.post(uri, eventId, payload);
        } catch (Throwable e) {
            // Every permission taken is given back with a result: a probe without one would keep the
            // breaker half-open, the receiver paused.
            breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, e);
            throw e;
        }
        long took = System.nanoTime() - started;
        if (unanswered(outcome)) {
            breaker.onError(took, TimeUnit.NANOSECONDS, new IOException("unanswered"));
        } else {
            breaker.onSuccess(took, TimeUnit.NANOSECONDS);
        }
        return outcome;
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
