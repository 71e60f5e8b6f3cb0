package dev.ordo.order.internal;

import dev.ordo.order.Order;
import dev.ordo.order.OrderEvent;
import dev.ordo.order.OrderEventSink;
import dev.ordo.order.OrderLog;
import dev.ordo.order.OrderMoney;
import dev.ordo.order.OrderStatus;
import dev.ordo.order.Orders;
import dev.ordo.order.Unit;
import dev.ordo.order.UnitStatus;
import dev.ordo.shared.DeferredWrites;
import dev.ordo.shared.Dialect;
import dev.ordo.shared.Ids;
import dev.ordo.shared.SqlTime;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Orders, units and order events in explicit SQL; every status change is conditional and checked. */
@Repository
class JdbcOrders implements Orders {

    private static final Logger log = LoggerFactory.getLogger(JdbcOrders.class);

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final Ids ids;
    private final Clock clock;
    /** Without a sink, events are stored as already published: nothing will relay them. */
    private final boolean relayed;

    private final boolean updateReturning;

    JdbcOrders(
            JdbcClient jdbc,
            JdbcTemplate template,
            Ids ids,
            Clock clock,
            ObjectProvider<OrderEventSink> sinks,
            Dialect dialect) {
        this.jdbc = jdbc;
        this.updateReturning = dialect == Dialect.POSTGRESQL;
        this.template = template;
        this.ids = ids;
        this.clock = clock;
        this.relayed = sinks.stream().findAny().isPresent();
    }

    @Override
    public List<Order> createAll(List<NewOrder> news) {
        // Stored with millisecond precision: the orders answered are the orders as read back later.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<Order> created = new ArrayList<>(news.size());
        List<Object[]> rows = new ArrayList<>(news.size());
        List<Object[]> events = new ArrayList<>(news.size());
        for (NewOrder o : news) {
            long orderId = ids.next("oms_order");
            Order order = new Order(
                    orderId,
                    o.channelNo(),
                    o.requestNo(),
                    o.requestHash(),
                    null,
                    false,
                    o.lineId(),
                    o.carrierNo(),
                    o.provinceNo(),
                    o.cityNo(),
                    o.invoiceType(),
                    o.num(),
                    o.face(),
                    o.amount(),
                    o.notifyUrl(),
                    o.rechargeAccount(),
                    o.downProductId(),
                    OrderStatus.ACCEPTED,
                    0,
                    o.overtimeAt().truncatedTo(ChronoUnit.MILLIS),
                    now,
                    null,
                    OrderMoney.ZERO,
                    0);
            created.add(order);
            rows.add(new Object[] {
                order.orderId(),
                order.channelNo(),
                order.requestNo(),
                order.requestHash(),
                order.lineId(),
                order.carrierNo(),
                order.provinceNo(),
                order.cityNo(),
                order.invoiceType(),
                order.num(),
                order.face(),
                order.amount(),
                order.notifyUrl(),
                order.rechargeAccount(),
                order.downProductId(),
                order.status().code(),
                SqlTime.utc(order.overtimeAt()),
                SqlTime.utc(order.overtimeAt()),
                SqlTime.utc(now)
            });
            events.add(eventRow(orderId, null, null, "order.accepted", null, OrderStatus.ACCEPTED.code(), null, now));
        }
        template.batchUpdate("""
                        insert into oms_order (order_id, channel_no, request_no, request_hash, parent_order_id, is_parent,
                            line_id, carrier_no, province_no, city_no, invoice_type, num, face, amount, notify_url,
                            recharge_account, down_product_id, status, open_units, overtime_at, deadline_at, created_at,
                            sale, commission, service_fee, payment_fee, cost, up_commission, up_service_fee, margin, version)
                        values (?, ?, ?, ?, null, false, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?,
                            0, 0, 0, 0, 0, 0, 0, 0, 0)""", rows);
        template.batchUpdate(INSERT_EVENT, events);
        for (Order order : created) {
            logEvent(order.orderId(), null, "order.accepted", null);
        }
        return created;
    }

