package db.migration;

import dev.ordo.shared.Dialect;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The units already waiting for an operator when V13 came (status 140) get their row in
 * {@code oms_unit_review}, since the moment their history says they began to wait (else since their
 * submission, else since their order). Read with a plain select, then inserted: on MySQL and MariaDB
 * an {@code insert … select} would lock every unit row it scans (the units' status has no index)
 * until the migration commits, holding up the nodes still running.
 */
public class V14__Units_already_in_review extends DialectMigration {

    private record Waiting(long unitId, long orderId, LocalDateTime since) {}

    @Override
    void migrate(Dialect dialect, Statement sql) throws SQLException {
        List<Waiting> waiting = new ArrayList<>();
        try (ResultSet rs = sql.executeQuery("""
                select u.unit_id, u.order_id,
                       coalesce((select max(e.created_at) from oms_order_event e
                                 where e.order_id = u.order_id and e.unit_id = u.unit_id and e.to_status = 140),
                                u.submitted_at, o.created_at) as since
                from oms_order_unit u join oms_order o on o.order_id = u.order_id
                where u.status = 140""")) {
            while (rs.next()) {
                waiting.add(new Waiting(rs.getLong(1), rs.getLong(2), rs.getObject(3, LocalDateTime.class)));
            }
        }
        if (waiting.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = sql.getConnection()
                .prepareStatement("insert into oms_unit_review (unit_id, order_id, since) values (?, ?, ?)")) {
            for (Waiting w : waiting) {
                insert.setLong(1, w.unitId());
                insert.setLong(2, w.orderId());
                insert.setObject(3, w.since());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
