package dev.ordo.wallet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A trade number fits its column (64 characters), Ordo's own reserved ones included. */
class TradeNoTest {

    @Test
    void a_trade_number_is_at_most_64_characters_with_or_without_the_reserved_mark() {
        assertThat(new TradeNo("a".repeat(64)).value()).hasSize(64);
        assertThat(new TradeNo("#" + "a".repeat(63)).reserved()).isTrue();
        assertThatThrownBy(() -> new TradeNo("a".repeat(65))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TradeNo("#" + "a".repeat(64))).isInstanceOf(IllegalArgumentException.class);
    }
}
