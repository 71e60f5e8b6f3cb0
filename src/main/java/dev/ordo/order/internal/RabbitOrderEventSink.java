package dev.ordo.order.internal;

import dev.ordo.order.OrderEvent;
import dev.ordo.order.OrderEventSink;
import java.time.Duration;
import java.util.List;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes order events to a RabbitMQ topic exchange ({@code ordo.events}), routing key = event
 * type (e.g. {@code order.succeeded}, {@code unit.delivered}), persistent JSON messages with the event
 * id as message id, each batch confirmed by the broker before the relay marks it published.
 */
final class RabbitOrderEventSink implements OrderEventSink {

    private final RabbitTemplate rabbit;
    private final String exchange;
    private final JsonMapper json;
    private final RabbitAdmin admin;
    private volatile boolean declared;

    /** Declares nothing yet: a broker that is down must not keep a node from starting (SPEC K4). */
    RabbitOrderEventSink(RabbitTemplate rabbit, RabbitAdmin admin, String exchange, JsonMapper json) {
        this.rabbit = rabbit;
        this.admin = admin;
        this.exchange = exchange;
        this.json = json;
    }

    @Override
    public String name() {
        return "rabbitmq:" + exchange;
    }

    /**
     * Declares the exchange before the first publish and again after any failed one: a broker that
     * lost its exchange (replaced, its data gone, the exchange deleted by hand) would otherwise refuse
     * every later publish, and the outbox grow until every node restarted.
     */
    @Override
    public void publish(List<OrderEvent> events) {
        if (!declared) {
            admin.declareExchange(new TopicExchange(exchange, true, false));
            declared = true;
        }
        try {
            send(events);
        } catch (RuntimeException e) {
            declared = false;
            throw e;
        }
    }

    private void send(List<OrderEvent> events) {
        rabbit.invoke(operations -> {
            for (OrderEvent event : events) {
                MessageProperties properties = new MessageProperties();
                properties.setContentType("application/json");
                properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
                properties.setMessageId("order-event-" + event.eventId());
                operations.send(exchange, event.type(), new Message(json.writeValueAsBytes(event), properties));
            }
            operations.waitForConfirmsOrDie(Duration.ofSeconds(30).toMillis());
            return null;
        });
    }
}
