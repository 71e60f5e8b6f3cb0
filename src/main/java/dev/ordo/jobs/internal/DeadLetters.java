package dev.ordo.jobs.internal;

import dev.ordo.jobs.DeadJob;
import dev.ordo.shared.Ids;
import dev.ordo.shared.SqlTime;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/** Jobs that used up their attempts, kept until an operator sends them back. */
@Repository
class DeadLetters {

    private final JdbcClient jdbc;
    private final Ids ids;
    private final TransactionTemplate tx;

    DeadLetters(JdbcClient jdbc, Ids ids, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.ids = ids;
        this.tx = tx;
    }

    /** Records the job as dead; a job that dies again replaces its earlier entry. */
    void add(String queue, String jobId, String payload, int attempts, String lastError, Instant at) {
        tx.executeWithoutResult(status -> {
            jdbc.sql("delete from job_dead_letter where queue = :queue and job_id = :jobId")
                    .param("queue", queue)
                    .param("jobId", jobId)
                    .update();
            jdbc.sql("""
                            insert into job_dead_letter (id, queue, job_id, payload, attempts, last_error, failed_at)
                            values (:id, :queue, :jobId, :payload, :attempts, :lastError, :failedAt)""")
                    .param("id", ids.next("job_dead_letter"))
                    .param("queue", queue)
                    .param("jobId", jobId)
                    .param("payload", payload)
                    .param("attempts", attempts)
                    .param("lastError", truncate(lastError, 2000))
                    .param("failedAt", SqlTime.utc(at))
                    .update();
        });
    }

    List<DeadJob> list(String queue, int limit) {
        String where = queue == null ? "" : " where queue = :queue";
        var statement = jdbc.sql(
                        "select * from job_dead_letter" + where + " order by failed_at desc, id desc limit :limit")
                .param("limit", limit);
        if (queue != null) {
            statement = statement.param("queue", queue);
        }
        return statement.query(DeadLetters::deadJob).list();
    }

    Optional<DeadJob> find(long id) {
        return jdbc.sql("select * from job_dead_letter where id = :id")
                .param("id", id)
                .query(DeadLetters::deadJob)
                .optional();
    }

    private static DeadJob deadJob(ResultSet rs, int row) throws SQLException {
        return new DeadJob(
                rs.getLong("id"),
                rs.getString("queue"),
                rs.getString("job_id"),
                rs.getString("payload"),
                rs.getInt("attempts"),
                rs.getString("last_error"),
                SqlTime.instant(rs, "failed_at"));
    }

    /** Removes the entry; false when another operator (or node) already did. */
    boolean remove(long id) {
        return jdbc.sql("delete from job_dead_letter where id = :id")
                        .param("id", id)
                        .update()
                == 1;
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
