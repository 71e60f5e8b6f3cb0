package dev.ordo.acquiring;

import dev.ordo.jobs.JobQueue;
import dev.ordo.notify.Notifications.NotificationRef;
import dev.ordo.order.Order;
import java.time.Duration;

/**
 * The durable queues of the acquiring flow, named as in seed 000. Concurrency and retries are
 * defaults; each can be set per deployment ({@code ordo.jobs.queue.oms-order-pay.concurrency}, ...).
 */
public final class AcquiringQueues {

    private AcquiringQueues() {}

    /**
     * An order's job. The order's own job ({@link #BIND}) carries the order as it was accepted, so that
     * its first run needs no read of it; every other job, and a job enqueued by an earlier version,
     * carries only the id ({@code accepted} null).
     */
    public record OrderRef(long orderId, Order accepted) {

        public OrderRef(long orderId) {
            this(orderId, null);
        }

        public static OrderRef accepted(Order order) {
            return new OrderRef(order.orderId(), order);
        }
    }

    public record UnitRef(long unitId) {}

    /** A query of an unknown delivery; {@code attempt} counts the queries so far. */
    public record UnitQuery(long unitId, int attempt) {}

    public record RefundRef(long refundId) {}

    /**
     * A query of an unknown return; {@code attempt} counts the queries so far, {@code sending} is the
     * sending of the return it asks about ({@code RefundUnit.sending}), null for whichever is the
     * latest: a query of an earlier sending, its return sent again since, asks nothing.
     */
    public record ReturnQuery(long refundId, long unitId, int attempt, Long sending) {}

    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Duration MINUTE = Duration.ofMinutes(1);

    /**
     * A step that moves money owed after the fact (a supplier that delivered, a channel whose unit
     * failed or whose refund was agreed): retried every 10 minutes for about five weeks, so a locked
     * or short account holds it until an operator puts the account right, rather than sending it to
     * the dead-letter list within the hour.
     */
    private static <P> JobQueue<P> untilPaid(JobQueue<P> queue) {
        return queue.maxAttempts(5_000).backoff(SECOND, Duration.ofMinutes(10));
    }

    /**
     * The order's job: choose the suppliers and plan the delivery units, then carry the order on
     * through pay, delivery, unit refunds and up_pay while each can run at once. Retried 20 times over
     * about two hours; a unit refund or an up_pay that an account refuses is handed to its own queue,
     * which retries for weeks ({@link #untilPaid}), so the order never waits on this job's attempts.
     */
    public static final JobQueue<OrderRef> BIND = JobQueue.of("oms:order:bind", OrderRef.class)
            .concurrency(64)
            .maxAttempts(20)
            .backoff(SECOND, Duration.ofMinutes(10));
    /** Charge the channel for every unit, and carry on as the order's job does. */
    public static final JobQueue<OrderRef> PAY = JobQueue.of("oms:order:pay", OrderRef.class)
            .concurrency(4)
            .maxAttempts(20)
            .backoff(SECOND, Duration.ofMinutes(10));
    /**
     * Submit a unit again after its supplier could not be reached (nothing was sent): every
     * request_replenish_time until the order's overtime; a unit that may have reached it is never sent again.
     */
    public static final JobQueue<UnitRef> DELIVERY = JobQueue.of("oms:order:delivery", UnitRef.class)
            .concurrency(16)
            .maxAttempts(10)
            .backoff(SECOND, MINUTE);
    /**
     * Book the supplier cost and the fees of the delivered units, finish the order, after a late result
     * — or after an account refused the bookings: retried every 10 minutes for about five weeks, since
     * the supplier has delivered and must be paid once an operator tops its account up.
     */
    public static final JobQueue<OrderRef> UP_PAY =
            untilPaid(JobQueue.of("oms:order:up_pay", OrderRef.class).concurrency(8));
    /** Tell the channel how its order ended; retried for more than 24 hours. */
    public static final JobQueue<NotificationRef> ORDER_NOTIFY = JobQueue.of("oms:order:notify", NotificationRef.class)
            .concurrency(16)
            .maxAttempts(60)
            .backoff(Duration.ofSeconds(10), Duration.ofHours(1));
    /** Ask the supplier to take a delivery back. */
    public static final JobQueue<RefundRef> RETURN = JobQueue.of("oms:refund:return", RefundRef.class)
            .concurrency(8)
            .maxAttempts(10)
            .backoff(SECOND, MINUTE);
    /** All returns of a refund are settled: decide what to refund. */
    public static final JobQueue<RefundRef> RETURN_COMPLETE = JobQueue.of("oms:refund:return_complete", RefundRef.class)
            .concurrency(4)
            .maxAttempts(10)
            .backoff(SECOND, MINUTE);
    /** Refund the channel (see {@link #untilPaid}). */
    public static final JobQueue<RefundRef> REFUND_PAY =
            untilPaid(JobQueue.of("oms:refund:pay", RefundRef.class).concurrency(8));
    /** Take back the supplier cost of returned units, finish the refund (see {@link #untilPaid}). */
    public static final JobQueue<RefundRef> REFUND_UP_PAY =
            untilPaid(JobQueue.of("oms:refund:up_pay", RefundRef.class).concurrency(8));
    /** Tell the channel how its refund ended; retried for more than 24 hours. */
    public static final JobQueue<NotificationRef> REFUND_NOTIFY = JobQueue.of(
                    "oms:refund:notify", NotificationRef.class)
            .concurrency(8)
            .maxAttempts(60)
            .backoff(Duration.ofSeconds(10), Duration.ofHours(1));
    /** Refund the channel for a unit that failed or was stopped (see {@link #untilPaid}). */
    public static final JobQueue<UnitRef> UNIT_REFUND =
            untilPaid(JobQueue.of("oms:overtime:refund", UnitRef.class).concurrency(16));
    /** An order whose overtime has come: stop what was not submitted. */
    public static final JobQueue<OrderRef> ORDER_OVERTIME = JobQueue.of("oms:overtime:order_deal", OrderRef.class)
            .concurrency(4)
            .maxAttempts(10)
            .backoff(SECOND, MINUTE);
    /** Query a delivery whose result is unknown. */
    public static final JobQueue<UnitQuery> DELIVERY_UNKNOWN = JobQueue.of(
                    "oms:overtime:delivery_unknown", UnitQuery.class)
            .concurrency(8)
            .maxAttempts(10)
            .backoff(SECOND, MINUTE);
    /** A refund whose overtime has come: settle what is still pending. */
    public static final JobQueue<RefundRef> REFUND_OVERTIME = JobQueue.of("oms:overtime:refund_deal", RefundRef.class)
            .concurrency(4)
            .maxAttempts(10)
            .backoff(SECOND, MINUTE);
    /** Query a return whose result is unknown. */
    public static final JobQueue<ReturnQuery> RETURN_UNKNOWN = JobQueue.of(
                    "oms:overtime:return_unknown", ReturnQuery.class)
            .concurrency(4)
            .maxAttempts(10)
            .backoff(SECOND, MINUTE);
}
