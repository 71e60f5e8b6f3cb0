package dev.ordo.jobs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.jobs.DeadJob;
import dev.ordo.testing.AtOnce;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Unique;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

@DatabaseTest
class DeadLettersTest {

    @Autowired
    DeadLetters deadLetters;

    @Autowired
    TransactionTemplate tx;

    /**
     * Many jobs of one queue use up their attempts at once (a supplier down for a while): each is
     * recorded, in the application's own transaction as the job engine records it — on MySQL at
     * REPEATABLE READ, where looking for an earlier entry that is not there locks the gap it would be
     * in, and two such locks deadlock each other's insert.
     */
    @Test
    void jobs_dying_at_the_same_moment_are_all_recorded_without_a_deadlock() throws Exception {
        String queue = Unique.id("test:dying");
        List<String> failures = AtOnce.call(200, 8, i -> {
            try {
                tx.executeWithoutResult(
                        status -> deadLetters.add(queue, "j" + i, "{\"n\":" + i + "}", 3, "boom", Instant.now()));
                return null;
            } catch (RuntimeException e) {
                return e.toString();
            }
        });
        assertThat(failures).containsOnlyNulls();
        assertThat(deadLetters.list(queue, 500)).hasSize(200);
    }

    @Test
    void a_job_that_dies_again_replaces_its_earlier_entry() {
        String queue = Unique.id("test:again");
        deadLetters.add(queue, "j", "{\"n\":1}", 3, "first", Instant.parse("2026-11-30T10:00:00Z"));
        long first = deadLetters.list(queue, 10).getFirst().id();

        deadLetters.add(queue, "j", "{\"n\":2}", 5, "second", Instant.parse("2026-11-30T11:00:00Z"));

        List<DeadJob> entries = deadLetters.list(queue, 10);
        assertThat(entries).singleElement().satisfies(entry -> {
            assertThat(entry.payload()).isEqualTo("{\"n\":2}");
            assertThat(entry.attempts()).isEqualTo(5);
            assertThat(entry.lastError()).isEqualTo("second");
            assertThat(entry.failedAt()).isEqualTo(Instant.parse("2026-11-30T11:00:00Z"));
            assertThat(entry.id())
                    .as("a new entry, the operator's old link gone")
                    .isNotEqualTo(first);
        });
        assertThat(deadLetters.find(first)).isEmpty();
    }
}