    @Override
    public Optional<Order> find(long orderId) {
        return jdbc.sql("select * from oms_order where order_id = :id")
                .param("id", orderId)
                .query(JdbcOrders::order)
                .optional();
    }

    @Override
    public Optional<Order> findByRequest(String channelNo, String requestNo) {
        return jdbc.sql("select * from oms_order where channel_no = :channel and request_no = :request")
                .param("channel", channelNo)
                .param("request", requestNo)
                .query(JdbcOrders::order)
                .optional();
    }

    @Override
    public Map<RequestKey, Order> findByRequests(Collection<RequestKey> requests) {
        Map<RequestKey, Order> found = new HashMap<>();
        if (requests.isEmpty()) {
            return found;
        }
        List<Object> args = new ArrayList<>(requests.size() * 2);
        StringJoiner keys = new StringJoiner(", ", "(", ")");
        for (RequestKey key : requests) {
            keys.add("(?, ?)");
            args.add(key.channelNo());
            args.add(key.requestNo());
        }
        template.query(
                "select * from oms_order where (channel_no, request_no) in " + keys,
                rs -> {
                    Order order = order(rs, 0);
                    found.put(new RequestKey(order.channelNo(), order.requestNo()), order);
                },
                args.toArray());
        return found;
    }

    @Override
    public List<Unit> units(long orderId) {
        return jdbc.sql("select * from oms_order_unit where order_id = :id order by seq")
                .param("id", orderId)
                .query(JdbcOrders::unit)
                .list();
    }

    @Override
    public Optional<Unit> unit(long unitId) {
        return jdbc.sql("select * from oms_order_unit where unit_id = :id")
                .param("id", unitId)
                .query(JdbcOrders::unit)
                .optional();
    }

    @Override
    public long nextUnitId() {
        return ids.next("oms_order_unit");
    }

    @Override
    public boolean bind(long orderId, List<PlannedUnit> units, String decision) {
        if (!moveAccepted(orderId, OrderStatus.BOUND, units.size())) {
            return false;
        }
        Instant now = clock.instant();
        insertUnits(orderId, units, UnitStatus.PLANNED, null);
        event(orderId, null, null, "order.bound", OrderStatus.ACCEPTED.code(), OrderStatus.BOUND.code(), decision, now);
        return true;
    }

    @Override
    public List<Unit> bindAndPay(
            long orderId,
            List<PlannedUnit> units,
            String decision,
            String paidReason,
            Supplier<? extends RuntimeException> moved) {
        DeferredWrites.write(
                template,
                """
                        update oms_order set status = ?, open_units = ?, version = version + 1
                        where order_id = ? and status = ?""",
                new Object[] {OrderStatus.PAID.code(), units.size(), orderId, OrderStatus.ACCEPTED.code()},
                1,
                moved);
        // Stored with millisecond precision: the units answered are the units as read back later.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<Unit> claimed = insertUnits(orderId, units, UnitStatus.SUBMITTING, now);
        event(orderId, null, null, "order.bound", OrderStatus.ACCEPTED.code(), OrderStatus.BOUND.code(), decision, now);
        event(orderId, null, null, "order.paid", OrderStatus.BOUND.code(), OrderStatus.PAID.code(), paidReason, now);
        for (Unit unit : claimed) {
            event(
                    orderId,
                    unit.unitId(),
                    null,
                    "unit.paid",
                    UnitStatus.PLANNED.code(),
                    UnitStatus.PAID.code(),
                    "paid with the order",
                    now);
            event(
                    orderId,
                    unit.unitId(),
                    null,
                    "unit.submitting",
                    UnitStatus.PAID.code(),
                    UnitStatus.SUBMITTING.code(),
                    "claimed for its one submission",
                    now);
        }
        return claimed;
    }

