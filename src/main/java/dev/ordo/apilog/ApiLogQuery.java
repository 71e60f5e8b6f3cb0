package dev.ordo.apilog;

import java.time.Instant;

/**
 * What to look for in the API log; every criterion may be null (any).
 *
 * @param reference a channel's request_no or a delivery's order_no, exactly
 * @param failed    true: only calls answered other than 2xx or not at all; false: only 2xx
 * @param from      from this instant on (inclusive)
 * @param to        before this instant (exclusive)
 * @param beforeId  with {@code to}: also the entries at exactly {@code to} whose id is below this — the
 *                  {@code at} and {@code log_id} of a page's last entry give the next page
 * @param limit     at most this many entries, newest first
 */
public record ApiLogQuery(
        ApiCallKind kind,
        String party,
        String reference,
        Boolean failed,
        Instant from,
        Instant to,
        Long beforeId,
        int limit) {}
