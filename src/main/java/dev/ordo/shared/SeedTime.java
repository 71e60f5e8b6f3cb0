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
        Instant instant = null;
        try {
            if (text.length() == 14) {
                instant = LocalDateTime.parse(text, DATE_TIME).atZone(zone).toInstant();
            } else if (text.length() == 8) {
                LocalDate date = LocalDate.parse(text, DATE);
                instant =
                        (endOfDay ? date.plusDays(1) : date).atStartOfDay(zone).toInstant();
            }
        } catch (DateTimeException e) {
            // refused below
        }
        if (instant == null) {
            throw new IllegalArgumentException("expected yyyyMMddHHmmss or yyyyMMdd");
        }
        if (!storable(instant)) {
            throw new IllegalArgumentException("expected a time between the years 1000 and 9999");
        }
        return instant;
    }

    /** Whether every database can hold the instant: the years 1000 to 9999. */
    public static boolean storable(Instant instant) {
        return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
    }

    /** What every database holds (MySQL's datetime: the years 1000 to 9999), a day inside for time zones. */
    private static final Instant EARLIEST = Instant.parse("1000-01-02T00:00:00Z");

    private static final Instant LATEST = Instant.parse("9999-12-30T00:00:00Z");
}
