package dev.ordo.jobs.internal;

import com.github.kagkarlsson.scheduler.jdbc.JdbcCustomization;
import com.github.kagkarlsson.scheduler.jdbc.JdbcTaskRepositoryContext;
import com.github.kagkarlsson.scheduler.jdbc.PostgreSqlJdbcCustomization;
import com.github.kagkarlsson.scheduler.task.Execution;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Gives each queue its own db-scheduler {@code Scheduler} (and so its own worker count) on one
 * shared table: the scheduler of a queue only fetches due executions of that queue's tasks. It
 * adds {@code and task_name in (...)} to the two fetch queries db-scheduler lets a customization
 * shape; everything else is the database's own customization.
 */
final class QueueJdbcCustomization implements JdbcCustomization {

    private static final Pattern SAFE_NAME = Pattern.compile("[a-z0-9_:\\-]+");

    private final JdbcCustomization delegate;
    private final String condition;

    QueueJdbcCustomization(JdbcCustomization delegate, Set<String> taskNames) {
        if (taskNames.isEmpty()) {
            throw new IllegalArgumentException("a queue scheduler needs at least one task");
        }
        for (String name : taskNames) {
            if (!SAFE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("unsafe task name " + name);
            }
        }
        this.delegate = delegate;
        this.condition = taskNames.stream()
                .sorted()
                .map(name -> "'" + name + "'")
                .collect(Collectors.joining(", ", " and task_name in (", ") "));
    }

    @Override
    public String getName() {
        return delegate.getName() + " (queue filtered)";
    }

    @Override
    public void setInstant(PreparedStatement p, int index, Instant value) throws SQLException {
        delegate.setInstant(p, index, value);
    }

    @Override
    public Instant getInstant(ResultSet rs, String columnName) throws SQLException {
        return delegate.getInstant(rs, columnName);
    }

    @Override
    public void setTaskData(PreparedStatement p, int index, byte[] value) throws SQLException {
        delegate.setTaskData(p, index, value);
    }

    @Override
    public byte[] getTaskData(ResultSet rs, String columnName) throws SQLException {
        return delegate.getTaskData(rs, columnName);
    }

    @Override
    public boolean supportsExplicitQueryLimitPart() {
        return delegate.supportsExplicitQueryLimitPart();
    }

    @Override
    public String getQueryLimitPart(int limit) {
        return delegate.getQueryLimitPart(limit);
    }

    /**
     * On PostgreSQL the due executions of the queue are claimed in one statement (an update of the
     * rows a locking select picks, returning them): the generic variant selects them and then
     * updates each claimed row with a statement of its own. db-scheduler's own single statement
     * cannot be filtered from outside, so this is it with the queue's condition.
     */
    @Override
    public boolean supportsSingleStatementLockAndFetch() {
        return delegate instanceof PostgreSqlJdbcCustomization;
    }

    @Override
    public List<Execution> lockAndFetchSingleStatement(
            JdbcTaskRepositoryContext ctx, Instant now, int limit, boolean orderByPriority) {
        if (!supportsSingleStatementLockAndFetch()) {
            throw new UnsupportedOperationException("single-statement lock-and-fetch is for PostgreSQL");
        }
        String sql = "update " + ctx.tableName
                + " st1 set picked = ?, picked_by = ?, last_heartbeat = ?, version = version + 1"
                + " where (st1.task_name, st1.task_instance) in (select st2.task_name, st2.task_instance from "
                + ctx.tableName + " st2 where st2.picked = ? and st2.execution_time <= ?" + condition
                + (orderByPriority
                        ? " order by st2.priority desc nulls last, st2.execution_time asc"
                        : " order by st2.execution_time asc")
                + " for update skip locked" + getQueryLimitPart(limit) + ") returning st1.*";
        String pickedBy = ctx.schedulerName.getName();
        return ctx.jdbcRunner.query(
                sql,
                ps -> {
                    ps.setBoolean(1, true);
                    ps.setString(2, pickedBy.length() > 50 ? pickedBy.substring(0, 50) : pickedBy);
                    setInstant(ps, 3, now);
                    ps.setBoolean(4, false);
                    setInstant(ps, 5, now);
                },
                ctx.resultSetMapper.get());
    }

    @Override
    public boolean supportsGenericLockAndFetch() {
        return delegate.supportsGenericLockAndFetch();
    }

    @Override
    public String createGenericSelectForUpdateQuery(
            String tableName, int limit, String requiredAndCondition, boolean orderByPriority) {
        return delegate.createGenericSelectForUpdateQuery(
                tableName, limit, requiredAndCondition + condition, orderByPriority);
    }

    @Override
    public String createSelectDueQuery(String tableName, int limit, String andCondition, boolean orderByPriority) {
        return delegate.createSelectDueQuery(tableName, limit, andCondition + condition, orderByPriority);
    }
}