    /** Moves an accepted order on with its units planned (all of them open); false if it was no longer accepted. */
    private boolean moveAccepted(long orderId, OrderStatus to, int units) {
        return jdbc.sql("""
                                update oms_order set status = :to, open_units = :units, version = version + 1
                                where order_id = :id and status = :from""")
                        .param("to", to.code())
                        .param("units", units)
                        .param("id", orderId)
                        .param("from", OrderStatus.ACCEPTED.code())
                        .update()
                == 1;
    }

    /** Inserts the units in one batched statement; {@code submittedAt} with {@link UnitStatus#SUBMITTING}. */
    private List<Unit> insertUnits(long orderId, List<PlannedUnit> units, UnitStatus status, Instant submittedAt) {
        List<Object[]> rows = new ArrayList<>(units.size());
        List<Unit> stored = new ArrayList<>(units.size());
        int seq = 1;
        for (PlannedUnit u : units) {
            Unit unit = new Unit(
                    u.unitId(),
                    orderId,
                    seq++,
                    u.pieces(),
                    u.face(),
                    u.upChannelNo(),
                    u.upProductId(),
                    status,
                    u.money(),
                    u.deliveryDeadline(),
                    submittedAt,
                    null,
                    null,
                    null,
                    null,
                    null,
                    0);
            stored.add(unit);
            OrderMoney m = unit.money();
            rows.add(new Object[] {
                unit.unitId(),
                unit.orderId(),
                unit.seq(),
                unit.pieces(),
                unit.face(),
                unit.upChannelNo(),
                unit.upProductId(),
                unit.status().code(),
                m.sale(),
                m.commission(),
                m.serviceFee(),
                m.paymentFee(),
                m.cost(),
                m.upCommission(),
                m.upServiceFee(),
                SqlTime.utc(unit.deliveryDeadline()),
                SqlTime.utc(unit.submittedAt())
            });
        }
        DeferredWrites.writeAll(template, INSERT_UNIT, rows, DeferredWrites.UNCHECKED, null);
        return stored;
    }

    @Override
    public boolean transition(long orderId, OrderStatus from, OrderStatus to, String reason) {
        // A final status only through finish: it books the money and clears the overtime.
        check(from.canBecome(to) && !to.isFinal(), "order", from, to);
        int moved = jdbc.sql(
                        "update oms_order set status = :to, version = version + 1 where order_id = :id and status = :from")
                .param("to", to.code())
                .param("id", orderId)
                .param("from", from.code())
                .update();
        if (moved == 1) {
            event(orderId, null, null, "order." + name(to), from.code(), to.code(), reason, clock.instant());
        }
        return moved == 1;
    }

    @Override
    public boolean finish(long orderId, OrderStatus from, OrderStatus to, OrderMoney m, String reason) {
        check(from.canBecome(to) && to.isFinal(), "order", from, to);
        Instant now = clock.instant();
        int moved = template.update(FINISH, finishRow(orderId, from, to, m, 0, now));
        if (moved == 1) {
            event(orderId, null, null, "order." + name(to), from.code(), to.code(), reason, now);
        }
        return moved == 1;
    }

    @Override
    public UnitTransition transition(Unit unit, UnitStatus from, UnitStatus to, UnitResult result, String reason) {
        return transition(unit, from, to, result, reason, false);
    }

    @Override
    public UnitTransition transitionIfUnchanged(
            Unit unit, UnitStatus from, UnitStatus to, UnitResult result, String reason) {
        return transition(unit, from, to, result, reason, true);
    }

