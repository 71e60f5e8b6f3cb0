package dev.ordo.jobs.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.springframework.core.NestedExceptionUtils;

/**
 * db-scheduler logs every failure of a scheduler's loop — a poll, a claim — as an error with its
 * stack trace, and tries again at its next poll. A transient database failure (a deadlock or lock
 * timeout rolled back, no connection to be had, the connection lost) is not an error of Ordo's: while
 * the database restarts, each of a node's schedulers would log a stack trace at every poll. Such a
 * failure is logged instead as one warning line at most once a minute, with how many were folded
 * into it; any other failure keeps db-scheduler's error.
 */
final class TransientPollFailures extends TurboFilter {

    static final String SCHEDULER_LOOP = "com.github.kagkarlsson.scheduler.RunUntilShutdown";

    private static final org.slf4j.Logger log = LoggerFactory.getLogger(TransientPollFailures.class);
    private static final long EVERY = TimeUnit.MINUTES.toNanos(1);

    private final LongSupplier nanoTime;
    private final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong folded = new AtomicLong();

    TransientPollFailures(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Installs one on the logging system, if it is Logback and has none yet. */
    static void install() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context
                && context.getTurboFilterList().stream().noneMatch(TransientPollFailures.class::isInstance)) {
            context.addTurboFilter(new TransientPollFailures(System::nanoTime));
        }
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (t == null || level != Level.ERROR || !SCHEDULER_LOOP.equals(logger.getName()) || !transientFailure(t)) {
            return FilterReply.NEUTRAL;
        }
        long now = nanoTime.getAsLong();
        long last = lastLogged.get();
        if (last != Long.MIN_VALUE && now - last < EVERY || !lastLogged.compareAndSet(last, now)) {
            folded.incrementAndGet();
            return FilterReply.DENY;
        }
        long before = folded.getAndSet(0);
        log.warn(
                "a job scheduler's poll failed on a transient database error and runs again at its next poll"
                        + " ({} more such failures since the last of these lines): {}",
                before,
                NestedExceptionUtils.getMostSpecificCause(t).toString());
        return FilterReply.DENY;
    }

    static boolean transientFailure(Throwable t) {
        for (Throwable cause = t; cause != null; cause = cause.getCause()) {
            // A deadlock or lock timeout rolled back (SQLTransactionRollbackException, SQLState 40xxx),
            // no connection from the pool (SQLTransientConnectionException), the connection lost.
            if (cause instanceof SQLTransientException || cause instanceof SQLRecoverableException) {
                return true;
            }
            if (cause instanceof java.sql.SQLException sql
                    && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("40"))) {
                return true;
            }
        }
        return false;
    }
}
