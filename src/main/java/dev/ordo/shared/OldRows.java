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
 */
public record OldRows(JdbcClient jdbc, String table, String idColumn, String timeColumn) {

    /** Deletes up to {@code batch} rows older than {@code cutoff}, oldest first; how many it deleted. */
    public int deleteBefore(Instant cutoff, int batch) {
        List<Long> old = jdbc.sql("select " + idColumn + " from " + table + " where " + timeColumn
                        + " < :cutoff order by " + timeColumn + " limit :limit")
                .param("cutoff", SqlTime.utc(cutoff))
                .param("limit", batch)
                .query(Long.class)
                .list();
        if (old.isEmpty()) {
            return 0;
        }
        return jdbc.sql("delete from " + table + " where " + idColumn + " in (:ids)")
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
