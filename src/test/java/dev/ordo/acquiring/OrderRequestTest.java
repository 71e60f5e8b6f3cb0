package dev.ordo.acquiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.order.Order;
import dev.ordo.order.OrderStatus;
import dev.ordo.order.Orders;
import dev.ordo.order.Unit;
import dev.ordo.order.UnitStatus;
import dev.ordo.shared.Signatures;
import dev.ordo.testing.Acquiring;
import dev.ordo.testing.AtOnce;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Http;
import dev.ordo.testing.Http.Response;
import dev.ordo.testing.TestDatabases;
import dev.ordo.testing.Unique;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/** SPEC A2 and K6: /order/request and /order/query as seed 000 defines them, on the real database. */
@DatabaseTest
class OrderRequestTest {

    @LocalServerPort
    int port;

    @Autowired
    Orders orders;

    @Autowired
    JdbcClient jdbc;

    Http http;
    Acquiring acquiring;

    @BeforeEach
    void setUp() {
        http = new Http(port);
        acquiring = new Acquiring(http, orders, jdbc);
    }

    private Http channel() {
        return http.withoutToken();
    }

    private long orderCount() {
        return jdbc.sql("select count(*) from oms_order").query(Long.class).single();
    }

    @Test
    void the_seed_example_request_succeeds_in_two_deliveries_of_face_100() {
        String requestNo = Unique.id("test");
        Response accepted = channel()
                .getRaw("/order/request?channel_no=test&request_no=" + requestNo
                        + "&line_id=1&carrier_no=ZSH&invoice_type=1&num=1&face=200&amount=198"
                        + "&notify_url=http://127.0.0.1:9/recv&rechage_account=100011000000000");
        assertThat(accepted.status()).isEqualTo(200);
        assertThat(accepted.contentType()).startsWith("application/json");
        assertThat(accepted.headers().get("cache-control")).isEqualTo("no-store");
        assertThat(accepted.headers().get("content-length"))
                .isEqualTo(Integer.toString(accepted.body().getBytes(StandardCharsets.UTF_8).length));
        assertThat(accepted.json().get("channel_no").asString()).isEqualTo("test");
        assertThat(accepted.json().get("request_no").asString()).isEqualTo(requestNo);
        assertThat(accepted.json().get("order_id").asString()).matches("\\d+");
        assertThat(accepted.json().get("status").asInt()).isEqualTo(30);

        Order order = acquiring.awaitFinal(requestNo);
        assertThat(order.status()).isEqualTo(OrderStatus.SUCCEEDED);
        List<Unit> units = acquiring.units(order);
        assertThat(units).hasSize(2).allSatisfy(u -> {
            assertThat(u.face()).isEqualTo(10_000);
            assertThat(u.status()).isEqualTo(UnitStatus.DELIVERED);
        });
        Response query = channel().get("/order/query", "channel_no", "test", "request_no", requestNo);
        assertThat(query.json().get("status").asInt()).isZero();
        assertThat(query.json().get("order_id").asString()).isEqualTo(Long.toString(order.orderId()));
    }

    @Test
    void a_post_form_is_accepted_like_a_get_query() {
        String requestNo = Unique.id("post");
        Response accepted = channel()
                .postForm(
                        "/order/request",
                        "channel_no",
                        "test",
                        "request_no",
                        requestNo,
                        "line_id",
                        "1",
                        "carrier_no",
                        "ZSH",
                        "invoice_type",
                        "1",
                        "num",
                        "2",
                        "face",
                        "100",
                        "amount",
                        "198",
                        "rechage_account",
                        "555");
        assertThat(accepted.status()).isEqualTo(200);
        assertThat(channel()
                        .postForm("/order/query", "channel_no", "test", "request_no", requestNo)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void a_repeat_answers_the_same_order_and_a_repeat_with_other_parameters_is_a_conflict() {
        String requestNo = Unique.id("repeat");
        Response first = acquiring.order(requestNo, "1230");
        Response again = acquiring.order(requestNo, "1230");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("order_id")).isEqualTo(first.json().get("order_id"));
        Response other = acquiring.order(requestNo, "9990");
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.json().get("code").asInt()).isEqualTo(909);
    }

