package dev.ordo.shared.internal;

import dev.ordo.shared.Dialect;
import dev.ordo.testing.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test of an upgrade with data in the database: Ordo's migrations run on a database of its own,
 * created for it on this run's server (or in memory for H2), up to a version, then the rest.
 */
abstract class ScratchMigrations {

    private final String scratch;
    private String url;

    ScratchMigrations(String scratch) {
        this.scratch = scratch;
    }

    @BeforeEach
    void scratchDatabase() {
        url = TestDatabases.scratch(scratch);
    }

    @AfterEach
    void dropScratchDatabase() {
        TestDatabases.dropScratch(scratch);
    }

    /** Migrates the scratch database to {@code target}, or to the latest version when null. */
    void migrate(String target) throws SQLException {
        Dialect dialect;
        try (Connection c = connect()) {
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

    /** Runs one insert whose {@code ?} take {@code values} in order (a LocalDateTime as a timestamp). */
    static void insert(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                if (values[i] instanceof LocalDateTime time) {
                    s.setTimestamp(i + 1, Timestamp.valueOf(time));
                } else {
                    s.setObject(i + 1, values[i]);
                }
            }
            s.executeUpdate();
        }
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, TestDatabases.user(), "");
    }
}
