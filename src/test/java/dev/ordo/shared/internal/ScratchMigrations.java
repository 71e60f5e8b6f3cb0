package dev.ordo.shared.internal;

import dev.ordo.shared.Dialect;
import dev.ordo.testing.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;

/** Ordo's migrations run on a scratch database up to a version, for tests of an upgrade with data in it. */
final class ScratchMigrations {

    private ScratchMigrations() {}

    /** Migrates the database at {@code url} to {@code target}, or to the latest version when null. */
    static void migrate(String url, String target) throws SQLException {
        Dialect dialect;
        try (Connection c = connect(url)) {
            dialect = Dialect.ofProductName(c.getMetaData().getDatabaseProductName());
        }
        var configuration = Flyway.configure()
                .dataSource(url, TestDatabases.user(), "")
                .locations("classpath:db/migration")
                .placeholders(SharedConfiguration.placeholdersFor(dialect));
        if (target != null) {
            configuration.target(target);
        }
        configuration.load().migrate();
    }

    static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, TestDatabases.user(), "");
    }
}
