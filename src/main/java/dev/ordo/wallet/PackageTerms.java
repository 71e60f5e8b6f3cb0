package dev.ordo.wallet;

import java.time.Instant;
import java.util.Objects;

/**
 * What a service package is opened with.
 *
 * @param spkgId  the caller's package id ({@code sid}), unique per account
 * @param total   initial capacity, recorded as the package's first add
 * @param daily   most that may be deducted per day, 0 for no limit
 * @param expires deducts are refused from this instant on
 */
public record PackageTerms(String spkgId, String name, long total, long daily, Instant expires) {

    public PackageTerms {
        Identifiers.id("sid", spkgId);
        name = Identifiers.name("name", name);
        if (total < 0 || total > CapacityChange.MAX_NUM) {
            throw new IllegalArgumentException("total must be between 0 and " + CapacityChange.MAX_NUM);
        }
        if (daily < 0 || daily > CapacityChange.MAX_NUM) {
            throw new IllegalArgumentException("daily must be between 0 (no limit) and " + CapacityChange.MAX_NUM);
        }
        Objects.requireNonNull(expires, "expires");
    }
}
