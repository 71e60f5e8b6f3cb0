package dev.ordo.jobs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import dev.ordo.shared.Dialect;
import dev.ordo.testing.DatabaseTest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * db-scheduler's own statements read committed everywhere, without changing anyone else's isolation,
 * and its transient poll failures are warnings, not errors.
 */
@DatabaseTest
class SchedulerConnectionsTest {

    @Autowired
    DataSource dataSource;

    @Autowired
    Dialect dialect;

    @Autowired
    TransactionTemplate tx;

    @Test
    void the_schedulers_connections_read_committed_and_the_pool_gets_them_back_at_its_default() throws SQLException {
        int poolDefault;
        try (Connection plain = dataSource.getConnection()) {
            poolDefault = plain.getTransactionIsolation();
        }
        assertThat(isolationsOfThreeAtOnce(JobEngine.schedulerDataSource(dataSource, dialect)))
                .as("a claim's locking select takes no gap locks")
                .containsOnly(Connection.TRANSACTION_READ_COMMITTED);
        DataSource inTransactions =
                JobEngine.schedulerDataSource(new TransactionAwareDataSourceProxy(dataSource), dialect);
        Integer inTransaction = tx.execute(status -> {
            try (Connection connection = inTransactions.getConnection()) {
                return connection.getTransactionIsolation();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(inTransaction)
                .as("a Spring transaction's connection keeps its isolation")
                .isEqualTo(poolDefault);
        if (dialect == Dialect.MYSQL) {
            assertThat(poolDefault)
                    .as("the application's own transactions keep MariaDB's default")
                    .isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
        }
        assertThat(isolationsOfThreeAtOnce(dataSource))
                .as("returned to the pool at its default")
                .containsOnly(poolDefault);
    }

    @Test
    void a_running_job_engine_folds_the_schedulers_transient_poll_failures_into_warnings() {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(logging.getTurboFilterList())
                .filteredOn(TransientPollFailures.class::isInstance)
                .hasSize(1);
    }

    /** Three connections held at once (so not the same one thrice): their isolation levels. */
    private static List<Integer> isolationsOfThreeAtOnce(DataSource source) throws SQLException {
        List<Connection> held = new ArrayList<>();
        try {
            List<Integer> levels = new ArrayList<>();
            for (int n = 0; n < 3; n++) {
                Connection connection = source.getConnection();
                held.add(connection);
                levels.add(connection.getTransactionIsolation());
            }
            return levels;
        } finally {
            for (Connection connection : held) {
                connection.close();
            }
        }
    }
}
