package dev.ordo.wallet.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** In lists take a few lengths only, so that their statements stay prepared on the database. */
class InListPaddingTest {

    @Test
    void anInListIsPaddedToTheNextPowerOfTwoWithItsLastValue() {
        assertThat(JdbcAccounts.padded(List.of(7L))).containsExactly(7L);
        assertThat(JdbcAccounts.padded(List.of(1L, 2L))).containsExactly(1L, 2L);
        assertThat(JdbcAccounts.padded(List.of(1L, 2L, 3L))).containsExactly(1L, 2L, 3L, 3L);
        assertThat(JdbcAccounts.padded(List.of("a", "b", "c", "d", "e")))
                .hasSize(8)
                .endsWith("e", "e", "e", "e");
    }
}
