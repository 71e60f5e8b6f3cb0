package dev.ordo.shared.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ordo.shared.Dialect;
import dev.ordo.testing.DatabaseTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * V7 to V9 (Java migrations, their statements differ per database): the job table's index on
 * {@code execution_time} goes everywhere, and on PostgreSQL the outbox's index keeps only the
 * unpublished events (V7); an order's events are keyed by {@code (order_id, event_id)}, which
 * replaces their index by order, and on PostgreSQL the order and unit tables leave room on their
 * pages for updates (V8); a wallet record is keyed by its account's version (V9); the records'
 * unique keys on trade numbers lead with the trade number (V10).
 */
@DatabaseTest
class LeanerIndexesMigrationTest {

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Dialect dialect;

    @Test
    void the_job_table_keeps_its_queue_and_heartbeat_indexes_and_loses_the_execution_time_one() throws SQLException {
        assertThat(indexes("scheduled_tasks"))
                .contains("ix_scheduled_tasks_due", "ix_scheduled_tasks_heartbeat")
                .doesNotContain("ix_scheduled_tasks_execution_time");
    }

    @Test
    void the_outbox_index_holds_unpublished_events_in_the_relays_order() throws SQLException {
        assertThat(indexes("oms_order_event")).contains("ix_oms_order_event_unpublished");
        if (dialect != Dialect.POSTGRESQL) {
            // V11: the relay's order after the null published_at, so that no run sorts the backlog.
            assertThat(indexColumns("oms_order_event", "ix_oms_order_event_unpublished", false))
                    .containsExactly("published_at", "created_at", "event_id");
            return;
        }
        String definition = jdbc.sql(
                        "select indexdef from pg_indexes where indexname = 'ix_oms_order_event_unpublished'")
                .query(String.class)
                .single();
        assertThat(definition).contains("(created_at, event_id)").contains("WHERE (published_at IS NULL)");
    }

    @Test
    void an_orders_events_are_keyed_by_order_and_event_and_have_no_other_index_by_order() throws SQLException {
        assertThat(primaryKey("oms_order_event")).containsExactly("order_id", "event_id");
        assertThat(indexes("oms_order_event")).doesNotContain("ix_oms_order_event_order");
    }

    @Test
    void a_wallet_record_is_keyed_by_its_accounts_version_and_has_no_other_index_for_it() throws SQLException {
        assertThat(primaryKey("wallet_record")).containsExactly("account_id", "account_version");
        // H2 names a constraint's index after it, with a suffix.
        assertThat(indexes("wallet_record"))
                .anyMatch(index -> index.startsWith("uk_wallet_record_trade"))
                .contains("ix_wallet_record_time")
                .noneMatch(index -> index.startsWith("uk_wallet_record_version"));
    }

    @Test
    void record_trade_keys_lead_with_the_trade_number_so_new_records_share_the_index_pages_at_its_end()
            throws SQLException {
        assertThat(indexColumns("wallet_record", "uk_wallet_record_trade"))
                .containsExactly("trade_no", "account_id", "change_type");
        assertThat(indexColumns("wallet_package_record", "uk_wallet_package_record_trade"))
                .containsExactly("trade_no", "pkg_id", "change_type");
    }

    @Test
    void on_postgresql_the_order_and_unit_tables_leave_room_for_updates_on_their_pages() {
        assumeTrue(dialect == Dialect.POSTGRESQL, "on PostgreSQL only");
        List<String> options = jdbc.sql("select relname || ' ' || array_to_string(reloptions, ',') from pg_class"
                        + " where relname in ('oms_order', 'oms_order_unit') and relkind = 'r'")
                .query(String.class)
                .list();
        assertThat(options).containsExactlyInAnyOrder("oms_order fillfactor=85", "oms_order_unit fillfactor=85");
    }

    /** The primary key's columns, in the key's order. */
    private List<String> primaryKey(String table) throws SQLException {
        SortedMap<Short, String> columns = new TreeMap<>();
        try (Connection connection = dataSource.getConnection();
                ResultSet rs = connection
                        .getMetaData()
                        .getPrimaryKeys(connection.getCatalog(), connection.getSchema(), name(table))) {
            while (rs.next()) {
                columns.put(rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
            }
        }
        return List.copyOf(columns.values());
    }

    private String name(String table) {
        return dialect == Dialect.H2 ? table.toUpperCase(Locale.ROOT) : table;
    }

    /** The columns, in order, of the unique index whose name starts with the prefix (H2 adds a suffix). */
    private List<String> indexColumns(String table, String prefix) throws SQLException {
        return indexColumns(table, prefix, true);
    }

    private List<String> indexColumns(String table, String prefix, boolean unique) throws SQLException {
        SortedMap<Short, String> columns = new TreeMap<>();
        try (Connection connection = dataSource.getConnection();
                ResultSet rs = connection
                        .getMetaData()
                        .getIndexInfo(connection.getCatalog(), connection.getSchema(), name(table), unique, false)) {
            while (rs.next()) {
                String index = rs.getString("INDEX_NAME");
                if (index != null && index.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                    columns.put(
                            rs.getShort("ORDINAL_POSITION"),
                            rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                }
            }
        }
        return List.copyOf(columns.values());
    }

    private List<String> indexes(String table) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            try (ResultSet rs = connection
                    .getMetaData()
                    .getIndexInfo(connection.getCatalog(), connection.getSchema(), name(table), false, false)) {
                while (rs.next()) {
                    if (rs.getString("INDEX_NAME") != null) {
                        names.add(rs.getString("INDEX_NAME").toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return names;
    }
}
