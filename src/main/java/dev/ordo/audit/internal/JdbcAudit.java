package dev.ordo.audit.internal;

import dev.ordo.audit.AuditEntry;
import dev.ordo.audit.AuditTrail;
import dev.ordo.shared.Ids;
import dev.ordo.shared.SqlTime;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The audit trail's table. */
@Repository
class JdbcAudit implements AuditTrail {

    private final JdbcClient jdbc;
    private final Ids ids;

    JdbcAudit(JdbcClient jdbc, Ids ids) {
        this.jdbc = jdbc;
        this.ids = ids;
    }

    /**
     * Writes the entry of a change about to be applied, with its status {@code 0} (not answered yet),
     * and returns its id.
     */
    long begin(AuditEntry e) {
        long id = ids.next("admin_audit");
        jdbc.sql("""
                        insert into admin_audit (audit_id, at, actor, remote_addr, method, path, query, body, status)
                        values (:id, :at, :actor, :remote, :method, :path, :query, :body, :status)""")
                .param("id", id)
                .param("at", SqlTime.utc(e.at()))
                .param("actor", e.actor())
                .param("remote", e.remoteAddr())
                .param("method", e.method())
                .param("path", e.path())
                .param("query", e.query())
                .param("body", e.body())
                .param("status", e.status())
                .update();
        return id;
    }

    /** Completes the entry {@link #begin} wrote with the request's body and the answer's status. */
    void answered(long auditId, String body, int status) {
        jdbc.sql("update admin_audit set body = :body, status = :status where audit_id = :id")
                .param("body", body)
                .param("status", status)
                .param("id", auditId)
                .update();
    }

    /** Newest first; {@code pathPrefix}, {@code from} (inclusive) and {@code to} (exclusive) optional. */
    @Override
    public List<AuditEntry> search(String pathPrefix, Instant from, Instant to, int limit) {
        StringBuilder sql = new StringBuilder("select * from admin_audit where 1 = 1");
        if (pathPrefix != null) {
            sql.append(" and path like :path");
        }
        if (from != null) {
            sql.append(" and at >= :from");
        }
        if (to != null) {
            sql.append(" and at < :to");
        }
        sql.append(" order by at desc, audit_id desc limit :limit");
        var statement = jdbc.sql(sql.toString()).param("limit", limit);
        if (pathPrefix != null) {
            statement = statement.param("path", likePrefix(pathPrefix));
        }
        if (from != null) {
            statement = statement.param("from", SqlTime.utc(from));
        }
        if (to != null) {
            statement = statement.param("to", SqlTime.utc(to));
        }
        return statement.query(JdbcAudit::entry).list();
    }

    /** A LIKE pattern matching strings that start with {@code prefix} literally. */
    private static String likePrefix(String prefix) {
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    private static AuditEntry entry(ResultSet rs, int row) throws SQLException {
        return new AuditEntry(
                rs.getLong("audit_id"),
                SqlTime.instant(rs, "at"),
                rs.getString("actor"),
                rs.getString("remote_addr"),
                rs.getString("method"),
                rs.getString("path"),
                rs.getString("query"),
                rs.getString("body"),
                rs.getInt("status"));
    }
}