    private UnitTransition transition(
            Unit unit, UnitStatus from, UnitStatus to, UnitResult result, String reason, boolean atVersion) {
        check(from.canBecome(to), "unit", from, to);
        long orderId = unit.orderId();
        Instant now = clock.instant();
        String timestamps = to == UnitStatus.SUBMITTING
                ? ", submitted_at = :now"
                : (to == UnitStatus.DELIVERED || to == UnitStatus.FAILED ? ", resolved_at = :now" : "");
        String answer = (result.resultCode() != null ? ", result_code = :code, result_msg = :msg" : "")
                + (result.supplierOrderNo() != null ? ", supplier_order_no = :supplierOrderNo" : "");
        var statement = jdbc.sql("update oms_order_unit set status = :to, version = version + 1" + timestamps + answer
                        + " where unit_id = :id and status = :from" + (atVersion ? " and version = :version" : ""))
                .param("to", to.code())
                .param("id", unit.unitId())
                .param("from", from.code());
        if (atVersion) {
            statement = statement.param("version", unit.version());
        }
        if (!timestamps.isEmpty()) {
            statement = statement.param("now", SqlTime.utc(now));
        }
        if (result.resultCode() != null) {
            statement = statement
                    .param("code", truncate(result.resultCode(), 32))
                    .param("msg", truncate(result.resultMsg(), 256));
        }
        if (result.supplierOrderNo() != null) {
            statement = statement.param("supplierOrderNo", truncate(result.supplierOrderNo(), 64));
        }
        if (statement.update() != 1) {
            return UnitTransition.NOT_APPLIED;
        }
        review(unit, from, to, now);
        event(orderId, unit.unitId(), null, "unit." + name(to), from.code(), to.code(), reason, now);
        if (!to.isFinal()) {
            return new UnitTransition(true, -1);
        }
        // Counted off under the order row's lock: exactly one transition sees the count reach zero.
        String countOff =
                "update oms_order set open_units = open_units - 1, version = version + 1 where order_id = :id";
        if (updateReturning) {
            return new UnitTransition(
                    true,
                    jdbc.sql(countOff + " returning open_units")
                            .param("id", orderId)
                            .query(Integer.class)
                            .single());
        }
        jdbc.sql(countOff).param("id", orderId).update();
        return new UnitTransition(
                true,
                jdbc.sql("select open_units from oms_order where order_id = :id")
                        .param("id", orderId)
                        .query(Integer.class)
                        .single());
    }

    @Override
    public void finishWithUnits(
            List<Unit> units,
            UnitStatus from,
            UnitStatus to,
            List<UnitResult> results,
            String unitReason,
            OrderStatus orderFrom,
            OrderStatus orderTo,
            OrderMoney m,
            String reason,
            Supplier<? extends RuntimeException> moved) {
        check(from.canBecome(to) && to.isFinal(), "unit", from, to);
        check(orderFrom.canBecome(orderTo) && orderTo.isFinal(), "order", orderFrom, orderTo);
        if (units.isEmpty() || units.size() != results.size()) {
            throw new IllegalArgumentException("every unit of the order, each with its answer");
        }
        long orderId = units.getFirst().orderId();
        Instant now = clock.instant();
        List<Object[]> rows = new ArrayList<>(units.size());
        for (int i = 0; i < units.size(); i++) {
            Unit unit = units.get(i);
            if (unit.orderId() != orderId) {
                throw new IllegalArgumentException("units of more than one order");
            }
            UnitResult result = results.get(i);
            rows.add(new Object[] {
                to.code(),
                SqlTime.utc(now),
                truncate(result.resultCode(), 32),
                truncate(result.resultMsg(), 256),
                truncate(result.supplierOrderNo(), 64),
                unit.unitId(),
                from.code()
            });
        }
        DeferredWrites.writeAll(template, """
                        update oms_order_unit set status = ?, version = version + 1, resolved_at = ?, result_code = ?,
                            result_msg = ?, supplier_order_no = ?
                        where unit_id = ? and status = ?""", rows, 1, moved);
        // Every unit is final now: counted off with the order's end, under the order row's lock.
        DeferredWrites.write(template, FINISH, finishRow(orderId, orderFrom, orderTo, m, units.size(), now), 1, moved);
        for (Unit unit : units) {
            review(unit, from, to, now);
            event(orderId, unit.unitId(), null, "unit." + name(to), from.code(), to.code(), unitReason, now);
        }
        event(orderId, null, null, "order." + name(orderTo), orderFrom.code(), orderTo.code(), reason, now);
    }

