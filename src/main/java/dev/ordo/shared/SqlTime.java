package dev.ordo.shared;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Ordo stores instants in {@code timestamp} / {@code datetime} columns as UTC wall-clock time, so
 * that every database and every node's time zone reads them the same way. These two helpers are
 * the only conversion.
 */
public final class SqlTime {

    private SqlTime() {}

    public static LocalDateTime utc(Instant instant) {
        return instant == null ? null : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }
}
