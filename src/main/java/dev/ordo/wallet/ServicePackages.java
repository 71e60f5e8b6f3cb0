package dev.ordo.wallet;

import java.util.List;
import java.util.Optional;

/** Service packages (SPEC B3); joins the caller's transaction like {@link Wallet}. */
public interface ServicePackages {

    /**
     * Opens a package for an existing account with {@code total} capacity (recorded as its first
     * add), or returns the existing one if it was opened with the same parameters.
     */
    Opened open(AccountKey account, PackageTerms terms);

    record Opened(ServicePackage servicePackage, boolean created) {}

    Optional<ServicePackage> find(AccountKey account, String spkgId);

    CapacityOutcome apply(CapacityChange change);

    /** Newest first, of one package or (spkgId null) of all the account's packages. */
    List<CapacityRecord> records(AccountKey account, String spkgId, RecordQuery query);
}
