package dev.ordo.jobs.internal;

import dev.ordo.jobs.RecurringJob;
import java.time.Duration;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code jobs:table-maintenance}: on PostgreSQL, vacuums and analyzes the job table, and analyzes the
 * other tables whose statistics are far out of date. Every job is an
 * insert, an update and a delete there, so the table churns faster than any other; its statistics
 * drift from "empty" to tens of thousands of due jobs within seconds of a burst. With statistics
 * taken on the empty table the planner sorts every due job on each claim instead of reading the
 * first ones off the due index (measured: 100 ms per claim with a backlog of 30,000), and without
 * vacuum every claim steps over the dead rows of all jobs done since. Autovacuum catches up only
 * after its threshold and naptime, or never where it is off; this keeps the claim cheap either way.
 *
 * <p>Vacuum frees the dead rows but never shrinks the indexes, and a bloated index over a nearly empty
 * table misleads the planner the other way: it prices a primary-key probe at a share of the index's
 * pages per live row, so with a few rows left in an index of hundreds of pages it reads the whole
 * table for every job's claim and delete instead (measured: a burst after a quiet spell ran two
 * sequential scans per order until the statistics caught up). So when the primary key's index has
 * grown far beyond what its live rows need, the indexes are rebuilt, concurrently (jobs go on).
 *
 * <p>The other tables only need statistics of the right order of magnitude: a table changed by more
 * than {@value #ANALYZE_BASE} rows plus its own size since it was last analyzed (it has about doubled)
 * is analyzed again. Where autovacuum runs (it analyzes after a tenth) this never finds anything; where
 * it is off (as on some of our machines) a table created empty would keep the statistics of an empty
 * table for ever, and a statement prepared on it the plan made for them: measured, a lookup of orders'
 * wallet records read the whole record table (0.2 to 0.7 s a batch instead of a millisecond) once it
 * held a few hundred thousand rows, and the flow fell behind by 250,000 orders within two minutes.
 * Analyzing after a tenth, as autovacuum does, cost a large table's analyze every 20 s under load
 * (measured: 7 s of PostgreSQL's CPU in 40 s for the order, unit and event tables of 0.5 to 2.5
 * million rows), for plans that do not change.
 *
 * <p>On MySQL/MariaDB (InnoDB purges its own dead rows, keeps its own statistics, and its primary key
 * is the table) and H2 it does nothing.
 */
final class JobTableMaintenance implements RecurringJob {

    private static final int MIN_PAGES = 64;
    private static final int SLACK = 4;
    private static final int ROWS_PER_PAGE = 100;
    private static final int ANALYZE_BASE = 50;
    private static final double ANALYZE_SHARE = 1.0;

    private final JdbcTemplate jdbc;
    private final boolean postgresql;
    private final Duration interval;

    JobTableMaintenance(JdbcTemplate jdbc, boolean postgresql, Duration interval) {
        this.jdbc = jdbc;
        this.postgresql = postgresql;
        this.interval = interval;
    }

    @Override
    public String name() {
        return "jobs:table-maintenance";
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public void run() {
        if (!postgresql) {
            return;
        }
        // Outside any transaction (neither VACUUM nor REINDEX CONCURRENTLY can run inside one): a
        // pooled connection in autocommit.
        jdbc.execute("vacuum (analyze) scheduled_tasks");
        if (indexBloated()) {
            // A rebuild that failed half-way leaves an invalid copy behind, which every write would maintain.
            for (String invalid : jdbc.queryForList("""
                            select c.relname from pg_index i join pg_class c on c.oid = i.indexrelid
                             where i.indrelid = 'scheduled_tasks'::regclass and not i.indisvalid""", String.class)) {
                jdbc.execute("drop index concurrently if exists \"" + invalid.replace("\"", "\"\"") + "\"");
            }
            jdbc.execute("reindex table concurrently scheduled_tasks");
        }
        for (String table : tablesOutOfDate()) {
            jdbc.execute("analyze " + table);
        }
    }

    /** This schema's other tables changed by more than {@value #ANALYZE_BASE} rows and their size since analyzed. */
    private List<String> tablesOutOfDate() {
        return jdbc.queryForList("""
                        select quote_ident(s.relname)
                          from pg_stat_user_tables s join pg_class c on c.oid = s.relid
                         where s.schemaname = current_schema() and s.relname <> 'scheduled_tasks'
                           and s.n_mod_since_analyze > ? + ? * greatest(c.reltuples, 0)
                         order by s.relname""", String.class, ANALYZE_BASE, ANALYZE_SHARE);
    }

    /**
     * The primary key's index holds more than {@value #SLACK} times the pages its live rows need (at
     * about {@value #ROWS_PER_PAGE} entries a page), and more than {@value #MIN_PAGES} pages.
     */
    private boolean indexBloated() {
        return Boolean.TRUE.equals(jdbc.queryForObject("""
                        select c.relpages > ? and c.relpages > ? * (greatest(t.reltuples, 0) / ? + 1)
                          from pg_class c, pg_class t
                         where c.oid = 'scheduled_tasks_pkey'::regclass and t.oid = 'scheduled_tasks'::regclass""", Boolean.class, MIN_PAGES, SLACK, ROWS_PER_PAGE));
    }
}
