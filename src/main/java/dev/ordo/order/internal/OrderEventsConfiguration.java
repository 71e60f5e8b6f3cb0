package dev.ordo.order.internal;

import dev.ordo.jobs.RecurringJob;
import dev.ordo.order.OrderEventSink;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class OrderEventsConfiguration {

    /** {@code ordo.events.rabbitmq.enabled=true}: order events go to RabbitMQ ({@code spring.rabbitmq.*}). */
    @Bean
    @ConditionalOnProperty(name = "ordo.events.rabbitmq.enabled", havingValue = "true")
    OrderEventSink rabbitOrderEventSink(
            RabbitTemplate rabbit,
            ConnectionFactory connections,
            JsonMapper json,
            @Value("${ordo.events.rabbitmq.exchange:ordo.events}") String exchange) {
        return new RabbitOrderEventSink(rabbit, new RabbitAdmin(connections), exchange, json);
    }

    /** The relay exists only when some sink wants the events. */
    @Bean
    RecurringJob orderEventRelay(
            JdbcClient jdbc,
            ObjectProvider<OrderEventSink> sinks,
            Clock clock,
            MeterRegistry meters,
            @Value("${ordo.events.relay-interval:1s}") Duration interval) {
        List<OrderEventSink> all = sinks.orderedStream().toList();
        if (all.isEmpty()) {
            return null;
        }
        return new OrderEventRelay(jdbc, all, clock, interval, meters);
    }
}
