package dev.ordo.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.shared.SqlTime;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Http;
import dev.ordo.testing.Unique;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** The recurring ledger check (SPEC B5) finds a break, and reports it as a metric, a log line and over HTTP. */
@DatabaseTest
@ExtendWith(OutputCaptureExtension.class)
class LedgerCheckTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    LedgerCheck ledgerCheck;

    @Test
    void a_balance_that_no_longer_equals_its_records_is_reported_everywhere(CapturedOutput output) {
        Http http = new Http(port);
        long id = checkedAccountHolding400(http);

        // Somebody edits the balance behind the ledger's back.
        jdbc.sql("update wallet_account set balance = 450 where account_id = :id")
                .param("id", id)
                .update();
        try {
            assertThat(http.post("/admin/wallet/ledger-check", "application/x-www-form-urlencoded", "")
                            .status())
                    .isEqualTo(202);
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode report = http.get("/admin/wallet/ledger-check").json();
                // The recurring check, from the marks the full check above left.
                assertThat(report.get("full").asBoolean()).isFalse();
                assertThat(report.get("breaks").valueStream()).anySatisfy(b -> {
                    assertThat(b.get("kind").asString()).isEqualTo("balance_mismatch");
                    assertThat(b.get("subject_id").asLong()).isEqualTo(id);
                    assertThat(b.get("expected").asLong()).isEqualTo(400);
                    assertThat(b.get("actual").asLong()).isEqualTo(450);
                });
            });
            assertThat(http.get("/actuator/prometheus").body())
                    .containsPattern("ordo_wallet_ledger_breaks\\{[^}]*} [1-9]");
            assertThat(output.getAll()).contains("ledger break: balance_mismatch account " + id);
        } finally {
            jdbc.sql("update wallet_account set balance = 400 where account_id = :id")
                    .param("id", id)
                    .update();
        }
        assertThat(ledgerCheck.check().breaks()).noneMatch(b -> b.subjectId() == id);
    }

    @Test
    void
            the_recurring_check_reads_only_the_records_after_the_marks_and_a_full_check_a_day_reads_them_all_and_its_breaks_stay_reported() {
        Http http = new Http(port);
        long id = checkedAccountHolding400(http);

        // A record already marked is edited: the sum of its records now says 500 for a balance of 400.
        jdbc.sql("update wallet_record set amount = 600 where account_id = :id and trade_no = 't1'")
                .param("id", id)
                .update();
        try {
            JsonNode fromMarks = runRecurringCheck(http);
            assertThat(fromMarks.get("full").asBoolean()).isFalse();
            assertThat(fromMarks.get("breaks").valueStream())
                    .noneMatch(b -> b.get("subject_id").asLong() == id);

            // No full check within the day: the recurring check is a full one and finds it.
            jdbc.sql("update wallet_ledger_check set started_at = :old where full_scan = true")
                    .param("old", SqlTime.utc(Instant.now().minus(Duration.ofDays(2))))
                    .update();
            JsonNode full = runRecurringCheck(http);
            assertThat(full.get("full").asBoolean()).isTrue();
            assertThat(full.get("breaks").valueStream()).anySatisfy(b -> {
                assertThat(b.get("kind").asString()).isEqualTo("balance_mismatch");
                assertThat(b.get("subject_id").asLong()).isEqualTo(id);
                assertThat(b.get("expected").asLong()).isEqualTo(500);
                assertThat(b.get("actual").asLong()).isEqualTo(400);
            });

            // The next check from the marks still reports it: the broken account lost its mark.
            JsonNode after = runRecurringCheck(http);
            assertThat(after.get("full").asBoolean()).isFalse();
            assertThat(after.get("breaks").valueStream())
                    .anySatisfy(b -> assertThat(b.get("subject_id").asLong()).isEqualTo(id));
        } finally {
            jdbc.sql("update wallet_record set amount = 500 where account_id = :id and trade_no = 't1'")
                    .param("id", id)
                    .update();
        }
        assertThat(ledgerCheck.check().breaks()).noneMatch(b -> b.subjectId() == id);
    }

    /** A new account with a deduct of 100 from 500 (records t1 and t2), found right by a full check. */
    private long checkedAccountHolding400(Http http) {
        String eid = Unique.id("ledger");
        long id = open(http, eid);
        http.get("/account/balance/add", "eid", eid, "trade_no", "t1", "amount", "500");
        http.get("/account/balance/deduct", "eid", eid, "trade_no", "t2", "amount", "100");
        assertThat(ledgerCheck.check().breaks()).noneMatch(b -> b.subjectId() == id);
        return id;
    }

    /** A new account with an add of 500 (record t1); its id. */
    private long accountHolding500() {
        Http http = new Http(port);
        String eid = Unique.id("ledger");
        long id = open(http, eid);
        http.get("/account/balance/add", "eid", eid, "trade_no", "t1", "amount", "500");
        return id;
    }

    /** Opens the account {@code eid} over HTTP; its id. */
    private static long open(Http http, String eid) {
        return http.get("/account/create", "eid", eid, "name", "n")
                .json()
                .get("account_id")
                .asLong();
    }

    /** Runs the recurring check now over HTTP and returns its report. */
    private JsonNode runRecurringCheck(Http http) {
        long before = ledgerCheck.latest().map(LedgerCheck.Report::checkId).orElse(0L);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> http.post("/admin/wallet/ledger-check", "application/x-www-form-urlencoded", "")
                                .status()
                        == 202);
        return Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> http.get("/admin/wallet/ledger-check").json(),
                        report -> report.get("check_id").asLong() > before);
    }

    /**
     * Runs a full check while {@code corrupt} is in force, then undoes it with {@code repair}; the
     * breaks it found in account or package {@code id}.
     */
    private List<LedgerCheck.Break> checkWhile(String corrupt, String repair, long id) {
        jdbc.sql(corrupt).param("id", id).update();
        try {
            return ledgerCheck.check().breaks().stream()
                    .filter(b -> b.subjectId() == id)
                    .toList();
        } finally {
            jdbc.sql(repair).param("id", id).update();
        }
    }

    @Test
    void a_record_count_that_differs_from_the_version_is_a_break() {
        long id = accountHolding500();
        List<LedgerCheck.Break> breaks = checkWhile(
                "update wallet_account set version = 7 where account_id = :id",
                "update wallet_account set version = 1 where account_id = :id",
                id);
        assertThat(breaks).anyMatch(b -> b.subjectId() == id && b.kind().equals("record_count_mismatch"));
    }

    @Test
    void a_stray_record_below_the_first_version_is_a_break() {
        long id = accountHolding500();
        List<LedgerCheck.Break> breaks =
                checkWhile("""
                insert into wallet_record (record_id, account_id, trade_no, amount, balance, change_type, account_version,
                    create_time)
                select record_id + 1000000000000, account_id, 'stray', 0, balance, change_type, 0, create_time
                  from wallet_record where account_id = :id""", "delete from wallet_record where account_id = :id and trade_no = 'stray'", id);
        assertThat(breaks).anyMatch(b -> b.subjectId() == id && b.kind().equals("record_count_mismatch"));
    }

    @Test
    void a_package_remain_that_no_longer_equals_its_records_is_a_break() {
        Http http = new Http(port);
        String eid = Unique.id("ledger");
        http.get("/account/create", "eid", eid, "name", "n");
        long pkg = http.get("/package/create", "eid", eid, "sid", "s", "name", "n", "total", "10")
                .json()
                .get("pkg_id")
                .asLong();
        List<LedgerCheck.Break> breaks = checkWhile(
                "update wallet_package set total_remain = 9 where pkg_id = :id",
                "update wallet_package set total_remain = 10 where pkg_id = :id",
                pkg);
        assertThat(breaks).anyMatch(b -> b.subjectId() == pkg && b.kind().equals("remain_mismatch"));
    }

    @Test
    void a_record_whose_balance_after_is_not_the_one_before_plus_its_amount_is_a_break() {
        long id = checkedAccountHolding400(new Http(port));
        // The sum and the count still hold; only the statement the channel reads is wrong.
        List<LedgerCheck.Break> breaks = checkWhile(
                "update wallet_record set balance = 450 where account_id = :id and trade_no = 't2'",
                "update wallet_record set balance = 400 where account_id = :id and trade_no = 't2'",
                id);
        assertThat(breaks).containsExactly(new LedgerCheck.Break("record_balance_mismatch", "account", id, 0, 1));
    }

    @Test
    void a_refund_larger_than_its_deduct_is_a_break() {
        long id = checkedAccountWithItsDeductRefunded();

        // The deduct now says 40 and the balances after each record agree; the refund of 100 does not.
        List<LedgerCheck.Break> breaks = checkWhile("""
                update wallet_record set amount = case change_type when 2 then -40 else 100 end,
                                         balance = case change_type when 2 then 460 else 560 end
                 where account_id = :id and trade_no = 't2'""", """
                update wallet_record set amount = case change_type when 2 then -100 else 100 end,
                                         balance = case change_type when 2 then 400 else 500 end
                 where account_id = :id and trade_no = 't2'""", id);
        assertThat(breaks)
                .extracting(LedgerCheck.Break::kind)
                .contains("refund_exceeds_deduct")
                .doesNotContain("record_balance_mismatch", "record_count_mismatch");
    }

    @Test
    void a_refund_without_its_deduct_is_a_break() {
        long id = checkedAccountWithItsDeductRefunded();
        List<LedgerCheck.Break> breaks = checkWhile(
                "update wallet_record set trade_no = 'gone' where account_id = :id and change_type = 2",
                "update wallet_record set trade_no = 't2' where account_id = :id and change_type = 2",
                id);
        assertThat(breaks).containsExactly(new LedgerCheck.Break("refund_exceeds_deduct", "account", id, 0, 1));
    }

    @Test
    void a_package_record_whose_remain_after_is_not_the_one_before_plus_its_num_is_a_break() {
        Http http = new Http(port);
        String eid = Unique.id("ledger");
        open(http, eid);
        long pkg = http.get("/package/create", "eid", eid, "sid", "s", "name", "n", "total", "10")
                .json()
                .get("pkg_id")
                .asLong();
        http.get("/package/capacity/deduct", "eid", eid, "sid", "s", "trade_no", "p1", "num", "3");
        List<LedgerCheck.Break> breaks = checkWhile(
                "update wallet_package_record set remain = 8 where pkg_id = :id and trade_no = 'p1'",
                "update wallet_package_record set remain = 7 where pkg_id = :id and trade_no = 'p1'",
                pkg);
        assertThat(breaks)
                .containsExactly(new LedgerCheck.Break("package_record_remain_mismatch", "package", pkg, 0, 1));
    }

    /** {@link #checkedAccountHolding400} with its deduct t2 refunded (record t2 of type 3), found right again. */
    private long checkedAccountWithItsDeductRefunded() {
        Http http = new Http(port);
        long id = checkedAccountHolding400(http);
        String eid = jdbc.sql("select eid from wallet_account where account_id = :id")
                .param("id", id)
                .query(String.class)
                .single();
        http.get("/account/balance/refund", "eid", eid, "trade_no", "t2", "amount", "100");
        assertThat(ledgerCheck.check().breaks()).noneMatch(b -> b.subjectId() == id);
        return id;
    }
}
