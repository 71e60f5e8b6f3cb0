package dev.ordo.jobs.internal;

import dev.ordo.jobs.DeadJob;
import dev.ordo.shared.Dialect;
import dev.ordo.shared.Ids;
import dev.ordo.shared.SqlTime;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Jobs that used up their attempts, kept until an operator sends them back. */
@Repository
class DeadLetters {

    private final JdbcClient jdbc;
    private final Ids ids;
    private final Dialect dialect;

    DeadLetters(JdbcClient jdbc, Ids ids, Dialect dialect) {
        this.jdbc = jdbc;
        this.dialect = dialect;
        this.ids = ids;
    }

    /**
     * Records the job as dead; a job that dies again replaces its earlier entry (under a new id). One
     * upsert, not a delete and an insert: on MySQL at REPEATABLE READ, deleting an entry that is not
     * there locks the gap it would be in, and two jobs of a queue dying at once then deadlocked on
     * each other's insert.
     */
    void add(String queue, String jobId, String payload, int attempts, String lastError, Instant at) {
        String columns = "(id, queue, job_id, payload, attempts, last_error, failed_at)";
        String values = " values (:id, :queue, :jobId, :payload, :attempts, :lastError, :failedAt)";
        String upsert = switch (dialect) {
            case POSTGRESQL ->
                "insert into job_dead_letter " + columns + values + " on conflict (queue, job_id) do update"
                        + " set id = excluded.id, payload = excluded.payload, attempts = excluded.attempts,"
                        + " last_error = excluded.last_error, failed_at = excluded.failed_at";
            case MYSQL ->
                "insert into job_dead_letter " + columns + values + " on duplicate key update"
                        + " id = values(id), payload = values(payload), attempts = values(attempts),"
                        + " last_error = values(last_error), failed_at = values(failed_at)";
            case H2 -> "merge into job_dead_letter " + columns + " key (queue, job_id)" + values;
        };
        jdbc.sql(upsert)
                .param("id", ids.next("job_dead_letter"))
                .param("queue", queue)
                .param("jobId", jobId)
                .param("payload", payload)
                .param("attempts", attempts)
                .param("lastError", truncate(lastError, 2000))
                .param("failedAt", SqlTime.utc(at))
                .update();
    }

    /** A job's payload as stored in the job table (UTF-8 JSON, as Ordo writes it); null if there is none. */
    String storedPayload(String queue, String jobId) {
        return jdbc.sql("select task_data from scheduled_tasks where task_name = :queue and task_instance = :jobId")
                .param("queue", queue)
                .param("jobId", jobId)
                .query((rs, row) -> rs.getBytes(1))
                .optional()
                .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
                .orElse(null);
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
