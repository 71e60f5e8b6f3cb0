package dev.ordo.shared;

/**
 * Text from outside Ordo on its way to a text column. PostgreSQL refuses the NUL character in text
 * (H2 and MySQL keep it): one in a supplier's message would fail every transaction that stores it,
 * its job retried until it dies. NUL is replaced by U+FFFD, the replacement character, on every
 * database alike.
 */
public final class SqlText {

    private SqlText() {}

    public static String storable(String text) {
        return text == null || text.indexOf('\u0000') < 0 ? text : text.replace('\u0000', '\uFFFD');
    }
}
