package dev.ordo.order;

import java.util.List;

/**
 * Where order events go once committed (SPEC K4): each sink receives every event at least once from
 * the relay, oldest first by the time the writing node gave it — across nodes as close to the order of
 * the changes as their clocks are (and an event whose transaction committed late comes after younger
 * ones already relayed). A sink that throws gets the same events again later.
 */
public interface OrderEventSink {

    String name();

    void publish(List<OrderEvent> events) throws Exception;
}