    /** Keeps oms_unit_review in step with a unit's move into or out of manual review. */
    private void review(Unit unit, UnitStatus from, UnitStatus to, Instant now) {
        if (to == UnitStatus.MANUAL_REVIEW) {
            jdbc.sql("insert into oms_unit_review (unit_id, order_id, since) values (:unit, :order, :now)")
                    .param("unit", unit.unitId())
                    .param("order", unit.orderId())
                    .param("now", SqlTime.utc(now))
                    .update();
            log.warn(
                    "unit {} of order {} waits for an operator: its delivery is still unknown after the overtime",
                    unit.unitId(),
                    unit.orderId());
        } else if (from == UnitStatus.MANUAL_REVIEW) {
            jdbc.sql("delete from oms_unit_review where unit_id = :unit")
                    .param("unit", unit.unitId())
                    .update();
        }
    }

    @Override
    public List<UnitInReview> inReview(long afterUnitId, int limit) {
        return jdbc.sql("""
                        select u.*, r.since, o.channel_no, o.request_no
                        from oms_unit_review r
                        join oms_order_unit u on u.unit_id = r.unit_id
                        join oms_order o on o.order_id = r.order_id
                        where r.unit_id > :after and u.status = 140
                        order by r.unit_id
                        limit :limit""")
                .param("after", afterUnitId)
                .param("limit", limit)
                .query((rs, row) -> new UnitInReview(
                        unit(rs, row),
                        SqlTime.instant(rs, "since"),
                        rs.getString("channel_no"),
                        rs.getString("request_no")))
                .list();
    }

    @Override
    public ReviewBacklog reviewBacklog() {
        // Joined with the units: a row a unit left behind (moved by a node older than V13, or by hand) is no wait.
        return jdbc.sql("""
                        select count(*) as units, min(r.since) as oldest
                        from oms_unit_review r join oms_order_unit u on u.unit_id = r.unit_id
                        where u.status = 140""")
                .query((rs, row) -> new ReviewBacklog(rs.getLong("units"), SqlTime.instant(rs, "oldest")))
                .single();
    }

    @Override
    public void note(long orderId, Long unitId, Long refundId, String type, String reason) {
        event(orderId, unitId, refundId, type, null, null, reason, clock.instant());
    }

    @Override
    public void noteMove(
            long orderId, Long unitId, Long refundId, String type, Integer fromStatus, int toStatus, String reason) {
        event(orderId, unitId, refundId, type, fromStatus, toStatus, reason, clock.instant());
    }

    @Override
    public List<OrderEvent> events(long orderId) {
        flushEvents();
        return jdbc.sql("select * from oms_order_event where order_id = :id order by created_at, event_id")
                .param("id", orderId)
                .query(JdbcOrders::event)
                .list();
    }

    @Override
    public List<Long> dueForOvertime(Instant now, int limit) {
        return jdbc.sql("select order_id from oms_order where deadline_at <= :now order by deadline_at limit :limit")
                .param("now", SqlTime.utc(now))
                .param("limit", limit)
                .query(Long.class)
                .list();
    }

    @Override
    public void endOvertimeWatch(long orderId) {
        jdbc.sql("update oms_order set deadline_at = null where order_id = :id")
                .param("id", orderId)
                .update();
    }

    @Override
    public void watchAgainAt(long orderId, Instant at) {
        jdbc.sql("update oms_order set deadline_at = :at where order_id = :id and deadline_at is not null")
                .param("at", SqlTime.utc(at))
                .param("id", orderId)
                .update();
    }

