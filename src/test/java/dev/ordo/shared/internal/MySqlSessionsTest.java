package dev.ordo.shared.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.ordo.shared.Dialect;
import dev.ordo.testing.DatabaseTest;
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

    @Test
    void every_connection_ran_the_session_statement_and_snapshot_isolation_is_off_where_it_exists() {
        assumeTrue(dialect == Dialect.MYSQL, "MySQL and MariaDB only");
        assertThat(jdbc.sql("select @ordo_session").query(Long.class).single()).isEqualTo(1L);
        boolean hasSnapshotIsolation = jdbc.sql("select count(*) from information_schema.session_variables"
                                + " where variable_name = 'INNODB_SNAPSHOT_ISOLATION'")
                        .query(Long.class)
                        .single()
                > 0;
        if (hasSnapshotIsolation) {
            assertThat(jdbc.sql("select @@session.innodb_snapshot_isolation")
                            .query(String.class)
                            .single())
                    .isIn("0", "OFF");
        }
    }
}
