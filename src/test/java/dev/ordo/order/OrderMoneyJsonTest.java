package dev.ordo.order;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/** The margin is shown with the money and ignored when money written earlier is read back (job payloads). */
class OrderMoneyJsonTest {

    /** As the application's (snake_case names), but refusing any property it does not know. */
    private final JsonMapper strict = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    @Test
    void money_is_written_with_its_margin_and_reads_back_equal() {
        OrderMoney money = new OrderMoney(19_800, 40, 20, 99, 19_600, 10, 5);

        String json = strict.writeValueAsString(money);

        assertThat(json).contains("\"margin\":" + money.margin());
        assertThat(strict.readValue(json, OrderMoney.class)).isEqualTo(money);
    }

    @Test
    void a_margin_that_does_not_match_the_figures_is_not_taken_from_the_json() {
        OrderMoney read = strict.readValue(
                "{\"sale\":100,\"commission\":0,\"service_fee\":0,\"payment_fee\":0,\"cost\":90,\"up_commission\":0,"
                        + "\"up_service_fee\":0,\"margin\":999}",
                OrderMoney.class);

        assertThat(read.margin()).isEqualTo(10);
    }
}
