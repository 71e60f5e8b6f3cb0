package dev.ordo.shared.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
 * V10 on a ledger that already holds records: migrated from V9 with records in it, the trade key
 * keeps every record and the same rule — one record per account, trade number and change type, the
 * same trade number free on another account or for another type.
 */
@Tag("db")
class TradeKeyMigrationTest extends ScratchMigrations {

    TradeKeyMigrationTest() {
        super("ordo_upgrade");
    }

    @Test
    void records_written_before_v10_keep_their_rule_one_record_per_account_trade_number_and_type() throws SQLException {
        migrate("9");
        try (Connection c = connect()) {
            account(c, 1, "a");
            account(c, 2, "b");
            record(c, 11, 1, "t-1", 2, 1);
            record(c, 12, 2, "t-1", 2, 1);
            record(c, 13, 1, "t-2", 2, 2);
        }

        migrate(null);

        try (Connection c = connect()) {
            assertThat(records(c)).containsExactly("1 t-1 2", "1 t-2 2", "2 t-1 2");
            assertThatThrownBy(() -> record(c, 14, 1, "t-1", 2, 3))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("23"));
            record(c, 15, 1, "t-1", 3, 3);
            record(c, 16, 2, "t-2", 2, 2);
            assertThat(records(c)).hasSize(5);
        }
    }

    private static void account(Connection c, long id, String eid) throws SQLException {
        insert(c, """
                insert into wallet_account (account_id, ident, account_group, eid, account_name, balance, credit,
                                            status, version, create_time)
                values (?, 'test', 'g', ?, 'n', 0, 0, 1, 0, ?)""", id, eid, LocalDateTime.of(2026, 11, 29, 12, 0));
    }

    private static void record(Connection c, long id, long account, String tradeNo, int type, long version)
            throws SQLException {
        insert(c, """
                insert into wallet_record (record_id, account_id, trade_no, change_type, amount, balance,
                                           account_version, create_time)
                values (?, ?, ?, ?, 0, 0, ?, ?)""", id, account, tradeNo, type, version, LocalDateTime.of(2026, 11, 29, 12, 0));
    }

    private static List<String> records(Connection c) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "select account_id, trade_no, change_type from wallet_record order by account_id, trade_no")) {
            while (rs.next()) {
                rows.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getInt(3));
            }
        }
        return rows;
    }
}
