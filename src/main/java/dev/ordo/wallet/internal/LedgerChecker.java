package dev.ordo.wallet.internal;

import dev.ordo.jobs.RecurringJob;
import dev.ordo.shared.Ids;
import dev.ordo.shared.SqlTime;
import dev.ordo.wallet.LedgerCheck;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The recurring {@code wallet:ledger-check}: pages through every account and package, each page in
 * one statement (one consistent snapshot), and compares the row with its records. A suspect is
 * checked again on its own before it is reported, so a change committed between two reads of a
 * page is not mistaken for a break.
 */
@Component
class LedgerChecker implements LedgerCheck, RecurringJob {

    private static final Logger log = LoggerFactory.getLogger(LedgerChecker.class);
    private static final int PAGE = 500;

    private static final String ACCOUNTS = """
            select a.account_id as id, a.balance as actual, a.credit as credit, a.version as version,
                   (select coalesce(sum(r.amount), 0) from wallet_record r where r.account_id = a.account_id) as expected,
                   (select count(*) from wallet_record r where r.account_id = a.account_id) as records
              from wallet_account a""";

    private static final String PACKAGES = """
            select p.pkg_id as id, p.total_remain as actual, 0 as credit, p.version as version,
                   (select coalesce(sum(r.num), 0) from wallet_package_record r where r.pkg_id = p.pkg_id) as expected,
                   (select count(*) from wallet_package_record r where r.pkg_id = p.pkg_id) as records
              from wallet_package p""";

    private final JdbcClient jdbc;
    private final Ids ids;
    private final Clock clock;
    private final Duration interval;
    private final String node;
    private final Counter checks;
    private final AtomicLong lastBreaks = new AtomicLong();

    LedgerChecker(
            JdbcClient jdbc,
            Ids ids,
            Clock clock,
            MeterRegistry meters,
            @Value("${ordo.wallet.ledger-check.interval:10m}") Duration interval,
            @Value("${ordo.node-name:${HOSTNAME:ordo}}") String node) {
        this.jdbc = jdbc;
        this.ids = ids;
        this.clock = clock;
        this.interval = interval;
        this.node = node.length() > 64 ? node.substring(0, 64) : node;
        this.checks = Counter.builder("ordo.wallet.ledger.checks")
                .description("ledger checks run on this node")
                .register(meters);
        Gauge.builder("ordo.wallet.ledger.breaks", lastBreaks, AtomicLong::get)
                .description("breaks of SPEC B5 found by the latest ledger check")
                .register(meters);
    }

