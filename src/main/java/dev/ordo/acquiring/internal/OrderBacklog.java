package dev.ordo.acquiring.internal;

import dev.ordo.acquiring.AcquiringQueues;
import dev.ordo.jobs.Jobs;
import dev.ordo.shared.ErrorCode;
import dev.ordo.shared.NodeCheck;
import dev.ordo.shared.OrdoException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Admission control for the intake: when accepted orders wait longer than
 * {@code ordo.acquiring.intake.max-wait} (default 120 s, {@code 0} turns it off) for their first
 * step, new orders are refused — 503, code 503, "repeat later with the same request_no" — until the
 * flow has caught up. An order accepted into a backlog it cannot reach before its
 * {@code order_overtime} would only fail later; refused now, the channel can send it elsewhere or
 * again. Repeats of existing orders are still answered. The wait is the age of the oldest due
 * {@code oms:order:bind} job on any node, probed every {@code ordo.acquiring.intake.max-wait-check}
 * (1 s) and exported as {@code ordo_acquiring_intake_wait_seconds}.
 */
@Component
class OrderBacklog extends NodeCheck {

    private final Jobs jobs;
    private final Clock clock;
    private final Duration maxWait;
    private volatile Duration waited = Duration.ZERO;

    OrderBacklog(
            Jobs jobs,
            Clock clock,
            MeterRegistry meters,
            @Value("${ordo.acquiring.intake.max-wait:120s}") Duration maxWait,
            @Value("${ordo.acquiring.intake.max-wait-check:1s}") Duration checkEvery) {
        super("order-backlog", "ordo.acquiring.intake.max-wait-check", checkEvery);
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("ordo.acquiring.intake.max-wait must be 0 (off) or positive");
        }
        this.jobs = jobs;
        this.clock = clock;
        this.maxWait = maxWait;
        Gauge.builder("ordo.acquiring.intake.wait", this, b -> b.waited.toMillis() / 1000.0)
                .description("how long the oldest accepted order has waited for its first step")
                .baseUnit("seconds")
                .register(meters);
    }

    /** The refusal a new order earns now, or null when the flow keeps up. */
    OrdoException refusal() {
        Duration now = waited;
        if (maxWait.isZero() || now.compareTo(maxWait) <= 0) {
            return null;
        }
        return new OrdoException(
                ErrorCode.UNAVAILABLE,
                "busy: accepted orders wait " + now.toSeconds() + " s for their first step, more than "
                        + maxWait.toSeconds()
                        + " s (ordo.acquiring.intake.max-wait); no new orders for now, repeat the request later with the same request_no");
    }

    /** Probes the order queue once. */
    @Override
    protected void check() {
        waited = jobs.oldestWaiting(AcquiringQueues.BIND)
                .map(since -> Duration.between(since, clock.instant()))
                .filter(d -> d.isPositive())
                .orElse(Duration.ZERO);
    }

    @Override
    protected boolean enabled() {
        return !maxWait.isZero();
    }
}
