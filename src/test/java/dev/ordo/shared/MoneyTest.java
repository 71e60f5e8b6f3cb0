package dev.ordo.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The two rounding rules of Ordo (SPEC 0: written once and tested). */
class MoneyTest {

    @Test
    void a_rate_times_cents_rounds_half_up_to_the_cent() {
        assertThat(Money.times(20_000, new BigDecimal("0.99"))).isEqualTo(19_800);
        assertThat(Money.times(333, new BigDecimal("0.5"))).isEqualTo(167);
        assertThat(Money.times(332, new BigDecimal("0.5"))).isEqualTo(166);
        assertThat(Money.times(10_000, new BigDecimal("0.002"))).isEqualTo(20);
        assertThat(Money.times(1, new BigDecimal("0.001"))).isZero();
    }

    @Test
    void yuan_in_a_message_are_written_without_trailing_zeros() {
        assertThat(Money.yuan(30_000)).isEqualTo("300");
        assertThat(Money.yuan(50)).isEqualTo("0.5");
        assertThat(Money.yuan(19_999)).isEqualTo("199.99");
        assertThat(Money.yuan(0)).isEqualTo("0");
        assertThat(Money.centsToYuan(30_000)).isEqualTo("300.00");
    }

    @Test
    void an_allocation_always_sums_to_the_total_and_gives_leftover_cents_to_the_largest_remainders() {
        assertThat(Money.allocate(19_800, List.of(10_000L, 10_000L))).containsExactly(9_900L, 9_900L);
        assertThat(Money.allocate(100, List.of(1L, 1L, 1L))).containsExactly(34L, 33L, 33L);
        assertThat(Money.allocate(10, List.of(3L, 3L, 1L))).containsExactly(4L, 4L, 2L);
        Random random = new Random(42);
        for (int i = 0; i < 1_000; i++) {
            long total = random.nextInt(1_000_000);
            List<Long> weights = random.ints(1 + random.nextInt(8), 1, 100_000)
                    .mapToObj(w -> (long) w)
                    .toList();
            assertThat(Money.allocate(total, weights).stream()
                            .mapToLong(Long::longValue)
                            .sum())
                    .isEqualTo(total);
        }
    }

    @Test
    void yuan_with_at_most_two_decimals_become_cents_and_anything_else_is_refused() {
        assertThat(Money.yuanToCents("198")).isEqualTo(19_800);
        assertThat(Money.yuanToCents("198.5")).isEqualTo(19_850);
        assertThat(Money.yuanToCents("0.01")).isEqualTo(1);
        for (String bad : new String[] {"198.001", "-1", "1e2", " 1", "abc", "", "1.", ".5", "99999999999999"}) {
            assertThatThrownBy(() -> Money.yuanToCents(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
