package dev.ordo.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeadlinesTest {

    @Test
    void a_deadline_cancelled_because_its_call_ended_in_time_is_not_kept_until_it_would_have_passed() {
        AtomicInteger cutOff = new AtomicInteger();
        int before = Deadlines.waiting();
        List<ScheduledFuture<?>> deadlines = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            deadlines.add(Deadlines.after(Duration.ofMinutes(10), cutOff::incrementAndGet));
        }
        assertThat(Deadlines.waiting()).isGreaterThanOrEqualTo(before + 1_000);

        deadlines.forEach(deadline -> deadline.cancel(false));

        // (other calls of this JVM may come and go meanwhile; kept, the thousand would all still be there)
        assertThat(Deadlines.waiting()).isLessThan(before + 500);
        assertThat(cutOff).hasValue(0);
    }
}
