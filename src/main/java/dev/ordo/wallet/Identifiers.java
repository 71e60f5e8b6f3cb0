package dev.ordo.wallet;

import java.util.regex.Pattern;

/** The shape of external ids and names the wallet accepts; refusals are IllegalArgumentException. */
public final class Identifiers {

    /** Ids: letters, digits and {@code _ . : @ - /}, 1 to 64 characters. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:@/\\-]{1,64}");

    private Identifiers() {}

    public static String id(String what, String value) {
        if (!isId(value)) {
            throw new IllegalArgumentException(what + " must be 1 to 64 letters, digits or _ . : @ / -");
        }
        return value;
    }

    /** The same test as {@link #ID}, without a regular expression: it runs on every request. */
    public static boolean isId(String value) {
        if (value == null || value.isEmpty() || value.length() > 64) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (!isIdChar(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean isIdChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '_'
                || c == '.'
                || c == ':'
                || c == '@'
                || c == '/'
                || c == '-';
    }

    /**
     * Names: 1 to 64 characters counted as Java (and H2) count them — a character outside the Basic
     * Multilingual Plane, an emoji say, counts as two — no control characters, surrounding blanks
     * removed.
     */
    public static String name(String what, String value) {
        String name = value == null ? "" : value.strip();
        if (name.isEmpty() || name.length() > 64) {
            throw new IllegalArgumentException(
                    what + " must be 1 to 64 characters (an emoji or another character beyond U+FFFF counts as two)");
        }
        if (name.codePoints().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(what + " must not contain control characters");
        }
        return name;
    }
}
