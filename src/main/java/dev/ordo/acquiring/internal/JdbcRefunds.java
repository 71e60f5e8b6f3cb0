package dev.ordo.acquiring.internal;

import dev.ordo.acquiring.RefundStatus;
import dev.ordo.acquiring.ReturnStatus;
import dev.ordo.order.Orders;
import dev.ordo.shared.Ids;
import dev.ordo.shared.SqlTime;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Refunds and their units; status changes are conditional and recorded in the order's history. */
@Repository
class JdbcRefunds {

    record Refund(
            long refundId,
            long orderId,
            String channelNo,
            String requestNo,
            String refundNo,
            int refundNum,
            boolean mandatory,
            String notifyUrl,
            String requestHash,
            RefundStatus status,
            Instant overtimeAt,
            Instant createdAt,
            Instant finishedAt,
            long refundedSale,
            long loss) {}

    /**
     * A unit of a refund and its return; {@code submittedAt} the start of its latest request to the
     * supplier (null before the first), which tells one sending of it from another.
     */
    record RefundUnit(
            long refundId, long unitId, ReturnStatus status, String resultCode, String resultMsg, Instant submittedAt) {

        /** Which sending of the return this is: its start in epoch milliseconds, 0 before the first. */
        long sending() {
            return submittedAt == null ? 0 : submittedAt.toEpochMilli();
        }
    }

    private final JdbcClient jdbc;
    private final Orders orders;
    private final Ids ids;
    private final Clock clock;

    JdbcRefunds(JdbcClient jdbc, Orders orders, Ids ids, Clock clock) {
        this.jdbc = jdbc;
        this.orders = orders;
        this.ids = ids;
        this.clock = clock;
    }

    Refund create(
            long orderId,
            String channelNo,
            String requestNo,
            String refundNo,
            int refundNum,
            boolean mandatory,
            String notifyUrl,
            String hash,
            Instant overtimeAt) {
        long id = ids.next("oms_refund");
        jdbc.sql("""
                        insert into oms_refund (refund_id, order_id, channel_no, request_no, refund_no, refund_num,
                            mandatory, notify_url, request_hash, status, overtime_at, deadline_at, created_at,
                            refunded_sale, loss, version)
                        values (:id, :order, :channel, :request, :refundNo, :num, :mandatory, :notify, :hash, :status,
                            :overtime, :overtime, :now, 0, 0, 0)""")
                .param("id", id)
                .param("order", orderId)
                .param("channel", channelNo)
                .param("request", requestNo)
                .param("refundNo", refundNo)
                .param("num", refundNum)
                .param("mandatory", mandatory)
                .param("notify", notifyUrl)
                .param("hash", hash)
                .param("status", RefundStatus.RETURNING.code())
                .param("overtime", SqlTime.utc(overtimeAt))
                .param("now", SqlTime.utc(clock.instant()))
                .update();
        orders.noteMove(
                orderId,
                null,
                id,
                "refund.requested",
                null,
                RefundStatus.RETURNING.code(),
                (mandatory ? "mandatory" : "general") + " refund " + refundNo + " of " + refundNum);
        return find(id).orElseThrow();
    }

    void addUnit(long refundId, long unitId) {
        jdbc.sql("insert into oms_refund_unit (refund_id, unit_id, status) values (:refund, :unit, :status)")
                .param("refund", refundId)
                .param("unit", unitId)
                .param("status", ReturnStatus.PENDING.code())
                .update();
    }

    Optional<Refund> find(long refundId) {
        return jdbc.sql("select * from oms_refund where refund_id = :id")
                .param("id", refundId)
                .query(JdbcRefunds::refund)
                .optional();
    }

    Optional<Refund> findByNo(String channelNo, String refundNo) {
        return jdbc.sql("select * from oms_refund where channel_no = :channel and refund_no = :no")
                .param("channel", channelNo)
                .param("no", refundNo)
                .query(JdbcRefunds::refund)
                .optional();
    }

    List<Refund> ofOrder(long orderId) {
        return jdbc.sql("select * from oms_refund where order_id = :order order by refund_id")
                .param("order", orderId)
                .query(JdbcRefunds::refund)
                .list();
    }

    List<RefundUnit> units(long refundId) {
        return jdbc.sql("select * from oms_refund_unit where refund_id = :id order by unit_id")
                .param("id", refundId)
                .query((rs, n) -> new RefundUnit(
                        rs.getLong("refund_id"),
                        rs.getLong("unit_id"),
                        ReturnStatus.ofCode(rs.getInt("status")),
                        rs.getString("result_code"),
                        rs.getString("result_msg"),
                        SqlTime.instant(rs, "submitted_at")))
                .list();
    }

    /** The unit of the refund, if the refund has it. */
    Optional<RefundUnit> unit(long refundId, long unitId) {
        return units(refundId).stream().filter(u -> u.unitId() == unitId).findFirst();
    }

