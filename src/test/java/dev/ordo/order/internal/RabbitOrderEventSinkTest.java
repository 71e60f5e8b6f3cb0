package dev.ordo.order.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ordo.order.OrderEvent;
import dev.ordo.order.OrderEventSink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** SPEC K4: order events externalised to RabbitMQ (the local broker, 127.0.0.1:5672, guest/guest). */
class RabbitOrderEventSinkTest {

    @Test
    void events_arrive_on_the_topic_exchange_routed_by_type_with_their_event_id() throws Exception {
        CachingConnectionFactory connections = localBroker();
        try {
            RabbitTemplate rabbit = new RabbitTemplate(connections);
            RabbitAdmin admin = new RabbitAdmin(connections);
            JsonMapper json = JsonMapper.builder().build();
            String exchange = "ordo.events.test";
            RabbitOrderEventSink sink = new RabbitOrderEventSink(rabbit, admin, exchange, json);
            // A consumer declares the exchange it binds to (the sink declares it at its first publish).
            admin.declareExchange(new TopicExchange(exchange, true, false));
            Queue queue = new Queue("ordo-test-" + UUID.randomUUID(), false, false, false);
            admin.declareQueue(queue);
            admin.declareBinding(
                    BindingBuilder.bind(queue).to(new TopicExchange(exchange)).with("order.#"));

            Instant now = Instant.now();
            sink.publish(List.of(
                    new OrderEvent(11, 7, null, null, "order.accepted", null, 1000, null, now),
                    new OrderEvent(12, 7, 3L, null, "unit.delivered", 120, 200, "submitted: R0000", now),
                    new OrderEvent(13, 7, null, null, "order.succeeded", 1020, 9000, "2 of 2", now)));

            List<Message> received = new ArrayList<>();
            for (Message m = rabbit.receive(queue.getName(), 5_000);
                    m != null;
                    m = rabbit.receive(queue.getName(), 500)) {
                received.add(m);
            }
            assertThat(received)
                    .extracting(m -> m.getMessageProperties().getReceivedRoutingKey())
                    .containsExactly("order.accepted", "order.succeeded");
            JsonNode body = json.readTree(received.get(1).getBody());
            assertThat(
                            body.get("orderId") == null
                                    ? body.get("order_id").asLong()
                                    : body.get("orderId").asLong())
                    .isEqualTo(7);
            assertThat(received.get(1).getMessageProperties().getMessageId()).isEqualTo("order-event-13");
            admin.deleteQueue(queue.getName());
            admin.deleteExchange(exchange);
        } finally {
            connections.destroy();
        }
    }

    @Test
    void an_exchange_the_broker_lost_is_declared_again_after_the_publish_that_failed_on_it() throws Exception {
        CachingConnectionFactory connections = localBroker();
        try {
            RabbitAdmin admin = new RabbitAdmin(connections);
            String exchange = "ordo.events.lost-" + UUID.randomUUID();
            RabbitTemplate rabbit = new RabbitTemplate(connections);
            RabbitOrderEventSink sink = new RabbitOrderEventSink(
                    rabbit, admin, exchange, JsonMapper.builder().build());
            List<OrderEvent> events =
                    List.of(new OrderEvent(21, 9, null, null, "order.accepted", null, 1000, null, Instant.now()));
            sink.publish(events);

            admin.deleteExchange(exchange); // the broker loses it (replaced, its data gone)

            // The broker refuses a publish to it by closing the channel, whether or not that close
            // arrives before the publish waits for its confirms: the publish fails, every time, and
            // the relay keeps the events and tries again. (Confirms awaited on the channel as a whole
            // were once awaited on a fresh channel the closed one was silently replaced by, with
            // nothing outstanding: a "confirmed" batch the broker had dropped.)
            List<OrderEvent> batch = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                batch.add(new OrderEvent(100 + i, 9, null, null, "order.accepted", null, 1000, null, Instant.now()));
            }
            assertThatThrownBy(() -> sink.publish(events))
                    .as("a publish to the lost exchange")
                    .isInstanceOf(AmqpException.class);
            for (int attempt = 0; attempt < 5; attempt++) {
                publishedAgain(sink, events); // declares it again after the failure
                admin.deleteExchange(exchange); // and the broker loses it again
                assertThatThrownBy(() -> sink.publish(batch))
                        .as("attempt " + attempt + " to publish 50 events to the lost exchange")
                        .isInstanceOf(AmqpException.class);
            }
            publishedAgain(sink, events);
            assertThatCode(() -> rabbit.execute(channel -> channel.exchangeDeclarePassive(exchange)))
                    .as("declared again")
                    .doesNotThrowAnyException();
            admin.deleteExchange(exchange);
        } finally {
            connections.destroy();
        }
    }

    /**
     * The relay's next runs after a failed publish: the first succeeds, or — when the broker's close
     * of the failed publish's channel reaches Spring AMQP's channel cache just as the next publish
     * takes that channel, which then fails too (a NullPointerException inside RabbitTemplate) — the
     * one after it.
     */
    private static void publishedAgain(RabbitOrderEventSink sink, List<OrderEvent> events) {
        for (int run = 1; ; run++) {
            try {
                sink.publish(events);
                return;
            } catch (AmqpException | OrderEventSink.PartlyPublished e) {
                if (run == 3) {
                    throw new AssertionError("not published in three runs after a failed one", e);
                }
            }
        }
    }

    @Test
    void a_broker_that_is_down_does_not_keep_the_sink_from_being_made_and_publishing_fails_until_it_is_up() {
        CachingConnectionFactory nowhere = new CachingConnectionFactory("127.0.0.1", 1);
        nowhere.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        try {
            RabbitOrderEventSink sink = new RabbitOrderEventSink(
                    new RabbitTemplate(nowhere),
                    new RabbitAdmin(nowhere),
                    "ordo.events.down",
                    JsonMapper.builder().build());
            assertThatThrownBy(() -> sink.publish(List.of(
                            new OrderEvent(1, 1, null, null, "order.accepted", null, 1000, null, Instant.now()))))
                    .isInstanceOf(AmqpException.class);
        } finally {
            nowhere.destroy();
        }
    }

    @Test
    void a_sink_without_correlated_confirms_is_refused_at_start_not_left_waiting_for_confirms_that_never_come() {
        CachingConnectionFactory simple = new CachingConnectionFactory("127.0.0.1", 5672);
        simple.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.SIMPLE);
        try {
            assertThatThrownBy(() -> new RabbitOrderEventSink(
                            new RabbitTemplate(simple),
                            new RabbitAdmin(simple),
                            "ordo.events.simple",
                            JsonMapper.builder().build()))
                    .hasMessageContaining("publisher-confirm-type=correlated");
        } finally {
            simple.destroy();
        }
    }

    /** The local broker, publishes confirmed as the relay's are. */
    private static CachingConnectionFactory localBroker() {
        CachingConnectionFactory connections = new CachingConnectionFactory("127.0.0.1", 5672);
        connections.setUsername("guest");
        connections.setPassword("guest");
        connections.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        return connections;
    }
}
