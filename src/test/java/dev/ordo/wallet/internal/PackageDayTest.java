package dev.ordo.wallet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.shared.Ids;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Unique;
import dev.ordo.wallet.AccountKey;
import dev.ordo.wallet.CapacityChange;
import dev.ordo.wallet.CapacityOutcome;
import dev.ordo.wallet.ChangeType;
import dev.ordo.wallet.PackageTerms;
import dev.ordo.wallet.Refusal;
import dev.ordo.wallet.TradeNo;
import dev.ordo.wallet.Wallet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * SPEC B3's daily limit over the turn of a day: the count starts afresh on a new day, a refund of an
 * earlier day's deduct does not lower today's, and a node whose clock is behind another's does not
 * take the day back to start a fresh count.
 */
@DatabaseTest
class PackageDayTest {

    private static final Instant LATE_ON_THE_30TH = Instant.parse("2026-11-30T23:59:58Z");
    private static final Instant EARLY_ON_THE_1ST = Instant.parse("2026-12-01T00:00:01Z");

    @Autowired
    JdbcAccounts accounts;

    @Autowired
    JdbcPackages packages;

    @Autowired
    Ids ids;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    Wallet wallet;

    AccountKey key;

    @BeforeEach
    void openPackage() {
        key = new AccountKey("test", "package-day", Unique.id("day"));
        wallet.open(key, "day", null);
        at(LATE_ON_THE_30TH)
                .open(key, new PackageTerms("sms", "sms", 1_000, 100, Instant.parse("2099-12-31T00:00:00Z")));
    }

    /** The packages as a node whose clock reads {@code now} (in UTC) sees them. */
    private DefaultServicePackages at(Instant now) {
        return new DefaultServicePackages(accounts, packages, ids, tx, Clock.fixed(now, ZoneOffset.UTC));
    }

    private CapacityOutcome deduct(Instant now, String tradeNo, long num) {
        return at(now).apply(new CapacityChange(key, "sms", new TradeNo(tradeNo), ChangeType.DEDUCT, num));
    }

    @Test
    void the_daily_count_starts_afresh_when_the_day_turns() {
        assertThat(deduct(LATE_ON_THE_30TH, "d1", 100)).isInstanceOf(CapacityOutcome.Applied.class);
        assertThat(deduct(LATE_ON_THE_30TH, "d2", 1))
                .isEqualTo(new CapacityOutcome.Refused(
                        Refusal.DAILY_LIMIT, "daily limit 100 reached (100 deducted today)"));

        assertThat(deduct(EARLY_ON_THE_1ST, "d2", 100)).isInstanceOf(CapacityOutcome.Applied.class);
        assertThat(at(EARLY_ON_THE_1ST).find(key, "sms").orElseThrow().deductToday())
                .isEqualTo(100);
    }

    @Test
    void a_refund_of_yesterdays_deduct_does_not_lower_todays_count() {
        deduct(LATE_ON_THE_30TH, "d1", 60);
        deduct(EARLY_ON_THE_1ST, "d2", 100);

        assertThat(at(EARLY_ON_THE_1ST).apply(new CapacityChange(key, "sms", new TradeNo("d1"), ChangeType.REFUND, 60)))
                .isInstanceOf(CapacityOutcome.Applied.class);

        assertThat(deduct(EARLY_ON_THE_1ST, "d3", 1)).isInstanceOf(CapacityOutcome.Refused.class);
        assertThat(at(EARLY_ON_THE_1ST).find(key, "sms").orElseThrow().deductToday())
                .isEqualTo(100);
    }

    @Test
    void a_node_whose_clock_is_behind_counts_against_the_day_another_node_already_counted_on() {
        assertThat(deduct(EARLY_ON_THE_1ST, "ahead", 100)).isInstanceOf(CapacityOutcome.Applied.class);

        // Still on the 30th by its clock: the 1st's count stands, for this node as for the other.
        assertThat(deduct(LATE_ON_THE_30TH, "behind", 1)).isInstanceOf(CapacityOutcome.Refused.class);
        assertThat(at(LATE_ON_THE_30TH).find(key, "sms").orElseThrow().deductToday())
                .isEqualTo(100);
        assertThat(deduct(EARLY_ON_THE_1ST, "ahead-again", 1)).isInstanceOf(CapacityOutcome.Refused.class);
        assertThat(at(EARLY_ON_THE_1ST).find(key, "sms").orElseThrow().totalRemain())
                .isEqualTo(900);
    }

    @Test
    void a_clock_that_jumped_days_ahead_for_a_moment_does_not_pin_the_daily_count() {
        assertThat(deduct(Instant.parse("2026-12-05T12:00:00Z"), "jumped", 100))
                .isInstanceOf(CapacityOutcome.Applied.class);

        assertThat(deduct(LATE_ON_THE_30TH, "back", 100)).isInstanceOf(CapacityOutcome.Applied.class);
        assertThat(at(LATE_ON_THE_30TH).find(key, "sms").orElseThrow().deductToday())
                .isEqualTo(100);
    }
}
