package dev.ordo.supplier.mock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.shared.Signatures;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SPEC A5: the mock supplier's answers by the account's last digit, and its count of submissions. */
class MockSupplierTest {

    private static final String SECRET = "mock-secret-of-some-length";
    private final MockSupplier mock = new MockSupplier(SECRET, Duration.ZERO, Duration.ofMillis(10), Duration.ZERO);

    private Map<String, String> signed(Map<String, String> p) {
        Map<String, String> params = new LinkedHashMap<>(p);
        params.put("sign", Signatures.sign(SECRET, params));
        return params;
    }

    private String submit(String orderNo, long order, String account) {
        return (String) mock.submit(
                        signed(Map.of("order_no", orderNo, "out_order_id", Long.toString(order), "account", account)))
                .get("code");
    }

    private String query(String orderNo) {
        return (String) mock.query(signed(Map.of("order_no", orderNo))).get("code");
    }

    @Test
    void the_last_digit_of_the_account_chooses_the_answer() {
        assertThat(submit("a", 1, "1000")).isEqualTo(MockSupplier.SUCCESS);
        assertThat(submit("b", 2, "1001")).isEqualTo(MockSupplier.FAILURE);
        assertThat(submit("c", 3, "1009")).isEqualTo(MockSupplier.UNKNOWN);
        assertThat(query("c")).isEqualTo(MockSupplier.SUCCESS);
        assertThat(submit("d", 4, "1007")).isEqualTo(MockSupplier.UNKNOWN);
        assertThat(query("d")).isEqualTo(MockSupplier.FAILURE);
        assertThat(submit("e", 5, "1008")).isEqualTo(MockSupplier.SUCCESS);
        assertThat(query("e")).isEqualTo(MockSupplier.SUCCESS);
        assertThat(query("never")).isEqualTo(MockSupplier.NOT_FOUND);
    }

    @Test
    void with_6_the_first_unit_of_an_order_succeeds_and_the_others_fail() {
        assertThat(submit("u1", 77, "556")).isEqualTo(MockSupplier.SUCCESS);
        assertThat(submit("u2", 77, "556")).isEqualTo(MockSupplier.FAILURE);
        assertThat(submit("u3", 77, "556")).isEqualTo(MockSupplier.FAILURE);
        assertThat(submit("v1", 78, "556")).isEqualTo(MockSupplier.SUCCESS);
    }

    @Test
    void only_the_latest_deliveries_are_remembered_so_that_a_long_demo_keeps_a_bounded_heap() {
        MockSupplier small = new MockSupplier(SECRET, Duration.ZERO, Duration.ofMillis(10), Duration.ZERO, 3);
        for (int i = 1; i <= 5; i++) {
            small.submit(signed(Map.of("order_no", "m" + i, "out_order_id", Integer.toString(i), "account", "100")));
        }
        assertThat(small.stats()).containsEntry("units", 3);
        assertThat(small.outcome("m1")).as("the oldest are forgotten").isEmpty();
        assertThat(small.outcome("m2")).isEmpty();
        assertThat(small.query(signed(Map.of("order_no", "m1"))).get("code")).isEqualTo(MockSupplier.NOT_FOUND);
        assertThat(small.outcome("m5")).contains(MockSupplier.SUCCESS);
        assertThat(small.submissions("m3")).isEqualTo(1);
    }

    @Test
    void every_submission_is_counted_so_that_a_second_one_shows() {
        submit("x", 9, "100");
        assertThat(mock.stats()).containsEntry("duplicate_submissions", 0).containsEntry("max_submissions_per_unit", 1);
        submit("x", 9, "100");
        assertThat(mock.submissions("x")).isEqualTo(2);
        assertThat(mock.stats()).containsEntry("duplicate_submissions", 1).containsEntry("max_submissions_per_unit", 2);
    }

    @Test
    void a_signed_query_or_return_without_its_numbers_is_a_bad_request_not_a_failure_of_the_mock() {
        assertThat(mock.query(signed(Map.of("timestamp", "1"))).get("code")).isEqualTo(MockSupplier.BAD_REQUEST);
        assertThat(mock.returnDelivery(signed(Map.of("order_no", "a"))).get("code"))
                .isEqualTo(MockSupplier.BAD_REQUEST);
        assertThat(mock.returnDelivery(signed(Map.of("return_no", "r1"))).get("code"))
                .isEqualTo(MockSupplier.BAD_REQUEST);
        assertThat(mock.stats()).containsEntry("units", 0);
    }

    @Test
    void an_unsigned_or_badly_signed_request_is_refused() {
        assertThat(mock.submit(Map.of("order_no", "z", "account", "0")).get("code"))
                .isEqualTo(MockSupplier.BAD_SIGN);
        assertThat(mock.stats()).containsEntry("units", 0);
    }

    @Test
    void returns_are_refused_with_5_unknown_with_4_and_accepted_otherwise() {
        submit("r0", 1, "100");
        submit("r5", 2, "105");
        submit("r4", 3, "104");
        assertThat(mock.returnDelivery(signed(Map.of("order_no", "r0", "return_no", "a")))
                        .get("code"))
                .isEqualTo(MockSupplier.SUCCESS);
        assertThat(mock.returnDelivery(signed(Map.of("order_no", "r5", "return_no", "b")))
                        .get("code"))
                .isEqualTo(MockSupplier.FAILURE);
        assertThat(mock.returnDelivery(signed(Map.of("order_no", "r4", "return_no", "c")))
                        .get("code"))
                .isEqualTo(MockSupplier.UNKNOWN);
        assertThat(mock.query(signed(Map.of("return_no", "c"))).get("code")).isEqualTo(MockSupplier.SUCCESS);
    }
}
