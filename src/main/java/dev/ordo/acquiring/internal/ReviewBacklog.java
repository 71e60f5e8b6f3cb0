package dev.ordo.acquiring.internal;

import dev.ordo.order.Orders;
import dev.ordo.shared.NodeCheck;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The units waiting for an operator's decision (MANUAL_REVIEW), counted on every node every
 * {@code ordo.acquiring.review.check} (default 30 s) and exported as
 * {@code ordo_acquiring_review_units} and {@code ordo_acquiring_review_oldest_seconds} (how long
 * the longest has waited), so that an alert can call an operator: a unit waits there for ever
 * unless a callback or an operator decides it, and its order's money stays held meanwhile.
 */
@Component
class ReviewBacklog extends NodeCheck {

    private final Orders orders;
    private final Clock clock;
    private volatile Orders.ReviewBacklog latest = new Orders.ReviewBacklog(0, null);

    ReviewBacklog(
            Orders orders,
            Clock clock,
            MeterRegistry meters,
            @Value("${ordo.acquiring.review.check:30s}") Duration checkEvery) {
        super("review-backlog", "ordo.acquiring.review.check", checkEvery);
        this.orders = orders;
        this.clock = clock;
        Gauge.builder("ordo.acquiring.review.units", this, b -> b.latest.units())
                .description("delivery units waiting for an operator's decision (status 140)")
                .register(meters);
        Gauge.builder("ordo.acquiring.review.oldest", this, ReviewBacklog::oldestSeconds)
                .description("how long the longest waiting unit has waited for an operator (0: none waits)")
                .baseUnit("seconds")
                .register(meters);
    }

    /** Counts the waiting units once. */
    @Override
    protected void check() {
        latest = orders.reviewBacklog();
    }

    private double oldestSeconds() {
        Instant oldest = latest.oldestSince();
        return oldest == null
                ? 0
                : Math.max(0, Duration.between(oldest, clock.instant()).toSeconds());
    }
}