    @Override
    public String name() {
        return "wallet:ledger-check";
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public void run() {
        Report report = check();
        if (!report.clean()) {
            log.error(
                    "ledger check {} found {} breaks",
                    report.checkId(),
                    report.breaks().size());
        }
    }

    @Override
    public Report check() {
        long checkId = ids.next("wallet_ledger_check");
        Instant started = clock.instant();
        jdbc.sql("""
                        insert into wallet_ledger_check (check_id, started_at, accounts_checked, packages_checked, breaks, node)
                        values (:id, :started, 0, 0, 0, :node)""")
                .param("id", checkId)
                .param("started", SqlTime.utc(started))
                .param("node", node)
                .update();
        List<Break> breaks = new ArrayList<>();
        long accounts = scan(ACCOUNTS, "a.account_id", "account", breaks);
        long packages = scan(PACKAGES, "p.pkg_id", "package", breaks);
        for (Break b : breaks) {
            log.error(
                    "ledger break: {} {} {}: records say {}, row says {}",
                    b.kind(),
                    b.subject(),
                    b.subjectId(),
                    b.expected(),
                    b.actual());
            jdbc.sql("""
                            insert into wallet_ledger_break (check_id, kind, subject, subject_id, expected, actual)
                            values (:check, :kind, :subject, :id, :expected, :actual)""")
                    .param("check", checkId)
                    .param("kind", b.kind())
                    .param("subject", b.subject())
                    .param("id", b.subjectId())
                    .param("expected", b.expected())
                    .param("actual", b.actual())
                    .update();
        }
        Instant finished = clock.instant();
        jdbc.sql("""
                        update wallet_ledger_check set finished_at = :finished, accounts_checked = :accounts,
                            packages_checked = :packages, breaks = :breaks where check_id = :id""")
                .param("finished", SqlTime.utc(finished))
                .param("accounts", accounts)
                .param("packages", packages)
                .param("breaks", breaks.size())
                .param("id", checkId)
                .update();
        prune(started.minus(Duration.ofDays(30)));
        checks.increment();
        lastBreaks.set(breaks.size());
        log.info(
                "ledger check {}: {} accounts, {} packages, {} breaks, {} ms",
                checkId,
                accounts,
                packages,
                breaks.size(),
                Duration.between(started, finished).toMillis());
        return new Report(checkId, started, finished, accounts, packages, List.copyOf(breaks));
    }

    private long scan(String select, String idColumn, String subject, List<Break> breaks) {
        long after = Long.MIN_VALUE;
        long count = 0;
        while (true) {
            List<Row> page =
                    rows(select + " where " + idColumn + " > :after order by " + idColumn + " limit " + PAGE, after);
            for (Row row : page) {
                if (!row.breaks(subject).isEmpty()) {
                    // Read the suspect again on its own: report only what is still broken.
                    rows(select + " where " + idColumn + " = :after", row.id()).stream()
                            .findFirst()
                            .ifPresent(again -> breaks.addAll(again.breaks(subject)));
                }
            }
            count += page.size();
            if (page.size() < PAGE) {
                return count;
            }
            after = page.getLast().id();
        }
    }

    private List<Row> rows(String sql, long after) {
        return jdbc.sql(sql)
                .param("after", after)
                .query((rs, n) -> new Row(
                        rs.getLong("id"),
                        rs.getLong("actual"),
                        rs.getLong("credit"),
                        rs.getLong("version"),
                        rs.getLong("expected"),
                        rs.getLong("records")))
                .list();
    }

    private record Row(long id, long actual, long credit, long version, long expected, long records) {

        List<Break> breaks(String subject) {
            boolean account = subject.equals("account");
            List<Break> found = new ArrayList<>();
            if (actual != expected) {
                found.add(new Break(account ? "balance_mismatch" : "remain_mismatch", subject, id, expected, actual));
            }
            if (records != version) {
                found.add(new Break(
                        account ? "record_count_mismatch" : "package_record_count_mismatch",
                        subject,
                        id,
                        records,
                        version));
            }
            if (actual + credit < 0) {
                found.add(new Break(account ? "below_credit" : "negative_remain", subject, id, -credit, actual));
            }
            return found;
        }
    }

    private void prune(Instant before) {
        jdbc.sql("delete from wallet_ledger_break where check_id in "
                        + "(select check_id from wallet_ledger_check where started_at < :before)")
                .param("before", SqlTime.utc(before))
                .update();
        jdbc.sql("delete from wallet_ledger_check where started_at < :before")
                .param("before", SqlTime.utc(before))
                .update();
    }

    private record Header(long checkId, Instant startedAt, Instant finishedAt, long accounts, long packages) {}

    @Override
    public Optional<Report> latest() {
        return jdbc.sql("select * from wallet_ledger_check where finished_at is not null"
                        + " order by started_at desc, check_id desc limit 1")
                .query((rs, n) -> new Header(
                        rs.getLong("check_id"),
                        SqlTime.instant(rs, "started_at"),
                        SqlTime.instant(rs, "finished_at"),
                        rs.getLong("accounts_checked"),
                        rs.getLong("packages_checked")))
                .optional()
                .map(header -> {
                    List<Break> breaks = jdbc.sql("select * from wallet_ledger_break where check_id = :id"
                                    + " order by subject, subject_id, kind")
                            .param("id", header.checkId())
                            .query((rs, n) -> new Break(
                                    rs.getString("kind"),
                                    rs.getString("subject"),
                                    rs.getLong("subject_id"),
                                    rs.getLong("expected"),
                                    rs.getLong("actual")))
                            .list();
                    lastBreaks.set(breaks.size());
                    return new Report(
                            header.checkId(),
                            header.startedAt(),
                            header.finishedAt(),
                            header.accounts(),
                            header.packages(),
                            breaks);
                });
    }
}
