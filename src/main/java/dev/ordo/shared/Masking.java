package dev.ordo.shared;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a log or trail keeps of a value that may carry a secret: the values of parameters one of
 * whose words ({@link #secretName}) begins or ends with secret, password, token, key or sign are
 * masked ({@code supplier_secret}, {@code apiKey}, {@code appsecret}, {@code sign}; not
 * {@code legacy_unsigned}), and so are the user info of URLs and the values of such parameters in
 * them.
 */
public final class Masking {

    public static final String MASK = "***";

    private static final List<String> SECRET_WORDS =
            List.of("secret", "password", "passwd", "pwd", "token", "credential", "key", "sign", "signature");
    /** Splits a name into its words: at anything but letters and digits, and where a lower-case letter meets an upper-case one. */
    private static final Pattern WORD_BREAK = Pattern.compile("[^\\p{Alnum}]+|(?<=[\\p{Lower}\\d])(?=\\p{Upper})");
    /** A parameter of a query string or form: its separator, name and value (up to the next parameter of any URL in it). */
    private static final Pattern PARAM = Pattern.compile("(^|[&?])([^=&?\\n]*)=([^&?\\n]*)");
    /**
     * A JSON property whose value is a string: its name and its value up to the closing quote, or to
     * the end of a text cut short in it.
     */
    private static final Pattern JSON_STRING_PROPERTY =
            // Possessive throughout: a long string is one step, not a frame of the regex engine's stack per character.
            Pattern.compile("\"((?:[^\"\\\\]++|\\\\.)*+)\"\\s*+:\\s*+\"((?:[^\"\\\\]++|\\\\.)*+)(\"|\\\\?$)");

    private Masking() {}

    /** A URL keeps its host and path; its user info and the values of secret-looking parameters are masked. Anything else as it is. */
    public static String url(String value) {
        if (!value.contains("://")) {
            return value;
        }
        return params(Urls.withoutUserInfo(value));
    }

    /**
     * A query string or form (or a URL with one) with the values of secret-looking parameters masked:
     * a secret's value up to the next {@code &}, a {@code ?} in it included (a URL given as another
     * parameter's value ends at its own {@code ?}, so that its parameters are looked at too). A line
     * break ends a value as {@code &} does: what follows it is another text.
     */
    public static String params(String params) {
        Matcher param = PARAM.matcher(params);
        StringBuilder masked = new StringBuilder(params.length());
        int copied = 0;
        int at = 0;
        while (at < params.length() && param.find(at)) {
            if (secretName(param.group(2))) {
                int end = param.start(3);
                while (end < params.length() && params.charAt(end) != '&' && params.charAt(end) != '\n') {
                    end++;
                }
                masked.append(params, copied, param.start(3)).append(MASK);
                copied = end;
                at = end;
            } else {
                at = param.end();
            }
        }
        return masked.append(params, copied, params.length()).toString();
    }

    /**
     * A JSON text — whole, or cut short anywhere — with the string values of secret-looking properties
     * masked, at any depth; anything else as it is. For a text that is only kept to be read, such as a
     * request logged: {@code {"sign":"4f2a","num":1}} becomes {@code {"sign":"***","num":1}}.
     */
    public static String json(String text) {
        Matcher property = JSON_STRING_PROPERTY.matcher(text);
        StringBuilder masked = new StringBuilder(text.length());
        int copied = 0;
        while (property.find()) {
            if (secretName(property.group(1))) {
                masked.append(text, copied, property.start(2)).append(MASK);
                copied = property.end(2);
            }
        }
        return masked.append(text, copied, text.length()).toString();
    }

    /** Whether a parameter or property of this name (percent-encoded or not) holds a secret: one of its words says so. */
    public static boolean secretName(String name) {
        String decoded;
        try {
            decoded = URLDecoder.decode(name, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notEncoded) {
            decoded = name;
        }
        // Most names (every parameter of an order request) hold no secret word anywhere: no words to split.
        String lower = decoded.toLowerCase(Locale.ROOT);
        if (SECRET_WORDS.stream().noneMatch(lower::contains)) {
            return false;
        }
        for (String word : WORD_BREAK.split(decoded)) {
            String w = word.toLowerCase(Locale.ROOT);
            for (String secret : SECRET_WORDS) {
                if (w.startsWith(secret) || w.endsWith(secret)) {
                    return true;
                }
            }
        }
        return false;
    }
}
