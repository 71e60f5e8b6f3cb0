package dev.ordo.supplier;

import java.time.Duration;

/** Where and how to reach one supplier (from the catalog's upstream channel). */
public record SupplierEndpoint(
        String channelNo,
        String protocol,
        int serviceClass,
        String requestUrl,
        String queryUrl,
        String returnUrl,
        String notifyUrl,
        String secret,
        int timeoutMs) {

    /** What a call may take beyond the supplier's response timeout before it is cut off (a trickling answer). */
    public static final Duration CALL_SLACK = Duration.ofSeconds(5);

    /** The longest one call to this supplier can take: its response timeout, plus {@link #CALL_SLACK}. */
    public Duration longestCall() {
        return Duration.ofMillis(timeoutMs).plus(CALL_SLACK);
    }
}
