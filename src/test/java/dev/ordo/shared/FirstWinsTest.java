package dev.ordo.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;

/** Racing requests with one caller number: the first creation wins, the others answer it. */
class FirstWinsTest {

    @Test
    void an_earlier_creation_is_answered_without_creating_again() {
        AtomicInteger creations = new AtomicInteger();
        String answer = FirstWins.create(() -> Optional.of("earlier"), () -> "new" + creations.incrementAndGet());
        assertThat(answer).isEqualTo("earlier");
        assertThat(creations).hasValue(0);
    }

    @Test
    void the_loser_of_the_unique_key_answers_what_the_winner_created() {
        AtomicReference<String> stored = new AtomicReference<>();
        String answer = FirstWins.create(() -> Optional.ofNullable(stored.get()), () -> {
            stored.set("winner's");
            throw new DuplicateKeyException("uk_refund_no");
        });
        assertThat(answer).isEqualTo("winner's");
    }

    @Test
    void a_unique_key_refusal_with_nothing_to_answer_is_not_hidden() {
        assertThatThrownBy(() -> FirstWins.create(Optional::empty, () -> {
                    throw new DuplicateKeyException("uk_refund_no");
                }))
                .isInstanceOf(DuplicateKeyException.class);
    }

    @Test
    void a_refused_repeat_answers_the_creation_that_won_meanwhile() {
        AtomicReference<String> stored = new AtomicReference<>();
        String answer = FirstWins.create(() -> Optional.ofNullable(stored.get()), () -> {
            // the request it repeats committed after this one's lookup and took what it checks for
            stored.set("winner's");
            throw new OrdoException(ErrorCode.REFUND_NUM_EXCEEDED, "退款数量(1)超过可退数量(0)");
        });
        assertThat(answer).isEqualTo("winner's");
    }

    @Test
    void a_refusal_with_no_earlier_creation_is_passed_on() {
        assertThatThrownBy(() -> FirstWins.create(Optional::empty, () -> {
                    throw new OrdoException(ErrorCode.REFUND_NUM_EXCEEDED, "退款数量(1)超过可退数量(0)");
                }))
                .isInstanceOf(OrdoException.class)
                .hasMessageContaining("超过可退数量");
    }

    @Test
    void a_deadlock_loser_looks_again_and_answers_the_creation_that_won() {
        AtomicInteger lookups = new AtomicInteger();
        String answer = FirstWins.create(
                () -> lookups.incrementAndGet() == 1 ? Optional.empty() : Optional.of("winner's"), () -> {
                    throw new PessimisticLockingFailureException("Deadlock found when trying to get lock");
                });
        assertThat(answer).isEqualTo("winner's");
        assertThat(lookups).hasValue(2);
    }

    @Test
    void a_deadlock_loser_creates_on_its_next_attempt_when_nobody_else_did() {
        AtomicInteger attempts = new AtomicInteger();
        String answer = FirstWins.create(Optional::empty, () -> {
            if (attempts.incrementAndGet() < 3) {
                throw new PessimisticLockingFailureException("Deadlock found when trying to get lock");
            }
            return "created";
        });
        assertThat(answer).isEqualTo("created");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void deadlocks_are_retried_a_bounded_number_of_times_then_reported() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> FirstWins.create(Optional::empty, () -> {
                    attempts.incrementAndGet();
                    throw new PessimisticLockingFailureException("Deadlock found when trying to get lock");
                }))
                .isInstanceOf(PessimisticLockingFailureException.class);
        assertThat(attempts).hasValue(FirstWins.ATTEMPTS);
    }
}
