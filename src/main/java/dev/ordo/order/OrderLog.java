package dev.ordo.order;

import org.slf4j.MDC;

/**
 * The order's id in the logging context (SPEC K8): while a step of an order runs, every line it
 * logs carries {@code order_id} — a field of its own in structured logs, after the level on the
 * console.
 */
public final class OrderLog {

    /** The key of the order's id in the logging context. */
    public static final String ORDER_ID = "order_id";

    private OrderLog() {}

    /** Runs a step of the order with its id in the logging context, restoring the context after. */
    public static void run(long orderId, Runnable step) {
        String outer = MDC.get(ORDER_ID);
        MDC.put(ORDER_ID, Long.toString(orderId));
        try {
            step.run();
        } finally {
            if (outer == null) {
                MDC.remove(ORDER_ID);
            } else {
                MDC.put(ORDER_ID, outer);
            }
        }
    }
}
