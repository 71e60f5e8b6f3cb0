package dev.ordo.order;

import java.util.List;

/**
 * Where order events go once committed (SPEC K4): each sink receives every event at least once, in
 * the order of the outbox, from the relay. A sink that throws gets the same events again later.
 */
public interface OrderEventSink {

    String name();

    void publish(List<OrderEvent> events) throws Exception;
}
