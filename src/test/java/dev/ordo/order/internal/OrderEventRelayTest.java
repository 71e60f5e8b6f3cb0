package dev.ordo.order.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ordo.order.OrderEvent;
import dev.ordo.order.OrderEventSink;
import dev.ordo.shared.SqlTime;
import dev.ordo.testing.DatabaseTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** SPEC K4: the outbox relay hands every unpublished event to the sinks, oldest first, at least once. */
@DatabaseTest
class OrderEventRelayTest {

    @Autowired
    JdbcClient jdbc;

    private final long orderId = 9_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000L);

    private void outboxRow(long eventId, String type, Instant at) {
        jdbc.sql("""
                        insert into oms_order_event (event_id, order_id, event_type, reason, created_at, published_at)
                        values (:id, :order, :type, 'test', :at, null)""")
                .param("id", eventId)
                .param("order", orderId)
                .param("type", type)
                .param("at", SqlTime.utc(at))
                .update();
    }

    private List<OrderEvent> mine(List<OrderEvent> events) {
        return events.stream().filter(e -> e.orderId() == orderId).toList();
    }

    @Test
    void unpublished_events_reach_every_sink_in_order_once_the_sinks_accept_them() throws Exception {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        outboxRow(orderId, "order.accepted", t);
        outboxRow(orderId + 1, "order.bound", t.plusSeconds(1));
        outboxRow(orderId + 2, "order.succeeded", t.plusSeconds(2));
        List<OrderEvent> received = new ArrayList<>();
        OrderEventSink failing = new OrderEventSink() {
            @Override
            public String name() {
                return "down";
            }

            @Override
            public void publish(List<OrderEvent> events) throws IOException {
                throw new IOException("broker down"); // a checked exception, as a sink may throw
            }
        };
        OrderEventSink recording = recording(received);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        OrderEventRelay broken =
                new OrderEventRelay(jdbc, List.of(failing), Clock.systemUTC(), Duration.ofSeconds(1), meters);
        Logger relayLog = (Logger) LoggerFactory.getLogger(OrderEventRelay.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        relayLog.addAppender(logged);
        try {
            // A broker down for a while: every run tries again, and the failure is logged once a minute.
            broken.run();
            broken.run();
            broken.run();
        } finally {
            relayLog.detachAppender(logged);
        }
        assertThat(unpublished())
                .as("nothing is marked published when a sink fails")
                .isEqualTo(3);
        assertThat(meters.counter("ordo.order.events.relay.failures").count()).isEqualTo(3);
        assertThat(logged.list)
                .filteredOn(event -> event.getLevel() == Level.WARN)
                .singleElement()
                .satisfies(event -> assertThat(event.getFormattedMessage())
                        .contains("not relayed to down")
                        .contains("broker down")
                        .contains("events wait"));

        relay(recording);
        assertThat(mine(received))
                .extracting(OrderEvent::type)
                .containsExactly("order.accepted", "order.bound", "order.succeeded");
        assertThat(unpublished()).isZero();

        received.clear();
        relay(recording);
        assertThat(mine(received)).as("published events are not sent again").isEmpty();
    }

    @Test
    void a_message_the_broker_refuses_holds_back_itself_and_the_later_ones_but_not_those_taken_before_it()
            throws Exception {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        outboxRow(orderId, "order.accepted", t);
        outboxRow(orderId + 1, "order.bound", t.plusSeconds(1));
        outboxRow(orderId + 2, "order.succeeded", t.plusSeconds(2));
        List<OrderEvent> taken = new ArrayList<>();
        OrderEventSink refusingBound = new OrderEventSink() {
            @Override
            public String name() {
                return "refusing";
            }

            @Override
            public void publish(List<OrderEvent> events) throws PartlyPublished {
                for (int i = 0; i < events.size(); i++) {
                    OrderEvent event = events.get(i);
                    if (event.orderId() == orderId && event.type().equals("order.bound")) {
                        throw new PartlyPublished(i, new IOException("the broker did not take it"));
                    }
                    taken.add(event);
                }
            }
        };
        relay(refusingBound);
        assertThat(mine(taken)).extracting(OrderEvent::type).containsExactly("order.accepted");
        assertThat(unpublished()).as("the refused one and the one after it").isEqualTo(2);

        List<OrderEvent> received = new ArrayList<>();
        OrderEventSink recording = recording(received);
        relay(recording);
        assertThat(mine(received))
                .as("the one taken before is not sent again")
                .extracting(OrderEvent::type)
                .containsExactly("order.bound", "order.succeeded");
        assertThat(unpublished()).isZero();
    }

    /** A sink that keeps every event it is handed. */
    private static OrderEventSink recording(List<OrderEvent> received) {
        return new OrderEventSink() {
            @Override
            public String name() {
                return "recording";
            }

            @Override
            public void publish(List<OrderEvent> events) {
                received.addAll(events);
            }
        };
    }

    /** One run of the relay to this sink alone. */
    private void relay(OrderEventSink sink) throws Exception {
        new OrderEventRelay(jdbc, List.of(sink), Clock.systemUTC(), Duration.ofSeconds(1), new SimpleMeterRegistry())
                .run();
    }

    private long unpublished() {
        return jdbc.sql("select count(*) from oms_order_event where order_id = :o and published_at is null")
                .param("o", orderId)
                .query(Long.class)
                .single();
    }
}
