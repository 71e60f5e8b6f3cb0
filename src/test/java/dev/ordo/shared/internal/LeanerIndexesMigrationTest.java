package dev.ordo.shared.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.shared.Dialect;
import dev.ordo.testing.DatabaseTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * V7 (a Java migration, its statements differ per database) drops the job table's index on
 * {@code execution_time} everywhere, and on PostgreSQL keeps only the unpublished events in the
 * outbox's index.
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
    void on_postgresql_the_outbox_index_holds_only_unpublished_events_in_the_relays_order() throws SQLException {
        assertThat(indexes("oms_order_event")).contains("ix_oms_order_event_unpublished");
        if (dialect != Dialect.POSTGRESQL) {
            return;
        }
        String definition = jdbc.sql(
                        "select indexdef from pg_indexes where indexname = 'ix_oms_order_event_unpublished'")
                .query(String.class)
                .single();
        assertThat(definition).contains("(created_at, event_id)").contains("WHERE (published_at IS NULL)");
    }

    private List<String> indexes(String table) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            String name = dialect == Dialect.H2 ? table.toUpperCase(Locale.ROOT) : table;
            try (ResultSet rs = connection.getMetaData().getIndexInfo(null, null, name, false, false)) {
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
