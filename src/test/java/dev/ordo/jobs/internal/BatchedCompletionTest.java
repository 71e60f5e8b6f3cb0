package dev.ordo.jobs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.task.Execution;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Unique;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.transaction.support.TransactionTemplate;

@DatabaseTest
class BatchedCompletionTest {

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcTemplate jdbc;

    /**
     * A job's work committed, then the database went away as its execution was to be deleted: the
     * delete is tried again until it commits. Given up, the execution would stay claimed and unwatched,
     * be taken for a dead node's — and after the job's last attempt be recorded dead, its handler told
     * that the work was given up.
     */
    @Test
    void a_finished_jobs_execution_is_deleted_once_the_database_is_back() throws Exception {
        AtomicInteger unreachable = new AtomicInteger(3);
        DataSource flaky = new DelegatingDataSource(dataSource) {
            @Override
            public Connection getConnection() throws SQLException {
                if (unreachable.getAndDecrement() > 0) {
                    throw new SQLException("connection refused (test)", "08001");
                }
                return super.getConnection();
            }
        };
        String id = Unique.id("finished");
        Instant now = Instant.now();
        jdbc.update(
                "insert into scheduled_tasks (task_name, task_instance, execution_time, picked, picked_by,"
                        + " last_heartbeat, version) values ('test:completion', ?, ?, ?, 'node-1', ?, 7)",
                id,
                java.sql.Timestamp.from(now),
                true,
                java.sql.Timestamp.from(now));
        Execution execution =
                new Execution(now, new TaskInstance<>("test:completion", id), true, "node-1", null, null, 0, now, 7);

        try (BatchedCompletion completion = new BatchedCompletion(
                new JdbcTemplate(flaky),
                new TransactionTemplate(new DataSourceTransactionManager(flaky)),
                new SimpleMeterRegistry(),
                Duration.ofMillis(10))) {
            completion.handler().complete(ExecutionComplete.success(execution, now, Instant.now()), null);
        }

        assertThat(unreachable.get())
                .as("the database was away for three tries")
                .isNegative();
        assertThat(jdbc.queryForObject(
                        "select count(*) from scheduled_tasks where task_name = 'test:completion' and task_instance = ?",
                        Integer.class,
                        id))
                .isZero();
    }
}
