package dev.ordo.apilog.internal;

import dev.ordo.apilog.ApiCall;
import dev.ordo.apilog.ApiCallKind;
import dev.ordo.apilog.ApiLog;
import dev.ordo.apilog.ApiLogQuery;
import dev.ordo.shared.Ids;
import dev.ordo.shared.Masking;
import dev.ordo.shared.SqlText;
import dev.ordo.shared.SqlTime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.SqlParameterValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The API log's table, written by one thread per node: calls are queued in memory ({@code
 * capacity} at most; past it they are dropped and counted) and inserted in batches of up to a
 * thousand, one transaction each, so that a burst of calls costs a few round trips and the callers
 * none. Stops last and writes what is still queued before the database goes.
 */
final class JdbcApiLog implements ApiLog, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JdbcApiLog.class);
    private static final int BATCH = 1_000;
    private static final String INSERT = """
            insert into api_log (log_id, at, kind, party, endpoint, reference, request, status, response, duration_ms)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final TransactionTemplate tx;
    private final Ids ids;
    private final Clock clock;
    private final boolean enabled;
    private final int maxText;
    private final BlockingQueue<ApiCall> queue;
    private final Counter dropped;
    private final Counter written;
    private final Counter failures;
    private final int refusedPerSecond;
    private final Counter refusedSkipped;
    /** The second ({@link Clock#millis} / 1000) of the refused calls counted, and how many were kept in it. */
    private long refusedSecond;

    private int refusedKept;
    private volatile Thread writer;
    private volatile boolean stopping;
    private long lastFailureLog;

    JdbcApiLog(
            JdbcClient jdbc,
            JdbcTemplate template,
            TransactionTemplate tx,
            Ids ids,
            Clock clock,
            MeterRegistry meters,
            boolean enabled,
            int capacity,
            int maxText,
            int refusedPerSecond) {
        this.jdbc = jdbc;
        this.template = template;
        this.tx = tx;
        this.ids = ids;
        this.clock = clock;
        this.enabled = enabled;
        this.maxText = maxText;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.refusedPerSecond = refusedPerSecond;
        this.refusedSkipped = Counter.builder("ordo.api.log.refused.skipped")
                .description("Inbound calls refused before they were served (401, 403, 404, 429) and not logged:"
                        + " more than ordo.api-log.refused-per-second of them came in one second")
                .register(meters);
        this.dropped = Counter.builder("ordo.api.log.dropped")
                .description("API calls not logged: the log's buffer was full or its write failed")
                .register(meters);
        this.written = Counter.builder("ordo.api.log.written")
                .description("API calls written to the API log")
                .register(meters);
        this.failures = Counter.builder("ordo.api.log.failures")
                .description("Failed writes of a batch of API log entries")
                .register(meters);
        Gauge.builder("ordo.api.log.buffered", queue, BlockingQueue::size)
                .description("API calls waiting to be written")
                .register(meters);
    }

    /** Queues the call cut to what is kept, so that the buffer holds at most {@code capacity} entries of that size. */
    @Override
    public void record(ApiCall call) {
        if (!enabled) {
            return;
        }
        if (stopping || !queue.offer(kept(call))) {
            dropped.increment();
        }
    }

    /** The calls waiting to be written, oldest first, as they will be stored. */
    List<ApiCall> buffered() {
        return List.copyOf(queue);
    }

    /**
     * Queues an inbound call that was refused before it was served — unknown channel, bad signature,
     * unknown path, over its rate — as {@link #record}, but at most {@code refusedPerSecond} of them a
     * second on this node: anyone can send such calls without a secret, and a flood of them must not
     * fill the buffer and push out the calls of channels and suppliers.
     */
    void recordRefused(ApiCall call) {
        if (!enabled) {
            return;
        }
        long second = clock.millis() / 1000;
        boolean keep;
        synchronized (this) {
            if (second != refusedSecond) {
                refusedSecond = second;
                refusedKept = 0;
            }
            keep = refusedKept < refusedPerSecond;
            if (keep) {
                refusedKept++;
            }
        }
        if (keep) {
            record(call);
        } else {
            refusedSkipped.increment();
        }
    }

    /**
     * The call as stored: texts cut to their columns and to {@code maxText}, without NUL characters;
     * the values of the request's secret-looking parameters ({@code sign} among them) masked, whoever
     * recorded it ({@link Masking#params}).
     */
    private ApiCall kept(ApiCall call) {
        return new ApiCall(
                0,
                call.at(),
                call.kind(),
                storable(call.party(), 64),
                storable(call.endpoint() == null ? "" : call.endpoint(), 500),
                storable(call.reference(), 64),
                storable(call.request() == null ? null : Masking.params(call.request()), maxText),
                call.status(),
                storable(call.response(), maxText),
                call.durationMs());
    }

    /**
     * Cut to {@code max} characters, NUL characters replaced (PostgreSQL refuses them in text, and
     * one would fail its whole batch), and no surrogate left half at the cut.
     */
    private static String storable(String text, int max) {
        if (text == null) {
            return null;
        }
        String kept = text.length() <= max ? text : text.substring(0, max);
        if (kept.length() == max && Character.isHighSurrogate(kept.charAt(max - 1))) {
            kept = kept.substring(0, max - 1);
        }
        return SqlText.storable(kept);
    }

    @Override
    public Filter inbound(ApiCallKind kind, Function<HttpServletRequest, String> party) {
        return new InboundApiLogFilter(this, clock, kind, party, maxText);
    }

    /** Cuts a text to what the log keeps. */
    String cut(String text) {
        return storable(text, maxText);
    }

    private void work() {
        List<ApiCall> batch = new ArrayList<>(BATCH);
        while (!(stopping && queue.isEmpty())) {
            try {
                ApiCall first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                // Only stop() interrupts, once its wait for the writer is over: what is left is dropped.
                dropped.increment(batch.size() + queue.size());
                queue.clear();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * Writes a batch in one transaction. A failure the database may not repeat (a lost connection, a
     * timeout) is tried again twice; any other — or the third — leaves the entries to be written one
     * by one, so that one entry the database refuses costs only itself. What cannot be written is
     * dropped and counted.
     */
    void write(List<ApiCall> batch) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                insert(batch);
                written.increment(batch.size());
                return;
            } catch (TransientDataAccessException | CannotGetJdbcConnectionException e) {
                failures.increment();
                if (attempt == 3 || stopping) {
                    oneByOne(batch, e);
                    return;
                }
                Thread.sleep(attempt * 500L);
            } catch (RuntimeException e) {
                failures.increment();
                oneByOne(batch, e);
                return;
            }
        }
    }

    private void oneByOne(List<ApiCall> batch, RuntimeException cause) {
        int lost = 0;
        RuntimeException last = cause;
        for (ApiCall call : batch) {
            try {
                insert(List.of(call));
                written.increment();
            } catch (RuntimeException e) {
                lost++;
                last = e;
            }
        }
        if (lost > 0) {
            dropped.increment(lost);
            long now = System.currentTimeMillis();
            if (now - lastFailureLog > 60_000) {
                lastFailureLog = now;
                log.warn(
                        "API log: {} of {} entries could not be written and are dropped ({})",
                        lost,
                        batch.size(),
                        last.toString());
            }
        }
    }

    private void insert(List<ApiCall> calls) {
        List<Object[]> rows = new ArrayList<>(calls.size());
        for (ApiCall call : calls) {
            rows.add(row(call));
        }
        tx.executeWithoutResult(s -> template.batchUpdate(INSERT, rows));
    }

    private Object[] row(ApiCall call) {
        return new Object[] {
            ids.next("api_log"),
            SqlTime.utc(call.at()),
            call.kind().name(),
            call.party(),
            call.endpoint(),
            call.reference(),
            new SqlParameterValue(Types.VARCHAR, call.request()),
            new SqlParameterValue(Types.INTEGER, call.status()),
            new SqlParameterValue(Types.VARCHAR, call.response()),
            call.durationMs()
        };
    }

    @Override
    public List<ApiCall> search(ApiLogQuery q) {
        StringBuilder sql = new StringBuilder("select * from api_log where 1 = 1");
        Map<String, Object> params = new LinkedHashMap<>();
        if (q.kind() != null) {
            sql.append(" and kind = :kind");
            params.put("kind", q.kind().name());
        }
        if (q.party() != null) {
            sql.append(" and party = :party");
            params.put("party", q.party());
        }
        if (q.reference() != null) {
            sql.append(" and reference = :reference");
            params.put("reference", q.reference());
        }
        if (q.failed() != null) {
            sql.append(
                    q.failed()
                            ? " and (status is null or status < 200 or status >= 300)"
                            : " and status >= 200 and status < 300");
        }
        if (q.from() != null) {
            sql.append(" and at >= :from");
            params.put("from", SqlTime.utc(q.from()));
        }
        if (q.to() != null && q.beforeId() != null) {
            sql.append(" and (at < :to or (at = :to and log_id < :beforeId))");
            params.put("to", SqlTime.utc(q.to()));
            params.put("beforeId", q.beforeId());
        } else if (q.to() != null) {
            sql.append(" and at < :to");
            params.put("to", SqlTime.utc(q.to()));
        }
        sql.append(" order by at desc, log_id desc limit :limit");
        params.put("limit", q.limit());
        return jdbc.sql(sql.toString()).params(params).query(JdbcApiLog::call).list();
    }

    private static ApiCall call(ResultSet rs, int row) throws SQLException {
        int status = rs.getInt("status");
        Integer answered = rs.wasNull() ? null : status;
        return new ApiCall(
                rs.getLong("log_id"),
                SqlTime.instant(rs, "at"),
                ApiCallKind.valueOf(rs.getString("kind")),
                rs.getString("party"),
                rs.getString("endpoint"),
                rs.getString("reference"),
                rs.getString("request"),
                answered,
                rs.getString("response"),
                rs.getLong("duration_ms"));
    }

    @Override
    public void start() {
        stopping = false;
        writer = Thread.ofPlatform().daemon().name("api-log-writer").start(this::work);
    }

    /** Writes what is queued, for at most ten seconds. */
    @Override
    public void stop() {
        stopping = true;
        Thread running = writer;
        if (running != null) {
            try {
                if (!running.join(Duration.ofSeconds(10))) {
                    running.interrupt();
                    running.join(Duration.ofSeconds(2));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        writer = null;
    }

    @Override
    public boolean isRunning() {
        return writer != null;
    }

    /** Starts before and stops after everything that makes calls (the web server, the job workers). */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 1_000;
    }
}
