package db.migration;

import dev.ordo.shared.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * A Flyway Java migration whose statements differ per database (ADR 0003): it is given the database's
 * {@link Dialect} and a statement to run them on. Abstract, so Flyway does not take it for a migration.
 */
abstract class DialectMigration extends BaseJavaMigration {

    @Override
    public final void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        Dialect dialect = Dialect.ofProductName(connection.getMetaData().getDatabaseProductName());
        try (Statement sql = connection.createStatement()) {
            migrate(dialect, sql);
        }
    }

    abstract void migrate(Dialect dialect, Statement sql) throws SQLException;
}