    @Override
    public boolean claimForRefund(long unitId, long refundId) {
        return jdbc.sql("""
                        update oms_order_unit set refund_id = :refund, version = version + 1
                        where unit_id = :id and refund_id is null and status = :delivered""")
                        .param("refund", refundId)
                        .param("id", unitId)
                        .param("delivered", UnitStatus.DELIVERED.code())
                        .update()
                == 1;
    }

    @Override
    public void releaseFromRefund(long unitId, long refundId) {
        jdbc.sql(
                        "update oms_order_unit set refund_id = null, version = version + 1 where unit_id = :id and refund_id = :refund")
                .param("id", unitId)
                .param("refund", refundId)
                .update();
    }

    /** An order's final update: its status, end and money; {@code open_units} counted off by the last parameter. */
    private static final String FINISH = """
            update oms_order set status = ?, finished_at = ?, deadline_at = null, sale = ?, commission = ?,
                service_fee = ?, payment_fee = ?, cost = ?, up_commission = ?, up_service_fee = ?,
                margin = ?, open_units = open_units - ?, version = version + 1
            where order_id = ? and status = ?""";

    private static Object[] finishRow(
            long orderId, OrderStatus from, OrderStatus to, OrderMoney m, int countedOff, Instant now) {
        return new Object[] {
            to.code(),
            SqlTime.utc(now),
            m.sale(),
            m.commission(),
            m.serviceFee(),
            m.paymentFee(),
            m.cost(),
            m.upCommission(),
            m.upServiceFee(),
            m.margin(),
            countedOff,
            orderId,
            from.code()
        };
    }

    private static final String INSERT_UNIT = """
            insert into oms_order_unit (unit_id, order_id, seq, pieces, face, up_channel_no, up_product_id,
                status, sale, commission, service_fee, payment_fee, cost, up_commission, up_service_fee,
                delivery_deadline, submitted_at, version)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)""";

