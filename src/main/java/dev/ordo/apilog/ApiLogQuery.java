package dev.ordo.apilog;

import java.time.Instant;

/**
 * What to look for in the API log; every criterion may be null (any).
 *
 * @param reference a channel's request_no or a delivery's order_no, exactly
 * @param failed    true: only calls answered other than 2xx or not at all; false: only 2xx
 * @param from      from this instant on (inclusive)
 * @param to        before this instant (exclusive): the {@code at} of the last entry of a page gives the next
 * @param limit     at most this many entries, newest first
 */
public record ApiLogQuery(
        ApiCallKind kind, String party, String reference, Boolean failed, Instant from, Instant to, int limit) {}