    boolean transition(Refund refund, RefundStatus from, RefundStatus to, String reason) {
        if (!from.canBecome(to)) {
            throw new IllegalStateException("illegal refund transition " + from + " -> " + to);
        }
        int moved = jdbc.sql(
                        "update oms_refund set status = :to, version = version + 1 where refund_id = :id and status = :from")
                .param("to", to.code())
                .param("id", refund.refundId())
                .param("from", from.code())
                .update();
        return noted(moved, refund, from, to, reason);
    }

    boolean finish(Refund refund, RefundStatus from, RefundStatus to, long refundedSale, long loss, String reason) {
        if (!from.canBecome(to) || !to.isFinal()) {
            throw new IllegalStateException("illegal refund finish " + from + " -> " + to);
        }
        int moved = jdbc.sql("""
                        update oms_refund set status = :to, finished_at = :now, deadline_at = null,
                            refunded_sale = :sale, loss = :loss, version = version + 1
                        where refund_id = :id and status = :from""")
                .param("to", to.code())
                .param("now", SqlTime.utc(clock.instant()))
                .param("sale", refundedSale)
                .param("loss", loss)
                .param("id", refund.refundId())
                .param("from", from.code())
                .update();
        return noted(moved, refund, from, to, reason);
    }

    /** Records a refund's move in its order's history when it happened. */
    private boolean noted(int moved, Refund refund, RefundStatus from, RefundStatus to, String reason) {
        if (moved == 1) {
            orders.noteMove(
                    refund.orderId(),
                    null,
                    refund.refundId(),
                    "refund." + to.name().toLowerCase(Locale.ROOT),
                    from.code(),
                    to.code(),
                    reason);
        }
        return moved == 1;
    }

    boolean transition(Refund refund, long unitId, ReturnStatus from, ReturnStatus to, String code, String message) {
        if (!from.canBecome(to)) {
            throw new IllegalStateException("illegal return transition " + from + " -> " + to);
        }
        String stamp =
                to == ReturnStatus.RETURNING ? ", submitted_at = :now" : (to.settled() ? ", resolved_at = :now" : "");
        String answer = code != null ? ", result_code = :code, result_msg = :msg" : "";
        var statement = jdbc.sql("update oms_refund_unit set status = :to" + answer + stamp
                        + " where refund_id = :refund and unit_id = :unit and status = :from")
                .param("to", to.code())
                .param("refund", refund.refundId())
                .param("unit", unitId)
                .param("from", from.code());
        if (!stamp.isEmpty()) {
            statement = statement.param("now", SqlTime.utc(clock.instant()));
        }
        if (!answer.isEmpty()) {
            statement = statement
                    .param("code", code.length() > 32 ? code.substring(0, 32) : code)
                    .param(
                            "msg",
                            message == null ? null : message.length() > 256 ? message.substring(0, 256) : message);
        }
        int moved = statement.update();
        if (moved == 1 && to != ReturnStatus.RETURNING) {
            orders.noteMove(
                    refund.orderId(),
                    unitId,
                    refund.refundId(),
                    "return." + to.name().toLowerCase(Locale.ROOT),
                    from.code(),
                    to.code(),
                    message);
        }
        return moved == 1;
    }

    List<Long> dueForOvertime(Instant now, int limit) {
        return jdbc.sql("select refund_id from oms_refund where deadline_at <= :now order by deadline_at limit :limit")
                .param("now", SqlTime.utc(now))
                .param("limit", limit)
                .query(Long.class)
                .list();
    }

    /** The refund's overtime job runs again at {@code at} ({@link RefundSteps#overtime}). */
    void watchAgainAt(long refundId, Instant at) {
        jdbc.sql("update oms_refund set deadline_at = :at where refund_id = :id and deadline_at is not null")
                .param("at", SqlTime.utc(at))
                .param("id", refundId)
                .update();
    }

    void endOvertimeWatch(long refundId) {
        jdbc.sql("update oms_refund set deadline_at = null where refund_id = :id")
                .param("id", refundId)
                .update();
    }

    private static Refund refund(ResultSet rs, int row) throws SQLException {
        return new Refund(
                rs.getLong("refund_id"),
                rs.getLong("order_id"),
                rs.getString("channel_no"),
                rs.getString("request_no"),
                rs.getString("refund_no"),
                rs.getInt("refund_num"),
                rs.getBoolean("mandatory"),
                rs.getString("notify_url"),
                rs.getString("request_hash"),
                RefundStatus.ofCode(rs.getInt("status")),
                SqlTime.instant(rs, "overtime_at"),
                SqlTime.instant(rs, "created_at"),
                SqlTime.instant(rs, "finished_at"),
                rs.getLong("refunded_sale"),
                rs.getLong("loss"));
    }
}
