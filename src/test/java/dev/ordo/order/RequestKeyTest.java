package dev.ordo.order;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.order.Orders.RequestKey;
import org.junit.jupiter.api.Test;

/** The hand-written equality of the key every order request is looked up by. */
class RequestKeyTest {

    @Test
    void a_request_key_equals_exactly_the_keys_of_the_same_channel_and_request() {
        RequestKey key = new RequestKey("test", "r1");
        assertThat(key).isEqualTo(new RequestKey("test", "r1")).hasSameHashCodeAs(new RequestKey("test", "r1"));
        assertThat(key)
                .isNotEqualTo(new RequestKey("ycdown", "r1"))
                .isNotEqualTo(new RequestKey("test", "r2"))
                .isNotEqualTo(new RequestKey("r1", "test"))
                .isNotEqualTo(null);
    }
}
