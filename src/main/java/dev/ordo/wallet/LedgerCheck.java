package dev.ordo.wallet;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Verifies SPEC B5 for every account and package: the balance (remaining capacity) equals the sum
 * of its records, their count equals its version, and no balance is below minus its credit; and, record
 * by record, that the balance after each is the one after its predecessor plus its amount and that
 * each refund gives back at most the deduct of its trade number. Runs
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
     *                 {@code record_balance_mismatch}, {@code refund_exceeds_deduct}, {@code remain_mismatch},
     *                 {@code package_record_count_mismatch}, {@code negative_remain},
     *                 {@code package_record_remain_mismatch}, {@code package_refund_exceeds_deduct}
     * @param subject  {@code account} or {@code package}
     * @param expected what the records say; 0 for the record-by-record kinds
     * @param actual   what the row says; for the record-by-record kinds, how many records are at fault
     */
    record Break(String kind, String subject, long subjectId, long expected, long actual) {}
}