    @Test
    void two_hundred_concurrent_identical_requests_create_one_order() throws Exception {
        String requestNo = Unique.id("burst");
        List<Response> answers = AtOnce.call(200, 64, i -> acquiring.order(requestNo, "777"));
        assertOneOrder(requestNo, answers);
    }

    /** Every answer is 200 with the same order, and the database holds exactly that one order. */
    private void assertOneOrder(String requestNo, List<Response> answers) {
        assertThat(answers).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        assertThat(answers.stream()
                        .map(r -> r.json().get("order_id").asString())
                        .distinct())
                .hasSize(1);
        assertThat(jdbc.sql("select count(*) from oms_order where channel_no = 'test' and request_no = :r")
                        .param("r", requestNo)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void a_burst_of_mixed_requests_is_answered_request_by_request() throws Exception {
        // Requests arriving together are taken in shared intake batches; each must still get the
        // answer it would get alone: new orders, repeats of an earlier order, conflicting repeats,
        // refusals, and one new request number sent many times at once.
        String earlier = Unique.id("mixed-earlier");
        Response first = acquiring.order(earlier, "7700");
        assertThat(first.status()).isEqualTo(200);
        String earlierId = first.json().get("order_id").asString();
        String twin = Unique.id("mixed-twin");
        long before = orderCount();
        record Answer(String kind, Response response) {}
        Map<String, List<Response>> answers = AtOnce.call(240, 64, n -> switch (n % 6) {
                    case 0, 1 -> new Answer("new", acquiring.order(Unique.id("mixed-new"), "7710"));
                    case 2 -> new Answer("repeat", acquiring.order(earlier, "7700"));
                    case 3 -> new Answer("conflict", acquiring.order(earlier, "7790"));
                    case 4 ->
                        new Answer("refused", acquiring.order(Unique.id("mixed-refused"), "7710", "amount", "197.99"));
                    default -> new Answer("twin", acquiring.order(twin, "7720"));
                })
                .stream()
                .collect(
                        Collectors.groupingBy(Answer::kind, Collectors.mapping(Answer::response, Collectors.toList())));
        assertThat(answers.get("new"))
                .hasSize(80)
                .allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        assertThat(answers.get("new").stream().map(r -> r.json().get("order_id").asString()))
                .doesNotHaveDuplicates();
        assertThat(answers.get("repeat")).hasSize(40).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get("order_id").asString()).isEqualTo(earlierId);
        });
        assertThat(answers.get("conflict")).hasSize(40).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.json().get("code").asInt()).isEqualTo(909);
        });
        assertThat(answers.get("refused")).hasSize(40).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(422);
            assertThat(r.json().get("code").asInt()).isEqualTo(913);
        });
        assertThat(answers.get("twin"))
                .hasSize(40)
                .allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        assertThat(answers.get("twin").stream()
                        .map(r -> r.json().get("order_id").asString())
                        .distinct())
                .hasSize(1);
        assertThat(orderCount()).isEqualTo(before + 80 + 1);
        // Each new order was stored with its job: the flow carries every one to its end.
        for (Response r : answers.get("new")) {
            assertThat(acquiring
                            .awaitFinal(r.json().get("request_no").asString())
                            .status())
                    .isEqualTo(OrderStatus.SUCCEEDED);
        }
    }

    @Test
    void the_same_request_sent_to_two_nodes_at_once_creates_one_order() throws Exception {
        // Each node stores its intake batch in its own transaction: the node that loses the unique
        // key runs its batch again and answers the order the other node stored.
        try (ConfigurableApplicationContext second = TestDatabases.secondNode("node-2")) {
            int secondPort = Integer.parseInt(second.getEnvironment().getRequiredProperty("local.server.port"));
            Acquiring[] nodes = {acquiring, new Acquiring(new Http(secondPort), orders, jdbc)};
            for (int round = 0; round < 5; round++) {
                String requestNo = Unique.id("two-nodes");
                assertOneOrder(requestNo, AtOnce.call(40, 40, i -> nodes[i % 2].order(requestNo, "7730")));
            }
        }
    }

    @Test
    void an_unknown_face_is_refused_with_the_seeds_text() {
        Response refused = acquiring.order(Unique.id("face"), "1", "face", "300", "amount", "297");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("code").asInt()).isEqualTo(911);
        assertThat(refused.json().get("msg").asString()).isEqualTo("下游渠道(test)不存在面值(300)的商品");
    }

    @Test
    void more_products_than_the_limit_are_refused() {
        Response refused = acquiring.order(Unique.id("num"), "1", "num", "11", "amount", "2178");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("code").asInt()).isEqualTo(912);
        assertThat(refused.json().get("msg").asString()).isEqualTo("购买数量(11)超过单次最大购买数量(10)");
    }

    @Test
    void an_amount_other_than_face_times_num_times_discount_is_refused() {
        Response refused = acquiring.order(Unique.id("amount"), "1", "amount", "197.99");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("code").asInt()).isEqualTo(913);
        assertThat(refused.json().get("msg").asString()).startsWith("支付金额(197.99)与应付金额(198.00)不一致");
        assertThat(acquiring.order(Unique.id("amount"), "1", "amount", "198.00").status())
                .isEqualTo(200);
    }

    @Test
    void an_unknown_or_disabled_channel_is_refused() {
        Response unknown = channel().get("/order/request", "channel_no", "nobody", "request_no", "x");
        assertThat(unknown.status()).isEqualTo(403);
        assertThat(unknown.json().get("code").asInt()).isEqualTo(910);
        assertThat(unknown.json().get("msg").asString()).isEqualTo("下游渠道(nobody)不存在或已停用");
        http.post(
                "/admin/catalog/down-channels",
                "application/json",
                "{\"channel_no\":\"closed\",\"channel_name\":\"Closed\",\"status\":1,\"legacy_unsigned\":0,\"rate_limit\":10}");
        Response closed = channel().get("/order/request", "channel_no", "closed", "request_no", "x");
        assertThat(closed.json().get("code").asInt()).isEqualTo(910);
        assertThat(closed.json().get("msg").asString()).isEqualTo("下游渠道(closed)不存在或已停用");
    }

    @Test
    void a_channel_whose_account_is_locked_is_refused_and_nothing_is_written() {
        Fixtures.channel(http, "frozen", 100_000_000, 0);
        http.get("/account/lock", "ident", "oms", "groups", "down_channel", "eid", "frozen");
        long before = orderCount();
        Response refused = channel()
                .get("/order/request", Acquiring.exampleOrder("frozen", Unique.id("f"), "1", "rechage_account", "100"));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("code").asInt()).isEqualTo(907);
        assertThat(refused.json().get("msg").asString()).isEqualTo("下游渠道(frozen)资金账户已锁定");
        assertThat(orderCount()).isEqualTo(before);

        http.get("/account/unlock", "ident", "oms", "groups", "down_channel", "eid", "frozen");
        String requestNo = Unique.id("f");
        assertThat(channel()
                        .get(
                                "/order/request",
                                Acquiring.exampleOrder("frozen", requestNo, "1", "rechage_account", "100"))
                        .json()
                        .get("status")
                        .asInt())
                .as("unlocked, it orders again")
                .isEqualTo(30);
    }

    @Test
    void a_channel_without_enough_balance_is_refused_and_nothing_is_written() {
        Fixtures.channel(http, "poor", 1_000, 0);
        long before = orderCount();
        Response refused = channel()
                .get(
                        "/order/request",
                        "channel_no",
                        "poor",
                        "request_no",
                        Unique.id("p"),
                        "line_id",
                        "1",
                        "carrier_no",
                        "ZSH",
                        "invoice_type",
                        "1",
                        "num",
                        "1",
                        "face",
                        "200",
                        "amount",
                        "198");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("code").asInt()).isEqualTo(904);
        assertThat(refused.json().get("msg").asString()).isEqualTo("下游渠道(poor)余额不足");
        assertThat(orderCount()).isEqualTo(before);
    }

    @Test
    void a_query_of_a_missing_order_uses_the_seeds_text_and_another_channels_order_looks_missing() {
        String requestNo = Unique.id("mine");
        acquiring.order(requestNo, "1");
        Fixtures.channel(http, "other", 100_000_000, 0);
        Response missing = channel().get("/order/query", "channel_no", "test", "request_no", "nothing-here");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("code").asInt()).isEqualTo(908);
        assertThat(missing.json().get("msg").asString()).isEqualTo("订单不存在,channel_no:test,request_no:nothing-here");
        Response foreign = channel().get("/order/query", "channel_no", "other", "request_no", requestNo);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.json().get("msg").asString()).isEqualTo("订单不存在,channel_no:other,request_no:" + requestNo);
    }

    private Response signed(String secret, Map<String, String> params, long timestampShift, boolean tamper) {
        Map<String, String> p = new LinkedHashMap<>(params);
        p.put("timestamp", Long.toString(System.currentTimeMillis() / 1000 + timestampShift));
        p.put("sign", Signatures.sign(secret, p));
        if (tamper) {
            p.put("num", "2");
        }
        List<String> flat = new ArrayList<>();
        p.forEach((k, v) -> {
            flat.add(k);
            flat.add(v);
        });
        return channel().get("/order/request", flat.toArray(String[]::new));
    }

    @Test
    void a_signed_channel_needs_a_valid_sign_within_five_minutes() {
        String secret = jdbc.sql("select secret from oms_down_channel where channel_no = 'ycdown'")
                .query(String.class)
                .single();
        Map<String, String> order = new LinkedHashMap<>(Map.of(
                "channel_no",
                "ycdown",
                "line_id",
                "1",
                "carrier_no",
                "ZSH",
                "invoice_type",
                "1",
                "num",
                "1",
                "face",
                "100",
                "amount",
                "99",
                "rechage_account",
                "4321"));
        order.put("request_no", Unique.id("signed"));
        assertThat(signed(secret, order, 0, false).status()).isEqualTo(200);
        order.put("request_no", Unique.id("signed"));
        Response tampered = signed(secret, order, 0, true);
        assertThat(tampered.status()).isEqualTo(401);
        assertThat(tampered.json().get("code").asInt()).isEqualTo(914);
        assertThat(signed(secret, order, -301, false).status()).isEqualTo(401);
        assertThat(signed(secret, order, 301, false).status()).isEqualTo(401);
        // now - 2^63: its distance from now overflows a long, and must not pass the window forever.
        assertThat(signed(secret, order, Long.MIN_VALUE, false).status()).isEqualTo(401);
        assertThat(signed("another-secret-of-some-length", order, 0, false).status())
                .isEqualTo(401);
        List<String> unsigned = new ArrayList<>();
        order.forEach((k, v) -> {
            unsigned.add(k);
            unsigned.add(v);
        });
        assertThat(channel()
                        .get("/order/request", unsigned.toArray(String[]::new))
                        .status())
                .isEqualTo(401);
        assertThat(orders.findByRequest("ycdown", order.get("request_no"))).isEmpty();
    }

    @Test
    void a_parameter_carved_out_of_a_signed_value_is_refused_though_the_signed_text_is_the_same() {
        String secret = jdbc.sql("select secret from oms_down_channel where channel_no = 'ycdown'")
                .query(String.class)
                .single();
        String requestNo = Unique.id("carved");
        Map<String, String> sent = new LinkedHashMap<>(Map.of(
                "channel_no", "ycdown",
                "request_no", requestNo,
                "line_id", "1",
                "carrier_no", "ZSH",
                "invoice_type", "1",
                "num", "1",
                "face", "100",
                "amount", "99",
                "notify_url", "http://127.0.0.1:9/cb?a=1&nu=2",
                "rechage_account", "4321"));
        sent.put("timestamp", Long.toString(System.currentTimeMillis() / 1000));
        sent.put("sign", Signatures.sign(secret, sent));
        // Seen on the way and rewritten: the notify_url cut at its '&', the rest given as a parameter
        // of its own, which sorts right after it — the text the sign covers is the same.
        Map<String, String> carved = new LinkedHashMap<>(sent);
        carved.put("notify_url", "http://127.0.0.1:9/cb?a=1");
        carved.put("nu", "2");
        assertThat(Signatures.verify(secret, carved, sent.get("sign"))).isTrue();

        List<String> flat = new ArrayList<>();
        carved.forEach((k, v) -> {
            flat.add(k);
            flat.add(v);
        });
        Response refused = channel().get("/order/request", flat.toArray(String[]::new));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("code").asInt()).isEqualTo(900);
        assertThat(refused.json().get("msg").asString()).contains("parameter nu");
        assertThat(orders.findByRequest("ycdown", requestNo)).isEmpty();
    }

    @Test
    void a_channel_over_its_rate_limit_is_answered_429() throws Exception {
        Fixtures.channel(http, "limited", 100_000_000, 0, 3);
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        // All at once: one after another on a loaded machine they could spread over the refills.
        for (int status : AtOnce.call(
                20,
                20,
                i -> channel()
                        .get("/order/query", "channel_no", "limited", "request_no", "r" + i)
                        .status())) {
            statuses.merge(status, 1, Integer::sum);
        }
        assertThat(statuses).containsKeys(404, 429);
        assertThat(statuses.get(429)).isGreaterThanOrEqualTo(10);
    }

    static Stream<Arguments> hostile() {
        String huge = "x".repeat(10_000);
        return Stream.of(
                        new String[] {"request_no", ""},
                        new String[] {"request_no", huge},
                        new String[] {"request_no", "a b"},
                        new String[] {"line_id", "abc"},
                        new String[] {"line_id", "-1"},
                        new String[] {"carrier_no", "Z S H"},
                        new String[] {"carrier_no", huge},
                        new String[] {"province_no", "'; drop table oms_order; --"},
                        new String[] {"invoice_type", "3"},
                        new String[] {"num", "0"},
                        new String[] {"num", "-1"},
                        new String[] {"num", "99999999999999999999"},
                        new String[] {"face", "abc"},
                        new String[] {"face", "-200"},
                        new String[] {"face", "200.001"},
                        new String[] {"face", "1e2"},
                        new String[] {"face", "0"},
                        new String[] {"amount", "NaN"},
                        new String[] {"amount", "99999999999999999999999"},
                        new String[] {"notify_url", "ftp://example.com/x"},
                        new String[] {"notify_url", "http://10.0.0.1/x"},
                        new String[] {"notify_url", "http://169.254.169.254/latest/meta-data"},
                        new String[] {"notify_url", "javascript:alert(1)"},
                        new String[] {"notify_url", "http://" + huge},
                        new String[] {"rechage_account", huge},
                        new String[] {"rechage_account", "123\u0000"},
                        new String[] {"rechage_account", " 13800000000 "},
                        new String[] {"rechage_account", "138 0000 0000"},
                        new String[] {"rechage_account", "138\u200b00000000"},
                        new String[] {"rechage_account", "13800000000\u00a0"},
                        new String[] {"rechage_account", "\u202e00000000831"})
                .map(p -> Arguments.of(p[0], p[1]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void hostile_parameters_are_a_4xx_and_write_nothing(String name, String value) {
        long before = orderCount();
        String requestNo = Unique.id("hostile");
        Response get = acquiring.order(requestNo, "1", name, value);
        assertThat(get.status()).as(get.toString()).isBetween(400, 499);
        Response post =
                channel().postForm("/order/request", Acquiring.exampleOrder("test", requestNo, "1", name, value));
        assertThat(post.status()).as(post.toString()).isBetween(400, 499);
        if (post.contentType().contains("json")) {
            assertThat(post.json().get("code").asInt()).isPositive();
        }
        assertThat(orderCount()).isEqualTo(before);
    }

    @Test
    void missing_parameters_and_repeated_parameters_are_refused() {
        assertThat(channel().get("/order/request", "channel_no", "test").status())
                .isEqualTo(400);
        assertThat(channel().get("/order/request").status()).isEqualTo(400);
        assertThat(channel()
                        .getRaw("/order/request?channel_no=test&channel_no=ycdown&request_no=x")
                        .status())
                .isEqualTo(400);
    }
}
