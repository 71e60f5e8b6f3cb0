package dev.ordo.acquiring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.acquiring.AcquiringQueues;
import dev.ordo.jobs.JobQueue;
import dev.ordo.jobs.Jobs;
import dev.ordo.jobs.RunningJob;
import dev.ordo.shared.ErrorCode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Admission control: new orders are refused while accepted ones wait too long for their first step. */
class OrderBacklogTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    /** The order queue's oldest due job, as the job table would answer. */
    private static final class Queue implements Jobs {
        Instant oldest;

        @Override
        public <T> void enqueue(JobQueue<T> queue, String id, T payload) {}

        @Override
        public <T> void enqueue(JobQueue<T> queue, String id, T payload, Instant at) {}

        @Override
        public <T> void enqueueAll(JobQueue<T> queue, Map<String, T> payloadsById) {}

        @Override
        public boolean runRecurringNow(String name) {
            return false;
        }

        @Override
        public Optional<Instant> oldestWaiting(JobQueue<?> queue) {
            assertThat(queue).isEqualTo(AcquiringQueues.BIND);
            return Optional.ofNullable(oldest);
        }

        @Override
        public Optional<RunningJob> running() {
            return Optional.empty();
        }
    }

    private final Queue queue = new Queue();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private OrderBacklog backlog(Duration maxWait) {
        return new OrderBacklog(queue, Clock.fixed(NOW, ZoneOffset.UTC), meters, maxWait, Duration.ofSeconds(1));
    }

    @Test
    void orders_are_accepted_while_the_oldest_waits_no_longer_than_the_limit() {
        OrderBacklog backlog = backlog(Duration.ofSeconds(120));
        queue.oldest = NOW.minusSeconds(120);
        backlog.check();

        assertThat(backlog.refusal()).isNull();
        assertThat(meters.get("ordo.acquiring.intake.wait").gauge().value()).isEqualTo(120.0);
    }

    @Test
    void new_orders_are_refused_as_busy_once_the_oldest_waits_longer_and_accepted_again_when_it_caught_up() {
        OrderBacklog backlog = backlog(Duration.ofSeconds(120));
        queue.oldest = NOW.minusSeconds(121);
        backlog.check();

        assertThat(backlog.refusal()).isNotNull().satisfies(refusal -> {
            assertThat(refusal.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(refusal.getMessage()).contains("121 s").contains("same request_no");
        });

        queue.oldest = null;
        backlog.check();
        assertThat(backlog.refusal()).isNull();
    }

    @Test
    void a_limit_of_zero_never_refuses() {
        OrderBacklog backlog = backlog(Duration.ZERO);
        queue.oldest = NOW.minus(Duration.ofDays(1));
        backlog.check();

        assertThat(backlog.refusal()).isNull();
    }
}
