package dev.ordo.notify.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a receiver that keeps failing from taking the notification workers from everyone else: per
 * channel and receiver (host and port), a circuit breaker (Resilience4j, ADR 0010) watches the last
 * {@code window} attempts; when at least half of them were made and 80 % failed (no 2xx: an error
 * status, a timeout, a refused connection), the attempts to that receiver are paused for
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
                .build();
    }

    /** Posts the form unless the receiver's breaker is open; never throws. */
    NotifyHttp.Outcome post(String channelNo, URI uri, String eventId, String payload) {
        String receiver = uri.getHost() + ":" + uri.getPort();
        CircuitBreaker breaker = breakers.get(channelNo + " " + receiver, name -> CircuitBreaker.of(name, config));
        if (!breaker.tryAcquirePermission()) {
            return new NotifyHttp.Outcome(
                    null,
                    null,
                    "paused: the last attempts to " + receiver + " failed; tried again once "
                            + config.getWaitIntervalFunctionInOpenState().apply(1) + " ms have passed",
                    true);
        }
        long started = System.nanoTime();
        NotifyHttp.Outcome outcome;
        try {
            outcome = http.post(uri, eventId, payload);
        } catch (RuntimeException e) {
            breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, e);
            throw e;
        }
        long took = System.nanoTime() - started;
        if (outcome.received()) {
            breaker.onSuccess(took, TimeUnit.NANOSECONDS);
        } else {
            breaker.onError(took, TimeUnit.NANOSECONDS, new IOException("not received"));
        }
        return outcome;
    }
}
