package dev.ordo.shared.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.ordo.shared.Dialect;
import dev.ordo.testing.DatabaseTest;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Sessions end a transaction left idle for a minute (a node cut off in the middle of one must not hold
 * its locks for hours); MySQL and MariaDB sessions are set up for locking reads that see the latest
 * row (MariaDB 11.6.2+ would fail them).
 */
@DatabaseTest
class DatabaseSessionsTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Dialect dialect;

    @Autowired
    DataSource dataSource;

    private static HikariDataSource pool(String url, String initSql) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setConnectionInitSql(initSql);
        return pool;
    }

    @Test
    void postgresql_mysql_and_mariadb_pools_get_their_session_statement_and_h2_none() {
        DatabaseSessions sessions = new DatabaseSessions();
        for (String url : new String[] {"jdbc:mariadb://db:3306/ordo", "jdbc:mysql://db/ordo", "JDBC:MariaDB://db/o"}) {
            HikariDataSource pool =
                    (HikariDataSource) sessions.postProcessAfterInitialization(pool(url, null), "dataSource");
            assertThat(pool.getConnectionInitSql()).as(url).isEqualTo(DatabaseSessions.MYSQL_INIT_SQL);
        }
        HikariDataSource postgres = (HikariDataSource)
                sessions.postProcessAfterInitialization(pool("jdbc:postgresql://db/ordo", null), "dataSource");
        assertThat(postgres.getConnectionInitSql()).isEqualTo(DatabaseSessions.POSTGRESQL_INIT_SQL);
        HikariDataSource h2 =
                (HikariDataSource) sessions.postProcessAfterInitialization(pool("jdbc:h2:mem:x", null), "dataSource");
        assertThat(h2.getConnectionInitSql()).isNull();
    }

    @Test
    void an_operators_own_init_statement_is_kept() {
        HikariDataSource pool = (HikariDataSource) new DatabaseSessions()
                .postProcessAfterInitialization(
                        pool("jdbc:mariadb://db/ordo", "SET time_zone = '+00:00'"), "dataSource");
        assertThat(pool.getConnectionInitSql()).isEqualTo("SET time_zone = '+00:00'");
    }

    /**
     * A fresh pool configured as the service's runs the statement on the database at hand (MariaDB
     * 10.11 here: the user variable and the idle transaction timeout; 11.6.2 and later: snapshot
     * isolation off too). The service's
     * own connections are not asked: Flyway sets the user variables of the connection it used to NULL.
     */
    @Test
    void
            the_session_statement_runs_on_mariadb_ends_idle_transactions_and_leaves_snapshot_isolation_off_where_it_exists()
                    throws Exception {
        assumeTrue(dialect == Dialect.MYSQL, "MySQL and MariaDB only");
        HikariDataSource service = (HikariDataSource) dataSource;
        assertThat(service.getConnectionInitSql()).isEqualTo(DatabaseSessions.MYSQL_INIT_SQL);
        try (HikariDataSource fresh = new HikariDataSource()) {
            fresh.setJdbcUrl(service.getJdbcUrl());
            fresh.setUsername(service.getUsername());
            fresh.setPassword(service.getPassword());
            fresh.setConnectionInitSql(service.getConnectionInitSql());
            fresh.setMaximumPoolSize(1);
            JdbcClient client = JdbcClient.create(fresh);
            assertThat(client.sql("select @ordo_session").query(Long.class).single())
                    .isEqualTo(1L);
            boolean hasSnapshotIsolation = client.sql("select count(*) from information_schema.session_variables"
                                    + " where variable_name = 'INNODB_SNAPSHOT_ISOLATION'")
                            .query(Long.class)
                            .single()
                    > 0;
            assertThat(client.sql("select @@session.idle_transaction_timeout")
                            .query(Long.class)
                            .single())
                    .isEqualTo(60L);
            if (hasSnapshotIsolation) {
                assertThat(client.sql("select @@session.innodb_snapshot_isolation")
                                .query(String.class)
                                .single())
                        .isIn("0", "OFF");
            }
        }
    }

    @Test
    void a_postgresql_session_ends_a_transaction_left_idle_for_a_minute() {
        assumeTrue(dialect == Dialect.POSTGRESQL, "PostgreSQL only");
        assertThat(((HikariDataSource) dataSource).getConnectionInitSql())
                .isEqualTo(DatabaseSessions.POSTGRESQL_INIT_SQL);
        assertThat(jdbc.sql("show idle_in_transaction_session_timeout")
                        .query(String.class)
                        .single())
                .isEqualTo("1min");
    }
}
