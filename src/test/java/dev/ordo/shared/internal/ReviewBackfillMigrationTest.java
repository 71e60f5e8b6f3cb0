package dev.ordo.shared.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * V14 on a database whose units already wait for an operator: each gets its row in
 * {@code oms_unit_review}, since the moment its history says it began to wait, else since its
 * submission; units in any other status get none.
 */
@Tag("db")
class ReviewBackfillMigrationTest extends ScratchMigrations {

    private static final LocalDateTime CREATED = LocalDateTime.of(2026, 11, 29, 12, 0);
    private static final LocalDateTime SUBMITTED = CREATED.plusMinutes(1);
    private static final LocalDateTime TO_REVIEW = CREATED.plusMinutes(30);

    ReviewBackfillMigrationTest() {
        super("ordo_upgrade_review");
    }

    @Test
    void units_waiting_for_an_operator_before_v14_are_listed_since_they_began_to_wait() throws SQLException {
        migrate("13");
        try (Connection c = connect()) {
            order(c, 1);
            unit(c, 11, 1, 1, 140);
            unit(c, 12, 1, 2, 140);
            unit(c, 13, 1, 3, 200);
            unit(c, 14, 1, 4, 130);
            // Unit 11's history says when it began to wait; unit 12's has no such event.
            event(c, 101, 1, 11, 130, TO_REVIEW.minusMinutes(5));
            event(c, 102, 1, 11, 140, TO_REVIEW);
        }

        migrate(null);

        try (Connection c = connect()) {
            assertThat(waiting(c)).containsExactly("11 1 " + TO_REVIEW, "12 1 " + SUBMITTED);
        }
    }

    private static void order(Connection c, long id) throws SQLException {
        insert(c, """
                insert into oms_order (order_id, channel_no, request_no, request_hash, is_parent, line_id,
                    carrier_no, province_no, city_no, invoice_type, num, face, amount, down_product_id, status,
                    open_units, overtime_at, created_at, sale, commission, service_fee, payment_fee, cost,
                    up_commission, up_service_fee, margin, version)
                values (?, 'ch', ?, 'h', false, 1, 'ZSH', '*', '*', 1, 1, 40000, 39600, 1, 120, 3, ?, ?,
                    39600, 0, 0, 0, 39200, 0, 0, 0, 1)""", id, "r" + id, CREATED.plusMinutes(10), CREATED);
    }

    private static void unit(Connection c, long id, long order, int seq, int status) throws SQLException {
        insert(c, """
                insert into oms_order_unit (unit_id, order_id, seq, pieces, face, up_channel_no, up_product_id,
                    status, sale, commission, service_fee, payment_fee, cost, up_commission, up_service_fee,
                    submitted_at, version)
                values (?, ?, ?, 1, 10000, 'sup', 1, ?, 9900, 0, 0, 0, 9800, 0, 0, ?, 1)""", id, order, seq, status, SUBMITTED);
    }

    private static void event(Connection c, long id, long order, long unit, int to, LocalDateTime at)
            throws SQLException {
        insert(c, """
                insert into oms_order_event (event_id, order_id, unit_id, event_type, from_status, to_status,
                    reason, created_at)
                values (?, ?, ?, 'unit.x', 130, ?, 'test', ?)""", id, order, unit, to, at);
    }

    private static List<String> waiting(Connection c) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("select unit_id, order_id, since from oms_unit_review order by unit_id")) {
            while (rs.next()) {
                rows.add(rs.getLong(1) + " " + rs.getLong(2) + " " + rs.getObject(3, LocalDateTime.class));
            }
        }
        return rows;
    }
}
