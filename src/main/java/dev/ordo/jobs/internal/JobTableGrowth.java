package dev.ordo.jobs.internal;

import dev.ordo.shared.NodeCheck;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * On PostgreSQL (elsewhere it does nothing), analyzes the job table as soon as it has grown far beyond what its statistics say
 * (checked every second on each node): the burst after a quiet spell. Statistics taken while the
 * table was nearly empty — by {@link JobTableMaintenance} or anyone's vacuum — price a scan of the
 * whole table below a probe of its primary key, and the plans the job table's statements cached
 * then (db-scheduler's heartbeats and claims, the completions' deletes) keep scanning the table as it
 * fills until the next analyze invalidates them. Measured on two cores: a burst of 5,000 orders a
 * second after such an analyze finished about 100 orders a second for the first 20 s — each delete
 * of a done job took 10 ms instead of 0.04 — until the 30 s maintenance came round.
 *
 * <p>The check is one read of the table's statistics; the analyze it triggers samples at most 30,000
 * rows, a few times per burst (each time the table has grown about fivefold).
 */
final class JobTableGrowth extends NodeCheck {

    private static final Logger log = LoggerFactory.getLogger(JobTableGrowth.class);
    /** Rows beyond the statistics' count that never matter, whatever the count. */
    static final int BASE = 1_000;
    /** How many times the statistics' count the table may hold before it is analyzed. */
    static final int FACTOR = 4;

    private final JdbcTemplate jdbc;
    private final boolean postgresql;

    JobTableGrowth(JdbcTemplate jdbc, boolean postgresql, Duration checkEvery) {
        super("job-table-growth", "ordo.jobs.table-growth-check", checkEvery);
        this.jdbc = jdbc;
        this.postgresql = postgresql;
    }

    @Override
    protected void check() {
        analyzeIfGrown();
    }

    @Override
    protected boolean enabled() {
        return postgresql; // MySQL/MariaDB keep their own statistics; H2 plans without them
    }

    /** Analyzes the job table if it holds more than {@value #BASE} + {@value #FACTOR} times the rows its statistics say; true if it did. */
    boolean analyzeIfGrown() {
        Boolean grown = jdbc.queryForObject("""
                        select s.n_live_tup > ? + ? * greatest(c.reltuples, 0)
                          from pg_stat_user_tables s join pg_class c on c.oid = s.relid
                         where s.relid = 'scheduled_tasks'::regclass""", Boolean.class, BASE, FACTOR);
        if (!Boolean.TRUE.equals(grown)) {
            return false;
        }
        jdbc.execute("analyze scheduled_tasks");
        log.debug("job table analyzed: it had outgrown its statistics");
        return true;
    }
}
