package dev.ordo.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The hand-written equality of the key every balance operation looks its account up by. */
class AccountKeyTest {

    @Test
    void an_account_key_equals_exactly_the_keys_with_the_same_three_parts() {
        AccountKey key = new AccountKey("oms", "down_channel", "test");
        assertThat(key).isEqualTo(new AccountKey("oms", "down_channel", "test"));
        assertThat(key.hashCode()).isEqualTo(new AccountKey("oms", "down_channel", "test").hashCode());
        assertThat(key)
                .isNotEqualTo(new AccountKey("ordo", "down_channel", "test"))
                .isNotEqualTo(new AccountKey("oms", "up_channel", "test"))
                .isNotEqualTo(new AccountKey("oms", "down_channel", "test2"))
                .isNotEqualTo(new AccountKey("down_channel", "oms", "test"))
                .isNotEqualTo("oms/down_channel/test")
                .isNotEqualTo(null);
    }
}
