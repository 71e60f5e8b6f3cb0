package dev.ordo.order.internal;

import dev.ordo.order.OrderEvent;
import dev.ordo.order.OrderEventSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.AmqpTimeoutException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes order events to a RabbitMQ topic exchange ({@code ordo.events}), routing key = event
 * type (e.g. {@code order.succeeded}, {@code unit.delivered}), persistent JSON messages with the event
 * id as message id, each message of a batch confirmed by the broker before the relay marks it
 * published ({@code spring.rabbitmq.publisher-confirm-type=correlated}). A message no queue is bound
 * for is dropped by the broker, as a topic exchange does: consumers bind their queues before they
 * count on the events.
 */
final class RabbitOrderEventSink implements OrderEventSink {

    private final RabbitTemplate rabbit;
    private final String exchange;
    private final JsonMapper json;
    private final RabbitAdmin admin;
    private volatile boolean declared;

    /** Declares nothing yet: a broker that is down must not keep a node from starting (SPEC K4). */
    RabbitOrderEventSink(RabbitTemplate rabbit, RabbitAdmin admin, String exchange, JsonMapper json) {
        if (!rabbit.getConnectionFactory().isPublisherConfirms()) {
            // Without them no confirm ever comes: every batch would wait its 30 s and fail, for ever.
            throw new IllegalStateException("order events to RabbitMQ need publisher confirms of type correlated"
                    + " (spring.rabbitmq.publisher-confirm-type=correlated)");
        }
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
    public void publish(List<OrderEvent> events) throws PartlyPublished {
        if (!declared) {
            admin.declareExchange(new TopicExchange(exchange, true, false));
            declared = true;
        }
        try {
            send(events);
        } catch (RuntimeException | PartlyPublished e) {
            declared = false;
            throw e;
        }
    }

    /**
     * One channel for the batch, so that its messages reach the broker in order, and each message
     * confirmed on its own (publisher confirms of type {@code correlated}): a message the broker
     * refused, or one sent on a channel that closed before its confirm came (the broker closed it, the
     * connection dropped), is a failed batch — not one confirmed because the wait for confirms ran on
     * a channel opened afresh with nothing outstanding.
     */
    private void send(List<OrderEvent> events) throws PartlyPublished {
        List<CorrelationData> confirms = new ArrayList<>(events.size());
        rabbit.invoke(operations -> {
            for (OrderEvent event : events) {
                MessageProperties properties = new MessageProperties();
                properties.setContentType("application/json");
                properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
                properties.setMessageId("order-event-" + event.eventId());
                CorrelationData confirm = new CorrelationData(properties.getMessageId());
                operations.send(
                        exchange, event.type(), new Message(json.writeValueAsBytes(event), properties), confirm);
                confirms.add(confirm);
            }
            return null;
        });
        long deadline = System.nanoTime() + CONFIRM_WAIT.toNanos();
        for (int i = 0; i < confirms.size(); i++) {
            try {
                confirmed(confirms.get(i), deadline);
            } catch (AmqpException e) {
                if (i == 0) {
                    throw e;
                }
                // The ones before it are the broker's: not sent again with the rest.
                throw new PartlyPublished(i, e);
            }
        }
    }

    /** Waits for the broker's confirm of one message, at most until {@code deadline}; throws unless it took it. */
    private static void confirmed(CorrelationData sent, long deadline) {
        CorrelationData.Confirm confirm;
        try {
            confirm = sent.getFuture().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AmqpTimeoutException(
                    "no confirm from the broker within " + CONFIRM_WAIT + " for " + sent.getId());
        } catch (ExecutionException e) {
            throw new AmqpException("no confirm for " + sent.getId(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AmqpException("interrupted waiting for confirms", e);
        }
        if (!confirm.ack()) {
            throw new AmqpException("the broker did not take " + sent.getId() + ": " + confirm.reason());
        }
    }

    private static final Duration CONFIRM_WAIT = Duration.ofSeconds(30);
}
