package dev.ordo.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The order and unit state machines are closed, their codes stable, their finals final. */
class StateMachineTest {

    @Test
    void order_codes_are_stable_and_map_to_the_seeds_channel_status() {
        assertThat(Arrays.stream(OrderStatus.values()).map(s -> s.code() + ":" + s.channelCode()))
                .containsExactly("1000:30", "1010:30", "1020:30", "9000:0", "9010:91", "9090:90");
    }

    @Test
    void an_order_moves_forward_only_along_its_table() {
        assertThat(OrderStatus.ACCEPTED.canBecome(OrderStatus.BOUND)).isTrue();
        assertThat(OrderStatus.ACCEPTED.canBecome(OrderStatus.PAID)).isFalse();
        assertThat(OrderStatus.BOUND.canBecome(OrderStatus.ACCEPTED)).isFalse();
        assertThat(OrderStatus.PAID.canBecome(OrderStatus.PARTLY_SUCCEEDED)).isTrue();
        for (OrderStatus finalStatus :
                new OrderStatus[] {OrderStatus.SUCCEEDED, OrderStatus.FAILED, OrderStatus.PARTLY_SUCCEEDED}) {
            assertThat(finalStatus.isFinal()).isTrue();
            assertThat(Arrays.stream(OrderStatus.values()).noneMatch(finalStatus::canBecome))
                    .isTrue();
        }
    }

    @Test
    void a_unit_in_submission_can_never_go_back_to_be_submitted_except_when_nothing_was_sent() {
        assertThat(UnitStatus.SUBMITTING.canBecome(UnitStatus.PAID))
                .as("connection refused: not sent")
                .isTrue();
        assertThat(UnitStatus.UNKNOWN.canBecome(UnitStatus.PAID)).isFalse();
        assertThat(UnitStatus.UNKNOWN.canBecome(UnitStatus.SUBMITTING)).isFalse();
        assertThat(UnitStatus.MANUAL_REVIEW.canBecome(UnitStatus.PAID)).isFalse();
        assertThat(UnitStatus.DELIVERED.isFinal()).isTrue();
        assertThat(UnitStatus.FAILED.isFinal())
                .as("the charge is still to be refunded")
                .isFalse();
        assertThat(UnitStatus.FAILED.canBecome(UnitStatus.FAILED_REFUNDED)).isTrue();
        assertThat(UnitStatus.ofCode(120)).isEqualTo(UnitStatus.SUBMITTING);
    }
}
