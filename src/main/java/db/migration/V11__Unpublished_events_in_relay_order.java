package db.migration;

import dev.ordo.shared.Dialect;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The relay reads the oldest unpublished order events ({@code where published_at is null order by
 * created_at, event_id limit 500}). On MySQL and H2 their index was {@code (published_at, event_id)}:
 * every run sorted the whole backlog — after hours with RabbitMQ down, millions of rows per batch of
 * 500. Now {@code (published_at, created_at, event_id)}: the unpublished rows in the relay's order, read
 * 500 at a time. PostgreSQL has had its partial index in that order since V7.
 */
public class V11__Unpublished_events_in_relay_order extends DialectMigration {

    @Override
    void migrate(Dialect dialect, Statement sql) throws SQLException {
        switch (dialect) {
            case POSTGRESQL -> {}
            case H2 -> {
                sql.execute("drop index ix_oms_order_event_unpublished");
                sql.execute("create index ix_oms_order_event_unpublished on oms_order_event"
                        + " (published_at, created_at, event_id)");
            }
            case MYSQL ->
                sql.execute("alter table oms_order_event drop index ix_oms_order_event_unpublished,"
                        + " add index ix_oms_order_event_unpublished (published_at, created_at, event_id)");
        }
    }
}
