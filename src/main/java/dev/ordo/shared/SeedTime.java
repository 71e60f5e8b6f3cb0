package dev.ordo.shared;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;

/**
 * The time format of the seeds' HTTP APIs: {@code yyyyMMddHHmmss} in Ordo's time zone
 * ({@code ordo.time-zone}), e.g. {@code 20190731172225}; inputs may also be a bare date
 * {@code yyyyMMdd}.
 */
public final class SeedTime {

    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("uuuuMMddHHmmss").withResolverStyle(ResolverStyle.STRICT);
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("uuuuMMdd").withResolverStyle(ResolverStyle.STRICT);

    private SeedTime() {}

    public static String format(Instant instant, ZoneId zone) {
        return instant == null ? null : DATE_TIME.format(instant.atZone(zone));
    }

    /**
     * Parses {@code yyyyMMddHHmmss}, or {@code yyyyMMdd} as the start of that day (or, when
     * {@code endOfDay}, the start of the next day, so that a date range includes its last day).
     */
    public static Instant parse(String text, ZoneId zone, boolean endOfDay) {
        try {
            if (text.length() == 14) {
                return LocalDateTime.parse(text, DATE_TIME).atZone(zone).toInstant();
            }
            if (text.length() == 8) {
                LocalDate date = LocalDate.parse(text, DATE);
                return (endOfDay ? date.plusDays(1) : date).atStartOfDay(zone).toInstant();
            }
        } catch (DateTimeException e) {
            // fall through to the refusal below
        }
        throw new IllegalArgumentException("expected yyyyMMddHHmmss or yyyyMMdd");
    }
}
