package dev.ordo.order.internal;

import dev.ordo.jobs.RecurringJob;
import dev.ordo.order.OrderEvent;
import dev.ordo.order.OrderEventSink;
import dev.ordo.shared.SqlTime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The outbox relay (SPEC K4): order events are written in the same transaction as the change they
 * describe; this timer hands the ones not yet published to every {@link OrderEventSink}, oldest
 * first, and marks them published. A sink that fails gets the same events on the next run: at least
 * once — but not those it took before the one that failed ({@link OrderEventSink.PartlyPublished}),
 * so that a message the broker keeps refusing does not have the ones before it sent again every run. Runs on one node at a time (it is a recurring job). Only exists when there is a sink.
 */
final class OrderEventRelay implements RecurringJob {

    private static final Logger log = LoggerFactory.getLogger(OrderEventRelay.class);
    private static final int BATCH = 500;

    private final JdbcClient jdbc;
    private final List<OrderEventSink> sinks;
    private final Clock clock;
    private final Duration interval;
    private final Counter published;

    /** When the sinks began failing (null: they work); a failure is logged when it starts and once a minute. */
    private Instant failingSince;

    private Instant failureLogged;

    private final Counter failures;

    /**
     * A sink that fails (a broker down for hours) is retried at every run, logged when it starts
     * failing and then once a minute with the backlog — not a stack trace a second.
     */
    private void unreachable(OrderEventSink sink, Exception e) {
        failures.increment();
        Instant now = clock.instant();
        if (failingSince == null) {
            failingSince = now;
        }
        if (failureLogged == null
                || !now.isBefore(failureLogged.plusSeconds(60))
                || failureLogged.isBefore(failingSince)) {
            failureLogged = now;
            long backlog = jdbc.sql("select count(*) from oms_order_event where published_at is null")
                    .query(Long.class)
                    .single();
            log.warn(
                    "order events not relayed to {} for {}: {}; {} events wait",
                    sink.name(),
                    Duration.between(failingSince, now),
                    e.toString(),
                    backlog);
        }
    }

    OrderEventRelay(JdbcClient jdbc, List<OrderEventSink> sinks, Clock clock, Duration interval, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.sinks = sinks;
        this.clock = clock;
        this.interval = interval;
        this.published = Counter.builder("ordo.order.events.published").register(meters);
        this.failures = Counter.builder("ordo.order.events.relay.failures")
                .description("relay runs a sink failed (the events are relayed again at the next run)")
                .register(meters);
    }

    @Override
    public String name() {
        return "oms:events:relay";
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public void run() throws Exception {
        while (true) {
            List<OrderEvent> events = jdbc.sql("select * from oms_order_event where published_at is null"
                            + " order by created_at, event_id limit " + BATCH)
                    .query(JdbcOrders::event)
                    .list();
            if (events.isEmpty()) {
                return;
            }
            // Marked published: the oldest events every sink took (all of them, unless one failed).
            int taken = events.size();
            for (OrderEventSink sink : sinks) {
                try {
                    sink.publish(events.subList(0, taken));
                } catch (OrderEventSink.PartlyPublished partly) {
                    unreachable(sink, partly);
                    taken = Math.min(taken, partly.taken());
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt(); // stopping: the same events at the next start
                    }
                    unreachable(sink, e);
                    taken = 0;
                }
                if (taken == 0) {
                    break;
                }
            }
            List<OrderEvent> relayed = events.subList(0, taken);
            if (!relayed.isEmpty()) {
                // By the primary key, (order_id, event_id).
                jdbc.sql("update oms_order_event set published_at = :now where (order_id, event_id) in (:keys)")
                        .param("now", SqlTime.utc(clock.instant()))
                        .param(
                                "keys",
                                relayed.stream()
                                        .map(e -> new Object[] {e.orderId(), e.eventId()})
                                        .toList())
                        .update();
                published.increment(relayed.size());
                log.debug("relayed {} order events", relayed.size());
            }
            if (taken < events.size()) {
                return; // the others again at the next run: at least once, in order
            }
            if (failingSince != null) {
                log.info(
                        "order events relayed again after {} of failures",
                        Duration.between(failingSince, clock.instant()));
                failingSince = null;
            }
            if (events.size() < BATCH) {
                return;
            }
        }
    }
}
