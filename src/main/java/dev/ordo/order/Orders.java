package dev.ordo.order;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Orders and their units as the flows change them. Every method runs in the caller's transaction.
 * Every change of status is a conditional update ("from this status to that one") whose
 * affected-row count decides whether it happened, and writes an {@link OrderEvent} in the same
 * transaction: concurrent or repeated steps cannot both succeed, at any isolation level.
 */
public interface Orders {

    record NewOrder(
            String channelNo,
            String requestNo,
            String requestHash,
            long lineId,
            String carrierNo,
            String provinceNo,
            String cityNo,
            int invoiceType,
            int num,
            long face,
            long amount,
            String notifyUrl,
            String rechargeAccount,
            long downProductId,
            Instant overtimeAt) {}

    /**
     * Inserts the orders as {@link OrderStatus#ACCEPTED} with one batched statement per table, and
     * answers them in the same order as stored. A second order with the same channel and request
     * number violates a unique key.
     */
    List<Order> createAll(List<NewOrder> orders);

    Optional<Order> find(long orderId);

    Optional<Order> findByRequest(String channelNo, String requestNo);

    /** A channel's request number: what makes an order unique. */
    record RequestKey(String channelNo, String requestNo) {
        // Written out: a map key of every request, where the record's generated methods cost more.
        @Override
        public boolean equals(Object o) {
            return o instanceof RequestKey k && requestNo.equals(k.requestNo) && channelNo.equals(k.channelNo);
        }

        @Override
        public int hashCode() {
            return channelNo.hashCode() * 31 + requestNo.hashCode();
        }
    }

    /** The orders of those requests that exist, in one query. */
    Map<RequestKey, Order> findByRequests(Collection<RequestKey> requests);

    List<Unit> units(long orderId);

    Optional<Unit> unit(long unitId);

    /** A unit to store; its id comes from {@link #nextUnitId()}, so that trade numbers can be derived before it is. */
    record PlannedUnit(
            long unitId,
            int pieces,
            long face,
            String upChannelNo,
            long upProductId,
            OrderMoney money,
            Instant deliveryDeadline) {}

    long nextUnitId();

    /** Plans the units of an accepted order and moves it to {@link OrderStatus#BOUND}, recording the decision. */
    boolean bind(long orderId, List<PlannedUnit> units, String decision);

    /**
     * Bind, pay and claim in one step, for the caller that charges the channel in the same
     * transaction: moves an accepted order to {@link OrderStatus#PAID} and stores its units as
     * {@link UnitStatus#SUBMITTING} — claimed for their one submission by the caller, which submits
     * them next — with the history of each move (bound with the decision, paid). Inside {@link
     * dev.ordo.shared.DeferredWrites} its writes are sent with the others of the transaction.
     *
     * @param moved what to throw if the order was no longer accepted: the caller's transaction must
     *     roll back (thrown at once, or at the flush of the deferred writes)
     * @return the units as stored
     */
    List<Unit> bindAndPay(
            long orderId,
            List<PlannedUnit> units,
            String decision,
            String paidReason,
            Supplier<? extends RuntimeException> moved);

    /**
     * Moves the order from {@code from} to a status that is not final (else {@link #finish}), if it is
     * still at {@code from}; false when it was not.
     */
    boolean transition(long orderId, OrderStatus from, OrderStatus to, String reason);

    /** Moves the order to a final status with the money of its delivered units, and ends its overtime watch. */
    boolean finish(long orderId, OrderStatus from, OrderStatus to, OrderMoney money, String reason);

    /** A unit waiting for an operator's decision (MANUAL_REVIEW) since {@code since}, with its order's numbers. */
    record UnitInReview(Unit unit, Instant since, String channelNo, String requestNo) {}

    /** How many units wait for an operator's decision, and since when the longest has (null: none). */
    record ReviewBacklog(long units, Instant oldestSince) {}

    /** Units waiting for an operator's decision in the order of their ids, after {@code afterUnitId}. */
    List<UnitInReview> inReview(long afterUnitId, int limit);

    ReviewBacklog reviewBacklog();

    /** What a unit transition brings along: the supplier's answer, when there is one. */
    /** A supplier's answer as stored on the unit; {@code supplierOrderNo} kept when an answer carries none. */
    record UnitResult(String resultCode, String resultMsg, String supplierOrderNo) {

        public static final UnitResult NONE = new UnitResult(null, null);

        public UnitResult(String resultCode, String resultMsg) {
            this(resultCode, resultMsg, null);
        }
    }

    /**
     * Moves a unit if it still is in {@code from}. When it becomes final it is counted off the
     * order: the answer says how many of the order's units are still open (0: the order can finish).
     */
    UnitTransition transition(Unit unit, UnitStatus from, UnitStatus to, UnitResult result, String reason);

    /**
     * As {@link #transition}, only if the unit is still at the version it was read at ({@code
     * unit.version()}): not one that left {@code from} and came back to it meanwhile (a delivery sent
     * again after it could not be sent).
     */
    UnitTransition transitionIfUnchanged(Unit unit, UnitStatus from, UnitStatus to, UnitResult result, String reason);

    /**
     * Moves every unit of one order, all in {@code from}, to the final {@code to} with its answer
     * ({@code results}, in the order of {@code units}), counts them off, and moves the order from
     * {@code orderFrom} to the final {@code orderTo} with the money of {@link #finish}, with the
     * history of each move. Inside {@link dev.ordo.shared.DeferredWrites} its writes are sent with the
     * others of the transaction.
     *
     * @param moved what to throw if a unit or the order had moved meanwhile: the caller's transaction
     *     must roll back (thrown at once, or at the flush of the deferred writes)
     */
    void finishWithUnits(
            List<Unit> units,
            UnitStatus from,
            UnitStatus to,
            List<UnitResult> results,
            String unitReason,
            OrderStatus orderFrom,
            OrderStatus orderTo,
            OrderMoney money,
            String reason,
            Supplier<? extends RuntimeException> moved);

    /** @param openUnits units of the order still open after this one, or -1 if it did not become final */
    record UnitTransition(boolean applied, int openUnits) {

        public static final UnitTransition NOT_APPLIED = new UnitTransition(false, -1);
    }

    /** Records something that happened without a change of status (a decision, a retry, a warning). */
    void note(long orderId, Long unitId, Long refundId, String type, String reason);

    /**
     * Records a change of status of something else the order holds (a refund, a unit's return), with
     * its status codes, so that a consumer of the events can tell a stale one as for the order's own
     * ({@code fromStatus} null where it came to be).
     */
    void noteMove(
            long orderId, Long unitId, Long refundId, String type, Integer fromStatus, int toStatus, String reason);

    List<OrderEvent> events(long orderId);

    /** Orders whose overtime has come and that are still watched. */
    List<Long> dueForOvertime(Instant now, int limit);

    /** Stops watching the order's overtime (it is final, or nothing more can be stopped). */
    void endOvertimeWatch(long orderId);

    /** The order's overtime job runs again at {@code at}, unless the order has finished meanwhile. */
    void watchAgainAt(long orderId, Instant at);

    /** Reserves a delivered unit for a refund; false if another refund holds it. */
    boolean claimForRefund(long unitId, long refundId);

    /** Gives a unit back after a refund that could not take it. */
    void releaseFromRefund(long unitId, long refundId);
}
