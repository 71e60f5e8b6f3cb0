package db.migration;

import dev.ordo.shared.Dialect;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Fewer index entries written per order, in Java because the statements differ per database:
 *
 * <ul>
 *   <li>An order's events are keyed by {@code (order_id, event_id)}: they are always read by order
 *       (its history) or by that key (the relay), so the key replaces both the primary key on
 *       {@code event_id} and the index on {@code (order_id, created_at)} — one index entry fewer for
 *       each of the eight or so events of an order.
 *   <li>On PostgreSQL the order and unit tables leave a sixth of each page free, so that an order's
 *       or a unit's change of status usually stays on its page (a HOT update) and writes no index
 *       entry; without the room, nearly every such update wrote an entry in each of their indexes.
 * </ul>
 */
public class V8__Order_keyed_events_and_room_for_updates extends DialectMigration {

    @Override
    void migrate(Dialect dialect, Statement sql) throws SQLException {
        switch (dialect) {
            case POSTGRESQL -> {
                sql.execute("alter table oms_order_event drop constraint oms_order_event_pkey,"
                        + " add constraint pk_oms_order_event primary key (order_id, event_id)");
                sql.execute("drop index ix_oms_order_event_order");
                sql.execute("alter table oms_order set (fillfactor = 85)");
                sql.execute("alter table oms_order_unit set (fillfactor = 85)");
            }
            case H2 -> {
                sql.execute("alter table oms_order_event drop primary key");
                sql.execute("alter table oms_order_event add constraint pk_oms_order_event"
                        + " primary key (order_id, event_id)");
                sql.execute("drop index ix_oms_order_event_order");
            }
            case MYSQL ->
                sql.execute("alter table oms_order_event drop primary key, add primary key (order_id, event_id),"
                        + " drop index ix_oms_order_event_order");
        }
    }
}
