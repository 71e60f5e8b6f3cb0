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

    /**
     * Takes the events, oldest first. Throwing, it took none of them — or, throwing {@link
     * PartlyPublished}, the oldest {@code taken}: only the others are handed to it again.
     */
    void publish(List<OrderEvent> events) throws Exception;

    /** The sink took the oldest {@code taken} events of a batch, and not the next (the cause). */
    final class PartlyPublished extends Exception {
        private final int taken;

        public PartlyPublished(int taken, Exception cause) {
            super(cause.getMessage(), cause);
            this.taken = taken;
        }

        public int taken() {
            return taken;
        }
    }
}
