package dev.ordo.wallet;

import java.time.Instant;

/**
 * A package of countable capacity (SPEC B3), e.g. 1,000 SMS, owned by an account.
 *
 * @param capacityDaily most that may be deducted per day, 0 for no limit
 * @param deductToday   deducted today (Ordo's time zone), net of refunds of today's deducts
 */
public record ServicePackage(
        long pkgId,
        long accountId,
        String spkgId,
        String name,
        long totalCapacity,
        long totalRemain,
        long capacityDaily,
        long deductToday,
        Instant expires,
        Instant bookTime,
        Instant lastUpdate) {}
