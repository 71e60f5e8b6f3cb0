package dev.ordo.order.internal;

import dev.ordo.jobs.RecurringJob;
import dev.ordo.order.OrderEvent;
import dev.ordo.order.OrderEventSink;
import dev.ordo.shared.SqlTime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The outbox relay (SPEC K4): order events are written in the same transaction as the change they
 * describe; this timer hands the ones not yet published to every {@link OrderEventSink}, oldest
 * first, and marks them published. A sink that fails gets the same events on the next run: at least
 * once. Runs on one node at a time (it is a recurring job). Only exists when there is a sink.
 */
final class OrderEventRelay implements RecurringJob {

    private static final Logger log = LoggerFactory.getLogger(OrderEventRelay.class);
    private static final int BATCH = 500;

    private final JdbcClient jdbc;
    private final List<OrderEventSink> sinks;
    private final Clock clock;
    private final Duration interval;
    private final Counter published;

    OrderEventRelay(JdbcClient jdbc, List<OrderEventSink> sinks, Clock clock, Duration interval, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.sinks = sinks;
        this.clock = clock;
        this.interval = interval;
        this.published = Counter.builder("ordo.order.events.published").register(meters);
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
            for (OrderEventSink sink : sinks) {
                sink.publish(events);
            }
            // By the primary key, (order_id, event_id).
            jdbc.sql("update oms_order_event set published_at = :now where (order_id, event_id) in (:keys)")
                    .param("now", SqlTime.utc(clock.instant()))
                    .param(
                            "keys",
                            events.stream()
                                    .map(e -> new Object[] {e.orderId(), e.eventId()})
                                    .toList())
                    .update();
            published.increment(events.size());
            log.debug("relayed {} order events", events.size());
            if (events.size() < BATCH) {
                return;
            }
        }
    }
}
