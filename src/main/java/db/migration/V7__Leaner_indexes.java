package db.migration;

import dev.ordo.shared.Dialect;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Fewer index entries written per order (measured on PostgreSQL: about 7 % less WAL per finished
 * order). In Java because the statements differ per database:
 *
 * <ul>
 *   <li>{@code scheduled_tasks(execution_time)} goes: every query that reads due jobs names its
 *       queue and uses {@code (task_name, picked, execution_time)}, and the index cost two entries
 *       per job (its insert and its claim).
 *   <li>On PostgreSQL the outbox's index of unpublished events holds only those (a partial index in
 *       the relay's order): with every event published at once when no broker is configured, or
 *       within a second when one is, it stays near empty instead of growing by every event.
 *       H2 and MySQL have no partial indexes and keep the full one.
 * </ul>
 */
public class V7__Leaner_indexes extends DialectMigration {

    @Override
    void migrate(Dialect dialect, Statement sql) throws SQLException {
        switch (dialect) {
            case POSTGRESQL -> {
                sql.execute("drop index ix_scheduled_tasks_execution_time");
                sql.execute("drop index ix_oms_order_event_unpublished");
                sql.execute("create index ix_oms_order_event_unpublished on oms_order_event (created_at, event_id)"
                        + " where published_at is null");
            }
            case H2 -> sql.execute("drop index ix_scheduled_tasks_execution_time");
            case MYSQL -> sql.execute("drop index ix_scheduled_tasks_execution_time on scheduled_tasks");
        }
    }
}
