package dev.ordo.wallet.internal;

import dev.ordo.wallet.ServicePackage;
import java.time.Instant;

/** A package row as locked in one transaction. */
record PackageState(
        long pkgId,
        long accountId,
        String spkgId,
        String name,
        long totalCapacity,
        long totalRemain,
        long capacityDaily,
        long deductToday,
        int deductDay,
        Instant expires,
        Instant bookTime,
        Instant lastUpdate,
        long version) {

    /**
     * Deducted on {@code today}: the stored count belongs to an earlier day once the day has turned.
     * A count stored on a later day (by a node whose clock is ahead) stands.
     */
    long deductedOn(int today) {
        return deductDay >= today ? deductToday : 0;
    }

    ServicePackage view(int today) {
        return new ServicePackage(
                pkgId,
                accountId,
                spkgId,
                name,
                totalCapacity,
                totalRemain,
                capacityDaily,
                deductedOn(today),
                expires,
                bookTime,
                lastUpdate);
    }
}
