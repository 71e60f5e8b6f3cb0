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

/** MySQL and MariaDB sessions are set up for locking reads that see the latest row (MariaDB 11.6.2+ would fail them). */
@DatabaseTest
class MySqlSessionsTest {

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
    void mysql_and_mariadb_pools_get_the_session_statement_and_others_do_not() {
        MySqlSessions sessions = new MySqlSessions();
        for (String url : new String[] {"jdbc:mariadb://db:3306/ordo", "jdbc:mysql://db/ordo", "JDBC:MariaDB://db/o"}) {
            HikariDataSource pool =
                    (HikariDataSource) sessions.postProcessAfterInitialization(pool(url, null), "dataSource");
            assertThat(pool.getConnectionInitSql()).as(url).isEqualTo(MySqlSessions.INIT_SQL);
        }
        for (String url : new String[] {"jdbc:postgresql://db/ordo", "jdbc:h2:mem:x"}) {
            HikariDataSource pool =
                    (HikariDataSource) sessions.postProcessAfterInitialization(pool(url, null), "dataSource");
            assertThat(pool.getConnectionInitSql()).as(url).isNull();
        }
    }

    @Test
    void an_operators_own_init_statement_is_kept() {
        HikariDataSource pool = (HikariDataSource) new MySqlSessions()
                .postProcessAfterInitialization(
                        pool("jdbc:mariadb://db/ordo", "SET time_zone = '+00:00'"), "dataSource");
        assertThat(pool.getConnectionInitSql()).isEqualTo("SET time_zone = '+00:00'");
    }

    /**
     * A fresh pool configured as the service's runs the statement on the database at hand (MariaDB
     * 10.11 here: the user variable only; 11.6.2 and later: snapshot isolation off too). The service's
     * own connections are not asked: Flyway sets the user variables of the connection it used to NULL.
     */
    @Test
    void the_session_statement_runs_on_this_database_and_leaves_snapshot_isolation_off_where_it_exists()
            throws Exception {
        assumeTrue(dialect == Dialect.MYSQL, "MySQL and MariaDB only");
        HikariDataSource service = (HikariDataSource) dataSource;
        assertThat(service.getConnectionInitSql()).isEqualTo(MySqlSessions.INIT_SQL);
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
            if (hasSnapshotIsolation) {
                assertThat(client.sql("select @@session.innodb_snapshot_isolation")
                                .query(String.class)
                                .single())
                        .isIn("0", "OFF");
            }
        }
    }
}
