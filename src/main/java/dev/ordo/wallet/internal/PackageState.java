package dev.ordo.wallet.internal;

import dev.ordo.wallet.ServicePackage;
import java.time.Instant;
import java.time.LocalDate;

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

    /** A day as the packages count it: yyyymmdd. */
    static int day(LocalDate date) {
        return date.getYear() * 10_000 + date.getMonthValue() * 100 + date.getDayOfMonth();
    }

    /**
     * The day deducts count against now: {@code today} by this node's clock — or the next day when a
     * node whose clock is a little ahead already counted on it (the day never goes back), but never
     * further ahead: a clock that jumped days ahead for a moment does not pin the count.
     */
    int countingDay(LocalDate today) {
        int next = day(today.plusDays(1));
        return deductDay == next ? next : day(today);
    }

    /** Deducted on {@code day}: the stored count belongs to another day once the day has turned. */
    long deductedOn(int day) {
        return deductDay == day ? deductToday : 0;
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
