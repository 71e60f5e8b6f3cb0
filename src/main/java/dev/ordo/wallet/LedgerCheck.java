package dev.ordo.wallet;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Verifies SPEC B5 for every account and package: the balance (remaining capacity) equals the sum
 * of its records, their count equals its version, and no balance is below minus its credit. Runs
 * as a recurring job; every break is logged, counted in {@code ordo_wallet_ledger_breaks} and kept
 * in the report.
 */
public interface LedgerCheck {

    /** Runs a full check now on this node (every record of every account) and returns its report. */
    Report check();

    Optional<Report> latest();

    record Report(
            long checkId,
            Instant startedAt,
            Instant finishedAt,
            boolean full,
            long accountsChecked,
            long packagesChecked,
            List<Break> breaks) {

        public boolean clean() {
            return breaks.isEmpty();
        }
    }

    /**
     * @param kind     {@code balance_mismatch}, {@code record_count_mismatch}, {@code below_credit},
     *                 {@code remain_mismatch}, {@code package_record_count_mismatch}, {@code negative_remain}
     * @param subject  {@code account} or {@code package}
     * @param expected what the records say
     * @param actual   what the row says
     */
    record Break(String kind, String subject, long subjectId, long expected, long actual) {}
}
