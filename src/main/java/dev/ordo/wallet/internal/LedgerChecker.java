package dev.ordo.wallet.internal;

import dev.ordo.jobs.RecurringJob;
import dev.ordo.shared.Ids;
import dev.ordo.shared.SqlTime;
import dev.ordo.wallet.ChangeType;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The recurring {@code wallet:ledger-check}: pages through every account and package, each page in
 * one statement (one consistent snapshot), and compares the row with its records and each record
 * with the one before it and, for a refund, with its deduct. A suspect is
 * checked again on its own before it is reported, so a change committed between two reads of a
 * page is not mistaken for a break.
 *
 * <p>A full check sums every record of every account; on a ledger of four million records that
 * cost 45 s of PostgreSQL's CPU, and it grows with the ledger. So a row found right leaves a mark
 * ({@code wallet_ledger_mark}: its records up to this version sum to this total), and the recurring
 * check reads only the records after each mark — through the unique (account, version) index —
 * while still comparing every balance, version and credit limit. Once per
 * {@code ordo.wallet.ledger-check.full-interval} (a day) it is a full check instead, which would
 * also find a record changed after it was marked; {@link #check()} is always full.
 */
@Component
class LedgerChecker implements LedgerCheck, RecurringJob {

    private static final Logger log = LoggerFactory.getLogger(LedgerChecker.class);
    private static final int PAGE = 500;

    /**
     * Every account ({@code subject} {@code account}) or package with what its records say: from its
     * mark on, the mark's total and count plus the records after it, or ({@code full}) every record
     * from the first, whatever its version; {@code marked} the mark's version, -1 for none. Of the same
     * records, {@code unchained} counts those whose balance (remain) after them is not the one before
     * them — their predecessor's, through the unique (account, version) index — plus their amount, and
     * {@code overrefunded} the refunds without a deduct of their trade number that is at least as large
     * (through the unique trade key).
     */
    private static String select(String subject, boolean full) {
        boolean account = subject.equals("account");
        String key = account ? "account_id" : "pkg_id";
        String version = account ? "account_version" : "pkg_version";
        String after = account ? "balance" : "remain";
        String amount = account ? "amount" : "num";
        String table = account ? "wallet_record" : "wallet_package_record";
        String records = table
                + " r where r.%1$s = a.%1$s".formatted(key)
                + (full ? "" : " and r.%s > coalesce(m.version, 0)".formatted(version));
        return """
                select a.%1$s as id, a.%2$s as actual, %3$s as credit, a.version as version,
                       %4$s + (select coalesce(sum(r.%5$s), 0) from %6$s) as expected,
                       %7$s + (select count(*) from %6$s) as records,
                       (select count(*) from %6$s
                          and r.%10$s <> coalesce((select p.%10$s from %11$s p
                                                    where p.%1$s = r.%1$s and p.%12$s = r.%12$s - 1), 0) + r.%5$s)
                         as unchained,
                       (select count(*) from %6$s
                          and r.change_type = %13$d
                          and not exists (select 1 from %11$s d
                                           where d.%1$s = r.%1$s and d.trade_no = r.trade_no and d.change_type = %14$d
                                             and -d.%5$s >= r.%5$s)) as overrefunded,
                       coalesce(m.version, -1) as marked
                  from %8$s a
                  left join wallet_ledger_mark m on m.subject = '%9$s' and m.subject_id = a.%1$s""".formatted(
                        key,
                        account ? "balance" : "total_remain",
                        account ? "a.credit" : "0",
                        full ? "0" : "coalesce(m.total, 0)",
                        amount,
                        records,
                        full ? "0" : "coalesce(m.version, 0)",
                        account ? "wallet_account" : "wallet_package",
                        subject,
                        after,
                        table,
                        version,
                        ChangeType.REFUND.code(),
                        ChangeType.DEDUCT.code());
    }

    private final JdbcClient jdbc;
    private final Ids ids;
    private final Clock clock;
    private final Duration interval;
    private final Duration fullInterval;
    private final String node;
    private final Counter checks;
    /** Breaks of the latest check on any node, read again at most every 10 s (the gauge). */
    private volatile long latestBreaks;

    private volatile long latestReadAt = System.nanoTime() - LATEST_READ_EVERY.toNanos();

    private static final Duration LATEST_READ_EVERY = Duration.ofSeconds(10);

    LedgerChecker(
            JdbcClient jdbc,
            Ids ids,
            Clock clock,
            MeterRegistry meters,
            @Value("${ordo.wallet.ledger-check.interval:10m}") Duration interval,
            @Value("${ordo.wallet.ledger-check.full-interval:1d}") Duration fullInterval,
            @Value("${ordo.node-name:${HOSTNAME:ordo}}") String node) {
        this.jdbc = jdbc;
        this.ids = ids;
        this.clock = clock;
        this.interval = interval;
        this.fullInterval = fullInterval;
        this.node = node.length() > 64 ? node.substring(0, 64) : node;
        this.checks = Counter.builder("ordo.wallet.ledger.checks")
                .description("ledger checks run on this node")
                .register(meters);
        Gauge.builder("ordo.wallet.ledger.breaks", this, LedgerChecker::latestBreaks)
                .description("breaks of SPEC B5 found by the latest ledger check, whichever node ran it")
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
        Report report = check(fullCheckDue());
        if (!report.clean()) {
            log.error(
                    "ledger check {} found {} breaks",
                    report.checkId(),
                    report.breaks().size());
        }
    }

    /** No full check has finished within the full interval. */
    private boolean fullCheckDue() {
        Instant since = clock.instant().minus(fullInterval);
        return jdbc.sql("select count(*) from wallet_ledger_check"
                                + " where full_scan = true and finished_at is not null and started_at > :since")
                        .param("since", SqlTime.utc(since))
                        .query(Long.class)
                        .single()
                == 0;
    }

    @Override
    public Report check() {
        return check(true);
    }

    private Report check(boolean full) {
        long checkId = ids.next("wallet_ledger_check");
        Instant started = clock.instant();
        jdbc.sql("""
                        insert into wallet_ledger_check (check_id, started_at, accounts_checked, packages_checked, breaks,
                            node, full_scan)
                        values (:id, :started, 0, 0, 0, :node, :full)""")
                .param("id", checkId)
                .param("started", SqlTime.utc(started))
                .param("node", node)
                .param("full", full)
                .update();
        List<Break> breaks = new ArrayList<>();
        long accounts = scan(select("account", full), "a.account_id", "account", breaks);
        long packages = scan(select("package", full), "a.pkg_id", "package", breaks);
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
        seen(breaks.size());
        log.info(
                "ledger check {} ({}): {} accounts, {} packages, {} breaks, {} ms",
                checkId,
                full ? "full" : "from the marks",
                accounts,
                packages,
                breaks.size(),
                Duration.between(started, finished).toMillis());
        return new Report(checkId, started, finished, full, accounts, packages, List.copyOf(breaks));
    }

    private long scan(String select, String idColumn, String subject, List<Break> breaks) {
        long after = Long.MIN_VALUE;
        long count = 0;
        while (true) {
            List<Row> page =
                    rows(select + " where " + idColumn + " > :after order by " + idColumn + " limit " + PAGE, after);
            List<Row> right = new ArrayList<>(page.size());
            for (Row row : page) {
                if (row.breaks(subject).isEmpty()) {
                    right.add(row);
                } else {
                    // Read the suspect again on its own: report only what is still broken.
                    rows(select + " where " + idColumn + " = :after", row.id()).stream()
                            .findFirst()
                            .ifPresent(again -> {
                                List<Break> still = again.breaks(subject);
                                breaks.addAll(still);
                                if (still.isEmpty()) {
                                    right.add(again);
                                } else {
                                    unmark(subject, again);
                                }
                            });
                }
            }
            mark(subject, right);
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
                        rs.getLong("records"),
                        rs.getLong("unchained"),
                        rs.getLong("overrefunded"),
                        rs.getLong("marked")))
                .list();
    }

    /** An account's or package's row with what its records say (see {@link #select}). */
    private record Row(
            long id,
            long actual,
            long credit,
            long version,
            long expected,
            long records,
            long unchained,
            long overrefunded,
            long marked) {

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
            if (unchained != 0) {
                found.add(new Break(
                        account ? "record_balance_mismatch" : "package_record_remain_mismatch",
                        subject,
                        id,
                        0,
                        unchained));
            }
            if (overrefunded != 0) {
                found.add(new Break(
                        account ? "refund_exceeds_deduct" : "package_refund_exceeds_deduct",
                        subject,
                        id,
                        0,
                        overrefunded));
            }
            return found;
        }
    }

    /**
     * Moves the marks of rows found right up to what was read: their records up to this version sum
     * to this total. A mark only moves forward; two checks at once leave the further one.
     */
    private void mark(String subject, List<Row> right) {
        for (Row row : right) {
            if (row.version() == row.marked() || row.version() == 0) {
                continue;
            }
            if (row.marked() < 0) {
                try {
                    jdbc.sql("""
                                    insert into wallet_ledger_mark (subject, subject_id, version, total)
                                    values (:subject, :id, :version, :total)""")
                            .param("subject", subject)
                            .param("id", row.id())
                            .param("version", row.version())
                            .param("total", row.expected())
                            .update();
                } catch (DuplicateKeyException e) {
                    // Another check marked it meanwhile: its mark is as good.
                }
            } else {
                jdbc.sql("""
                                update wallet_ledger_mark set version = :version, total = :total
                                 where subject = :subject and subject_id = :id and version < :version""")
                        .param("version", row.version())
                        .param("total", row.expected())
                        .param("subject", subject)
                        .param("id", row.id())
                        .update();
            }
        }
    }

    /**
     * Drops the mark of a row found broken: the checks after this one sum its records from the first
     * again, so they report the break too until it is mended — a full check's find would otherwise
     * vanish at the next check from the marks, when the record at fault lies below the mark.
     */
    private void unmark(String subject, Row row) {
        if (row.marked() >= 0) {
            jdbc.sql("delete from wallet_ledger_mark where subject = :subject and subject_id = :id")
                    .param("subject", subject)
                    .param("id", row.id())
                    .update();
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

    private record Header(
            long checkId, Instant startedAt, Instant finishedAt, boolean full, long accounts, long packages) {}

    private void seen(long breaks) {
        latestBreaks = breaks;
        latestReadAt = System.nanoTime();
    }

    /**
     * The gauge: the checks run on whichever node's timer fires, so every node reports the latest
     * finished check of all, not the last one it ran itself.
     */
    private double latestBreaks() {
        if (System.nanoTime() - latestReadAt >= LATEST_READ_EVERY.toNanos()) {
            try {
                seen(jdbc.sql("select breaks from wallet_ledger_check where finished_at is not null"
                                + " order by started_at desc, check_id desc limit 1")
                        .query(Long.class)
                        .optional()
                        .orElse(0L));
            } catch (RuntimeException e) {
                log.warn("ledger check gauge not read: {}", e.toString());
            }
        }
        return latestBreaks;
    }

    @Override
    public Optional<Report> latest() {
        return jdbc.sql("select * from wallet_ledger_check where finished_at is not null"
                        + " order by started_at desc, check_id desc limit 1")
                .query((rs, n) -> new Header(
                        rs.getLong("check_id"),
                        SqlTime.instant(rs, "started_at"),
                        SqlTime.instant(rs, "finished_at"),
                        rs.getBoolean("full_scan"),
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
                    seen(breaks.size());
                    return new Report(
                            header.checkId(),
                            header.startedAt(),
                            header.finishedAt(),
                            header.full(),
                            header.accounts(),
                            header.packages(),
                            breaks);
                });
    }
}
