package dev.ordo.shared;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;

/** The database families Ordo runs on (SPEC K2). MySQL and MariaDB share one family. */
public enum Dialect {
    H2,
    POSTGRESQL,
    MYSQL;

    public static Dialect of(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return ofProductName(connection.getMetaData().getDatabaseProductName());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the database product name", e);
        }
    }

    public static Dialect ofProductName(String productName) {
        String name = productName.toLowerCase(Locale.ROOT);
        if (name.contains("h2")) {
            return H2;
        }
        if (name.contains("postgres")) {
            return POSTGRESQL;
        }
        if (name.contains("mysql") || name.contains("mariadb")) {
            return MYSQL;
        }
        throw new IllegalStateException("unsupported database: " + productName
                + " (Ordo runs on H2, PostgreSQL 15+, MySQL 8 and MariaDB 10.6+)");
    }
}
