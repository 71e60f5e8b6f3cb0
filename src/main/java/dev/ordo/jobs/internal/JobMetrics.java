package dev.ordo.jobs.internal;

import com.github.kagkarlsson.scheduler.event.AbstractSchedulerListener;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import dev.ordo.jobs.QueueStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Job metrics: {@code ordo_jobs_executions_total{queue,result}} (result ok, failed or put_off),
 * {@code ordo_jobs_duration},
 * {@code ordo_jobs_revived_total{queue}} (taken over from a dead node),
 * {@code ordo_jobs_put_off_total{queue}} (handed back by their handler to run later) and the gauges
 * {@code ordo_jobs_due}, {@code ordo_jobs_scheduled}, {@code ordo_jobs_running},
 * {@code ordo_jobs_retrying}, {@code ordo_jobs_dead} per queue, from the shared table.
 */
final class JobMetrics extends AbstractSchedulerListener {

    private final MeterRegistry registry;
    private final Map<String, QueueStats> latest = new ConcurrentHashMap<>();
    /** The runs that ended put off and are still to be reported complete, by queue and job id. */
    private final Set<String> putOff = ConcurrentHashMap.newKeySet();

    JobMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void register(String queue) {
        gauge("ordo.jobs.due", queue, QueueStats::due);
        gauge("ordo.jobs.scheduled", queue, QueueStats::scheduled);
        gauge("ordo.jobs.running", queue, QueueStats::running);
        gauge("ordo.jobs.retrying", queue, QueueStats::retrying);
        gauge("ordo.jobs.dead", queue, QueueStats::dead);
    }

    void update(Iterable<QueueStats> stats) {
        stats.forEach(s -> latest.put(s.queue(), s));
    }

    private void gauge(String name, String queue, ToDoubleFunction<QueueStats> value) {
        Gauge.builder(name, latest, map -> {
                    QueueStats stats = map.get(queue);
                    return stats == null ? 0 : value.applyAsDouble(stats);
                })
                .tag("queue", queue)
                .register(registry);
    }

    @Override
    public void onExecutionComplete(ExecutionComplete complete) {
        String queue = complete.getExecution().getTaskName();
        boolean putOffRun =
                putOff.remove(runKey(queue, complete.getExecution().taskInstance.getId()));
        String result = putOffRun ? "put_off" : complete.getResult() == ExecutionComplete.Result.OK ? "ok" : "failed";
        Counter.builder("ordo.jobs.executions")
                .tag("queue", queue)
                .tag("result", result)
                .register(registry)
                .increment();
        Timer.builder("ordo.jobs.duration")
                .tag("queue", queue)
                .register(registry)
                .record(complete.getDuration());
    }

    /**
     * A job of {@code queue} taken over from a dead node. Counted by the queue's own failure handler,
     * once: db-scheduler's listener is told by every scheduler that sees the dead execution.
     */
    Counter revived(String queue) {
        return Counter.builder("ordo.jobs.revived")
                .description("jobs taken over from a node that stopped while running them")
                .tag("queue", queue)
                .register(registry);
    }

    /**
     * A job of {@code queue} its handler put off ({@link dev.ordo.jobs.RunningJob#runAgainAt}), told
     * before db-scheduler reports its run as complete: that run is counted as {@code put_off}, not
     * {@code ok}.
     */
    void putOff(String queue, String id) {
        putOff.add(runKey(queue, id));
        Counter.builder("ordo.jobs.put.off")
                .description("jobs their handler put off to run later, without counting an attempt")
                .tag("queue", queue)
                .register(registry)
                .increment();
    }

    private static String runKey(String queue, String id) {
        return queue + "\u0000" + id;
    }
}
