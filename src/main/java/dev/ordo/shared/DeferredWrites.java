package dev.ordo.shared;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Writes of one transaction that need not run before it goes on — inserts, and conditional updates
 * whose affected-row count only has to be checked — collected and sent as one JDBC batch per
 * statement before it commits. A transaction that moves several orders at once (a wallet flow lane's
 * batch) then costs one round trip per kind of statement instead of one per order and statement.
 *
 * <p>Whoever runs such a transaction {@linkplain #open() opens} the writes on its thread and
 * {@linkplain #flush() flushes} them before the commit; code that writes asks for the {@linkplain
 * #current() current} writes and writes at once when there are none. A count that is not the one
 * expected throws the exception its write named, from {@link #flush()}: the transaction rolls back as
 * it would have had the write been checked at once, only later.
 *
 * <p>The writes belong to the thread, not to the transaction: a transaction started inside (a
 * {@code REQUIRES_NEW}) would see them as its own, so none may be started while they are open.
 */
public final class DeferredWrites implements AutoCloseable {

    /** The expected count of a write that is not checked (a batched insert may not report one). */
    public static final int UNCHECKED = -1;

    private record Write(Object[] args, int expected, Supplier<? extends RuntimeException> onMismatch) {}

    private record Statement(JdbcTemplate jdbc, String sql) {}

    private final Map<Statement, List<Write>> writes = new LinkedHashMap<>();

    private DeferredWrites() {}

    /** Opens the writes of this thread's transaction; close them when it ends. */
    public static DeferredWrites open() {
        if (TransactionSynchronizationManager.hasResource(DeferredWrites.class)) {
            throw new IllegalStateException("deferred writes are open already on this thread");
        }
        DeferredWrites writes = new DeferredWrites();
        TransactionSynchronizationManager.bindResource(DeferredWrites.class, writes);
        return writes;
    }

    /** The writes open on this thread, or null: write at once. */
    public static DeferredWrites current() {
        return (DeferredWrites) TransactionSynchronizationManager.getResource(DeferredWrites.class);
    }

    /**
     * Runs {@code sql} with {@code args} now, or at the flush of the current writes if there are any;
     * either way throws {@code onMismatch}'s exception if it does not affect {@code expected} rows.
     */
    public static void write(
            JdbcTemplate jdbc,
            String sql,
            Object[] args,
            int expected,
            Supplier<? extends RuntimeException> onMismatch) {
        writeAll(jdbc, sql, List.<Object[]>of(args), expected, onMismatch);
    }

    /** {@link #write} for several rows of one statement, each expected to affect {@code expected} rows. */
    public static void writeAll(
            JdbcTemplate jdbc,
            String sql,
            List<Object[]> rows,
            int expected,
            Supplier<? extends RuntimeException> onMismatch) {
        if (rows.isEmpty()) {
            return;
        }
        DeferredWrites current = current();
        if (current != null) {
            List<Write> pending = current.writes.computeIfAbsent(new Statement(jdbc, sql), s -> new ArrayList<>());
            rows.forEach(args -> pending.add(new Write(args, expected, onMismatch)));
            return;
        }
        check(run(jdbc, sql, rows), rows.size(), i -> expected, i -> onMismatch);
    }

    /** Sends every write collected so far, one batch per statement in the order first written; checks every count. */
    public void flush() {
        for (Map.Entry<Statement, List<Write>> entry : writes.entrySet()) {
            List<Write> pending = entry.getValue();
            Statement statement = entry.getKey();
            int[] counts = run(
                    statement.jdbc(),
                    statement.sql(),
                    pending.stream().map(Write::args).toList());
            check(
                    counts,
                    pending.size(),
                    i -> pending.get(i).expected(),
                    i -> pending.get(i).onMismatch());
        }
        writes.clear();
    }

    /** One row as one statement, several as one JDBC batch. */
    private static int[] run(JdbcTemplate jdbc, String sql, List<Object[]> rows) {
        return rows.size() == 1 ? new int[] {jdbc.update(sql, rows.getFirst())} : jdbc.batchUpdate(sql, rows);
    }

    private static void check(
            int[] counts,
            int rows,
            IntUnaryOperator expected,
            IntFunction<Supplier<? extends RuntimeException>> onMismatch) {
        if (counts.length != rows) {
            throw new IllegalStateException("a batch of " + rows + " writes answered " + counts.length + " counts");
        }
        for (int i = 0; i < rows; i++) {
            int want = expected.applyAsInt(i);
            if (want != UNCHECKED && counts[i] != want) {
                throw onMismatch.apply(i).get();
            }
        }
    }

    /** Unbinds the writes from the thread; what was not flushed is dropped (the transaction did not commit). */
    @Override
    public void close() {
        writes.clear();
        TransactionSynchronizationManager.unbindResourceIfPossible(DeferredWrites.class);
    }
}
