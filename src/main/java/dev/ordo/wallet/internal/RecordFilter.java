package dev.ordo.wallet.internal;

import dev.ordo.shared.SqlTime;
import dev.ordo.wallet.RecordQuery;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The SQL of a {@link RecordQuery}, shared by balance and capacity records: filters, newest first, one page. */
final class RecordFilter {

    private RecordFilter() {}

    /** Appends the query's conditions and page to a {@code select … where …} and binds them. */
    static JdbcClient.StatementSpec page(JdbcClient jdbc, String select, String newestFirst, RecordQuery query) {
        StringBuilder sql = new StringBuilder(select);
        if (query.type() != null) {
            sql.append(" and change_type = :type");
        }
        if (query.from() != null) {
            sql.append(" and create_time >= :from");
        }
        if (query.to() != null) {
            sql.append(" and create_time < :to");
        }
        sql.append(" order by ").append(newestFirst).append(" limit :limit offset :offset");
        JdbcClient.StatementSpec statement =
                jdbc.sql(sql.toString()).param("limit", query.size()).param("offset", query.offset());
        if (query.type() != null) {
            statement = statement.param("type", query.type().code());
        }
        if (query.from() != null) {
            statement = statement.param("from", SqlTime.utc(query.from()));
        }
        if (query.to() != null) {
            statement = statement.param("to", SqlTime.utc(query.to()));
        }
        return statement;
    }
}