    private static final String INSERT_EVENT = """
            insert into oms_order_event (event_id, order_id, unit_id, refund_id, event_type, from_status,
                to_status, reason, created_at, published_at)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    /**
     * Records an event. Inside a transaction the rows are kept and inserted in one batched statement
     * just before it commits (or before the transaction reads its order's events): a step that moves
     * an order and its units writes its history in one round trip.
     */
    void event(
            long orderId,
            Long unitId,
            Long refundId,
            String type,
            Integer from,
            Integer to,
            String reason,
            Instant at) {
        Object[] row = eventRow(orderId, unitId, refundId, type, from, to, reason, at);
        PendingEvents pending = pendingEvents();
        if (pending == null) {
            template.update(INSERT_EVENT, row);
        } else {
            pending.rows.add(row);
        }
        logEvent(orderId, unitId, type, reason);
    }

    /** The events of the current transaction not yet inserted; null outside a transaction. */
    private PendingEvents pendingEvents() {
        if (!TransactionSynchronizationManager.isActualTransactionActive()
                || !TransactionSynchronizationManager.isSynchronizationActive()) {
            return null;
        }
        for (TransactionSynchronization s : TransactionSynchronizationManager.getSynchronizations()) {
            if (s instanceof PendingEvents pending && pending.owner == this) {
                return pending;
            }
        }
        PendingEvents pending = new PendingEvents(this);
        TransactionSynchronizationManager.registerSynchronization(pending);
        return pending;
    }

    private void flushEvents() {
        PendingEvents pending = pendingEvents();
        if (pending != null) {
            pending.flush();
        }
    }

    /**
     * Kept with the transaction's synchronizations, so that a transaction suspended for another
     * (REQUIRES_NEW) keeps its own.
     */
    private static final class PendingEvents implements TransactionSynchronization {
        private final JdbcOrders owner;
        private final List<Object[]> rows = new ArrayList<>();

        PendingEvents(JdbcOrders owner) {
            this.owner = owner;
        }

        /** Also run when the transaction is flushed ({@code TransactionStatus.flush()}). */
        @Override
        public void flush() {
            if (!rows.isEmpty()) {
                owner.template.batchUpdate(INSERT_EVENT, rows);
                rows.clear();
            }
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            flush();
        }
    }

    private Object[] eventRow(
            long orderId,
            Long unitId,
            Long refundId,
            String type,
            Integer from,
            Integer to,
            String reason,
            Instant at) {
        return new Object[] {
            ids.next("oms_order_event"),
            orderId,
            unitId,
            refundId,
            type,
            from,
            to,
            truncate(reason, 1000),
            SqlTime.utc(at),
            relayed ? null : SqlTime.utc(at)
        };
    }

    private static void logEvent(long orderId, Long unitId, String type, String reason) {
        if (log.isDebugEnabled()) {
            String unit = unitId == null ? "" : " unit " + unitId;
            OrderLog.run(orderId, () -> log.debug("{}{}{}", type, unit, reason == null ? "" : ": " + reason));
        }
    }

    private static void check(boolean allowed, String what, Enum<?> from, Enum<?> to) {
        if (!allowed) {
            throw new IllegalStateException("illegal " + what + " transition " + from + " -> " + to);
        }
    }

    private static String name(Enum<?> status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    static Order order(ResultSet rs, int row) throws SQLException {
        return new Order(
                rs.getLong("order_id"),
                rs.getString("channel_no"),
                rs.getString("request_no"),
                rs.getString("request_hash"),
                nullableLong(rs, "parent_order_id"),
                rs.getBoolean("is_parent"),
                rs.getLong("line_id"),
                rs.getString("carrier_no"),
                rs.getString("province_no"),
                rs.getString("city_no"),
                rs.getInt("invoice_type"),
                rs.getInt("num"),
                rs.getLong("face"),
                rs.getLong("amount"),
                rs.getString("notify_url"),
                rs.getString("recharge_account"),
                rs.getLong("down_product_id"),
                OrderStatus.ofCode(rs.getInt("status")),
                rs.getInt("open_units"),
                SqlTime.instant(rs, "overtime_at"),
                SqlTime.instant(rs, "created_at"),
                SqlTime.instant(rs, "finished_at"),
                money(rs),
                rs.getLong("version"));
    }

    private static OrderMoney money(ResultSet rs) throws SQLException {
        return new OrderMoney(
                rs.getLong("sale"),
                rs.getLong("commission"),
                rs.getLong("service_fee"),
                rs.getLong("payment_fee"),
                rs.getLong("cost"),
                rs.getLong("up_commission"),
                rs.getLong("up_service_fee"));
    }

    static Unit unit(ResultSet rs, int row) throws SQLException {
        return new Unit(
                rs.getLong("unit_id"),
                rs.getLong("order_id"),
                rs.getInt("seq"),
                rs.getInt("pieces"),
                rs.getLong("face"),
                rs.getString("up_channel_no"),
                rs.getLong("up_product_id"),
                UnitStatus.ofCode(rs.getInt("status")),
                money(rs),
                SqlTime.instant(rs, "delivery_deadline"),
                SqlTime.instant(rs, "submitted_at"),
                SqlTime.instant(rs, "resolved_at"),
                rs.getString("result_code"),
                rs.getString("result_msg"),
                rs.getString("supplier_order_no"),
                nullableLong(rs, "refund_id"),
                rs.getLong("version"));
    }

    static OrderEvent event(ResultSet rs, int row) throws SQLException {
        return new OrderEvent(
                rs.getLong("event_id"),
                rs.getLong("order_id"),
                nullableLong(rs, "unit_id"),
                nullableLong(rs, "refund_id"),
                rs.getString("event_type"),
                nullableInt(rs, "from_status"),
                nullableInt(rs, "to_status"),
                rs.getString("reason"),
                SqlTime.instant(rs, "created_at"));
    }
}
