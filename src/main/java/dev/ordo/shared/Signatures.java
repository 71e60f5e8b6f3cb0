package dev.ordo.shared;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of every signed exchange (channels calling Ordo, Ordo calling suppliers and
 * channels): {@code sign = hex(HMAC-SHA256(secret, canonical))} where {@code canonical} is every
 * parameter except {@code sign}, with a non-empty value, sorted by name, written {@code name=value}
 * and joined by {@code &}, values as sent (not URL-encoded). Example: parameters
 * {@code request_no=r1, channel_no=ycdown, timestamp=1795300000} give the canonical text
 * {@code channel_no=ycdown&request_no=r1&timestamp=1795300000}.
 */
public final class Signatures {

    public static final String SIGN = "sign";

    private Signatures() {}

    public static String canonical(Map<String, String> parameters) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(parameters).forEach((name, value) -> {
            if (!SIGN.equals(name) && value != null && !value.isEmpty()) {
                if (!text.isEmpty()) {
                    text.append('&');
                }
                text.append(name).append('=').append(value);
            }
        });
        return text.toString();
    }

    public static String sign(String secret, Map<String, String> parameters) {
        return hmacHex(secret, canonical(parameters));
    }

    /**
     * Refuses (914) a {@code timestamp} that is missing, not Unix seconds, or more than {@code window}
     * away from {@code clock}'s time: a signed request seen on the way cannot be sent again later.
     */
    public static void checkTimestamp(String timestamp, Clock clock, Duration window) {
        long seconds;
        try {
            seconds = Long.parseLong(String.valueOf(timestamp));
        } catch (NumberFormatException e) {
            throw new OrdoException(ErrorCode.SIGNATURE_INVALID, "timestamp must be Unix seconds");
        }
        long now = clock.instant().getEpochSecond();
        // Compared without a subtraction: now - (now - 2^63) overflows, and its absolute value is negative.
        if (seconds < now - window.toSeconds() || seconds > now + window.toSeconds()) {
            throw new OrdoException(
                    ErrorCode.SIGNATURE_INVALID,
                    "timestamp is more than " + window.toMinutes() + " minutes away from the server's time");
        }
    }

    /** Constant-time comparison of the given signature with the expected one. */
    public static boolean verify(String secret, Map<String, String> parameters, String presented) {
        if (presented == null || secret == null || secret.isEmpty()) {
            return false;
        }
        byte[] expected = sign(secret, parameters).getBytes(StandardCharsets.US_ASCII);
        byte[] given = presented.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given);
    }

    public static String hmacHex(String secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
