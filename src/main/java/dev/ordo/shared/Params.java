package dev.ordo.shared;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.function.Supplier;

/**
 * Checks for request parameters of the seed-style APIs (GET query or POST form). Every refusal is
 * an {@link OrdoException} with a message naming the parameter, thrown before anything is written.
 */
public final class Params {

    /** Longer values are refused outright, whatever the parameter. */
    public static final int MAX_LENGTH = 1024;

    /** 1 to 19 ASCII digits (what a long can hold, nearly). */
    private static boolean digits(String text) {
        if (text.isEmpty() || text.length() > 19) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private Params() {}

    /**
     * The parameter's value from the query string or the form body; a parameter given more than
     * once is refused (which of the values was meant is anyone's guess).
     */
    public static String of(HttpServletRequest request, String name) {
        String[] values = request.getParameterValues(name);
        if (values == null) {
            return null;
        }
        if (values.length > 1) {
            throw OrdoException.badParameter(name + " is given more than once");
        }
        return values[0];
    }

    public static String required(String name, String value) {
        String checked = optional(name, value);
        if (checked == null) {
            throw OrdoException.badParameter(name + " is required");
        }
        return checked;
    }

    /** Null or blank is absent; anything else must fit {@link #MAX_LENGTH}. */
    public static String optional(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.length() > MAX_LENGTH) {
            throw OrdoException.badParameter(name + " is too long");
        }
        return value;
    }

    /**
     * As {@link #optional}, and without a NUL character: PostgreSQL holds none in text and fails the
     * query that compares with one, so a value searched for as it is must be refused first.
     */
    public static String optionalText(String name, String value) {
        String checked = optional(name, value);
        if (checked != null && checked.indexOf('\u0000') >= 0) {
            throw OrdoException.badParameter(name + " must not contain a NUL character");
        }
        return checked;
    }

    public static String orDefault(String name, String value, String fallback) {
        String checked = optional(name, value);
        return checked == null ? fallback : checked;
    }

    /** A whole number of cents from 1 to {@link Cents#MAX_AMOUNT}; anything else is error 903. */
    public static Cents positiveCents(String name, String value) {
        return cents(name, value, 1);
    }

    /** A whole number of cents from {@code min} (0 or 1) to {@link Cents#MAX_AMOUNT}; anything else is error 903. */
    public static Cents cents(String name, String value, long min) {
        String text = required(name, value);
        long cents;
        try {
            cents = digits(text) ? Long.parseLong(text) : Long.MIN_VALUE;
        } catch (NumberFormatException overflow) {
            cents = Long.MAX_VALUE;
        }
        if (cents < min || cents > Cents.MAX_AMOUNT) {
            throw new OrdoException(
                    ErrorCode.AMOUNT_INVALID,
                    name + " must be a whole number of cents from " + min + " to " + Cents.MAX_AMOUNT);
        }
        return Cents.of(cents);
    }

    /** A whole number within [min, max], or {@code fallback} when absent. */
    public static long number(String name, String value, long min, long max, long fallback) {
        String text = optional(name, value);
        if (text == null) {
            return fallback;
        }
        long parsed;
        try {
            parsed = digits(text) ? Long.parseLong(text) : Long.MIN_VALUE;
        } catch (NumberFormatException overflow) {
            parsed = Long.MIN_VALUE;
        }
        if (parsed < min || parsed > max) {
            throw OrdoException.badParameter(name + " must be a whole number from " + min + " to " + max);
        }
        return parsed;
    }

    public static long requiredNumber(String name, String value, long min, long max) {
        required(name, value);
        return number(name, value, min, max, 0);
    }

    /** {@code yyyyMMddHHmmss}, or {@code yyyyMMdd} (start of that day, or end when {@code endOfDay}). */
    public static Instant seedTime(String name, String value, ZoneId zone, boolean endOfDay) {
        String text = optional(name, value);
        if (text == null) {
            return null;
        }
        try {
            return SeedTime.parse(text, zone, endOfDay);
        } catch (IllegalArgumentException e) {
            throw OrdoException.badParameter(name + " must be yyyyMMddHHmmss or yyyyMMdd");
        }
    }

    /** An ISO-8601 instant such as {@code 2026-11-29T00:00:00Z}, between the years 1000 and 9999; null when blank. */
    public static Instant isoInstant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            Instant instant = Instant.parse(value.strip());
            if (SeedTime.storable(instant)) {
                return instant;
            }
        } catch (DateTimeParseException e) {
            // refused below
        }
        throw OrdoException.badParameter(
                name + " must be an ISO-8601 instant between the years 1000 and 9999, e.g. 2026-11-29T00:00:00Z");
    }

    /** Builds a value whose constructor validates; its refusal becomes a 400 with its message. */
    public static <T> T valid(Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            throw OrdoException.badParameter(e.getMessage());
        }
    }
}
