package dev.ordo.order;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    record RequestKey(String channelNo, String requestNo) {}

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
     * them next — with the history of each move (bound with the decision, paid).
     *
     * @return the units as stored; empty if the order was no longer accepted (nothing written)
     */
    List<Unit> bindAndPay(long orderId, List<PlannedUnit> units, String decision, String paidReason);

    boolean transition(long orderId, OrderStatus from, OrderStatus to, String reason);

    /** Moves the order to a final status with the money of its delivered units, and ends its overtime watch. */
    boolean finish(long orderId, OrderStatus from, OrderStatus to, OrderMoney money, String reason);

    /** What a unit transition brings along: the supplier's answer, when there is one. */
    record UnitResult(String resultCode, String resultMsg) {

        public static final UnitResult NONE = new UnitResult(null, null);
    }

    /**
     * Moves a unit if it still is in {@code from}. When it becomes final it is counted off the
     * order: the answer says how many of the order's units are still open (0: the order can finish).
     */
    UnitTransition transition(Unit unit, UnitStatus from, UnitStatus to, UnitResult result, String reason);

    /**
     * Moves units of one order that are all in {@code from} to {@code to}, each with its answer
     * ({@code results}, in the order of {@code units}): one statement per distinct answer, and the
     * final ones counted off the order in one more.
     *
     * @return how many moved; when fewer than all, some had moved meanwhile and the caller must roll
     *     its transaction back
     */
    int transitionAll(List<Unit> units, UnitStatus from, UnitStatus to, List<UnitResult> results, String reason);

    /** @param openUnits units of the order still open after this one, or -1 if it did not become final */
    record UnitTransition(boolean applied, int openUnits) {

        public static final UnitTransition NOT_APPLIED = new UnitTransition(false, -1);
    }

    /** Records something that happened without a change of status (a decision, a retry, a warning). */
    void note(long orderId, Long unitId, Long refundId, String type, String reason);

    List<OrderEvent> events(long orderId);

    /** Orders whose overtime has come and that are still watched. */
    List<Long> dueForOvertime(Instant now, int limit);

    /** Stops watching the order's overtime (it is final, or nothing more can be stopped). */
    void endOvertimeWatch(long orderId);

    /** Reserves a delivered unit for a refund; false if another refund holds it. */
    boolean claimForRefund(long unitId, long refundId);

    /** Gives a unit back after a refund that could not take it. */
    void releaseFromRefund(long unitId, long refundId);
}
