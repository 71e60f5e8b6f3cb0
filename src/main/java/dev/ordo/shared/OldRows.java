package dev.ordo.shared;

import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The rows of a log-like table older than a cutoff, deleted a batch at a time by their ids (the same
 * statements on every database: MySQL takes no {@code limit} in a subquery of {@code in}).
 *
 * @param table      the table (a name of Ordo's schema, never input)
 * @param idColumn   its key
 * @param timeColumn the indexed time the cutoff applies to
 * @param condition  what a row must also meet to be deleted (SQL of Ordo's, never input), or null
 * @param children   {@code table.column} of the rows that refer to one by its key, deleted with it
 */
public record OldRows(
        JdbcClient jdbc, String table, String idColumn, String timeColumn, String condition, List<String> children) {

    public OldRows(JdbcClient jdbc, String table, String idColumn, String timeColumn) {
        this(jdbc, table, idColumn, timeColumn, null, List.of());
    }

    /** Only the rows that also meet {@code condition}. */
    public OldRows where(String condition) {
        return new OldRows(jdbc, table, idColumn, timeColumn, condition, children);
    }

    /** With the rows of {@code tableDotColumn} that refer to each, deleted first. */
    public OldRows withChildren(String... tableDotColumn) {
        return new OldRows(jdbc, table, idColumn, timeColumn, condition, List.of(tableDotColumn));
    }

    /** Deletes up to {@code batch} rows older than {@code cutoff}, oldest first; how many it deleted. */
    public int deleteBefore(Instant cutoff, int batch) {
        String also = condition == null ? "" : " and " + condition;
        List<Long> old = jdbc.sql("select " + idColumn + " from " + table + " where " + timeColumn + " < :cutoff" + also
                        + " order by " + timeColumn + " limit :limit")
                .param("cutoff", SqlTime.utc(cutoff))
                .param("limit", batch)
                .query(Long.class)
                .list();
        if (old.isEmpty()) {
            return 0;
        }
        for (String child : children) {
            int dot = child.indexOf('.');
            jdbc.sql("delete from " + child.substring(0, dot) + " where " + child.substring(dot + 1) + " in (:ids)")
                    .param("ids", old)
                    .update();
        }
        return jdbc.sql("delete from " + table + " where " + idColumn + " in (:ids)" + also)
                .param("ids", old)
                .update();
    }

    /** Deletes every row older than {@code cutoff}, {@code batch} at a time; how many it deleted. */
    public long deleteAllBefore(Instant cutoff, int batch) {
        long deleted = 0;
        for (int n; (n = deleteBefore(cutoff, batch)) > 0; ) {
            deleted += n;
        }
        return deleted;
    }
}
