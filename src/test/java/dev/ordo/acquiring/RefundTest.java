package dev.ordo.acquiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.ordo.acquiring.internal.RefundSteps;
import dev.ordo.jobs.Jobs;
import dev.ordo.order.Order;
import dev.ordo.order.OrderStatus;
import dev.ordo.order.Orders;
import dev.ordo.order.Unit;
import dev.ordo.order.UnitStatus;
import dev.ordo.shared.Signatures;
import dev.ordo.shared.SqlTime;
import dev.ordo.testing.Acquiring;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.HeldReturnsSupplier;
import dev.ordo.testing.Http;
import dev.ordo.testing.Http.Response;
import dev.ordo.testing.Receiver;
import dev.ordo.testing.SupplierStub;
import dev.ordo.testing.UnansweredReturnsSupplier;
import dev.ordo.testing.Unique;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** SPEC A6: /refund/general, /refund/mandatory, /refund/query, the refund flow and its money. */
@DatabaseTest
class RefundTest {

    @LocalServerPort
    int port;

    @Autowired
    Orders orders;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Jobs jobs;

    @Autowired
    RefundSteps refundSteps;

    Http http;
    Acquiring acquiring;
    Receiver receiver;

    @BeforeEach
    void setUp() throws Exception {
        http = new Http(port);
        acquiring = new Acquiring(http, orders, jdbc);
        receiver = Receiver.up();
    }

    @AfterEach
    void tearDown() {
        receiver.close();
    }

    private Order delivered(String account) {
        String requestNo = Unique.id("paid");
        acquiring.order(requestNo, account);
        return acquiring.awaitFinal(requestNo);
    }

    /** An order of 200 on the channel's line, delivered. */
    private Order deliveredOn(String channel, String lineId, String requestNo) {
        http.withoutToken()
                .get("/order/request", Acquiring.exampleOrder(channel, requestNo, lineId, "rechage_account", "2"));
        Order order = acquiring.awaitFinal(channel, requestNo);
        assertThat(order.status()).isEqualTo(OrderStatus.SUCCEEDED);
        return order;
    }

    private record Delivered(String channel, String requestNo, Order order) {}

    /**
     * A channel of its own ({@code prefix}) whose refunds reach their overtime after {@code
     * refundOvertime} seconds, on a line whose supplier takes returns and queries at {@code supplier},
     * and an order on it, delivered.
     */
    private Delivered deliveredOnStub(
            long lineId, String supplierNo, String prefix, SupplierStub supplier, int timeoutMs, int refundOvertime) {
        String channel = Unique.id(prefix);
        String at = supplier.url();
        refundLine(lineId, supplierNo, channel, at + "/query", at + "/return", timeoutMs, refundOvertime);
        String requestNo = Unique.id(prefix);
        return new Delivered(channel, requestNo, deliveredOn(channel, Long.toString(lineId), requestNo));
    }

    /** The status a refund of one, accepted, ends in. */
    private int refundEnds(String kind, String channel, String requestNo, String refundNo) {
        assertThat(refund(kind, channel, requestNo, refundNo, 1).status()).isEqualTo(200);
        return awaitRefund(channel, requestNo, refundNo).json().get("status").asInt();
    }

    private Response refund(String kind, String channelNo, String requestNo, String refundNo, int num) {
        return http.withoutToken()
                .get(
                        "/refund/" + kind,
                        "channel_no",
                        channelNo,
                        "request_no",
                        requestNo,
                        "refund_no",
                        refundNo,
                        "refund_num",
                        Integer.toString(num),
                        "notify_url",
                        receiver.url("/refund"));
    }

    private Response awaitRefund(String channelNo, String requestNo, String refundNo) {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> refundQuery(channelNo, requestNo, refundNo)
                                .json()
                                .get("status")
                                .asInt()
                        != 30);
        return refundQuery(channelNo, requestNo, refundNo);
    }

    private Response refundQuery(String channelNo, String requestNo, String refundNo) {
        return http.withoutToken()
                .get("/refund/query", "channel_no", channelNo, "request_no", requestNo, "refund_no", refundNo);
    }

    /** What the accounts hold for a unit now: everything booked for its delivery and taken back by refunds. */
    private long net(String groups, String eid, long unitId) {
        long delivery = acquiring.net(groups, eid, AcquiringAccounts.unitTrade(unitId));
        long reversals = jdbc.sql("""
                        select coalesce(sum(r.amount), 0) from wallet_record r
                        join wallet_account a on a.account_id = r.account_id
                        where a.ident = 'oms' and a.account_group = :groups and a.eid = :eid and r.trade_no like :trade""")
                .param("groups", groups)
                .param("eid", eid)
                .param("trade", "#r%:u" + unitId)
                .query(Long.class)
                .single();
        return delivery + reversals;
    }

    private static void assertRefused(Response answer, int httpStatus, int code, String msg) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(httpStatus);
        assertThat(answer.json().get("code").asInt()).as(answer.body()).isEqualTo(code);
        assertThat(answer.json().get("msg").asString()).isEqualTo(msg);
    }

    @Test
    void the_general_refund_errors_of_seed_section_3_5() {
        Order ok = delivered("20000");
        Order failed = delivered("20001");
        assertThat(failed.status()).isEqualTo(OrderStatus.FAILED);

        assertRefused(refund("general", "test", "no-such-order", Unique.id("r"), 1), 404, 908, "订单不存在或配置错误");
        // A request number no order can have: entered wrongly too, as /order/query answers it.
        assertRefused(refund("general", "test", "no such order", Unique.id("r"), 1), 404, 908, "订单不存在或配置错误");
        assertRefused(refund("general", "test", "o".repeat(65), Unique.id("r"), 1), 404, 908, "订单不存在或配置错误");
        assertRefused(refund("general", "test", failed.requestNo(), Unique.id("r"), 1), 422, 915, "订单未成功,暂时无法退款");
        Response partial = refund("general", "test", ok.requestNo(), Unique.id("r"), 2);
        assertThat(partial.json().get("code").asInt()).isEqualTo(916);
        assertThat(partial.json().get("msg").asString()).isEqualTo("当前订单不支持部分退款");

        String refundNo = Unique.id("r");
        Response first = refund("general", "test", ok.requestNo(), refundNo, 1);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().get("status").asInt()).isEqualTo(30);
        Response repeat = refund("general", "test", ok.requestNo(), refundNo, 1);
        assertThat(repeat.json().get("refund_id")).isEqualTo(first.json().get("refund_id"));
        Response reused = http.withoutToken()
                .get(
                        "/refund/general",
                        "channel_no",
                        "test",
                        "request_no",
                        ok.requestNo(),
                        "refund_no",
                        refundNo,
                        "refund_num",
                        "1",
                        "notify_url",
                        receiver.url("/other"));
        assertThat(reused.status()).isEqualTo(409);
        assertThat(reused.json().get("code").asInt()).isEqualTo(909);
        assertThat(first.json().get("refund_id").isString())
                .as("refund_id a string, as order_id")
                .isTrue();

        // A refund number asked about with another order's request number is not found, nor is
        // another channel's order refunded: it answers as a missing one.
        assertRefused(
                http.withoutToken()
                        .get(
                                "/refund/query",
                                "channel_no",
                                "test",
                                "request_no",
                                failed.requestNo(),
                                "refund_no",
                                refundNo),
                404,
                908,
                "查询的数据不存在");
        Fixtures.channel(http, "other", 100_000_000, 0);
        assertRefused(refund("general", "other", ok.requestNo(), Unique.id("r"), 1), 404, 908, "订单不存在或配置错误");
    }

    /** A channel of the test's own whose product cannot be refunded ({@code can_refund} 1). */
    private void channelWithANonRefundableProduct(String channelNo) {
        Fixtures.channel(http, channelNo, 100_000_000, 0);
        long productId = http.get("/admin/catalog/down-products")
                .json()
                .valueStream()
                .filter(p -> p.get("product").get("line_id").asLong() == 1)
                .filter(p -> http.get("/admin/catalog/down-shelves")
                        .json()
                        .valueStream()
                        .anyMatch(s -> s.get("shelf_id").asLong()
                                        == p.get("product").get("shelf_id").asLong()
                                && s.get("channel_no").asString().equals(channelNo)))
                .findFirst()
                .orElseThrow()
                .get("product")
                .get("product_id")
                .asLong();
        String product = http.get("/admin/catalog/down-products")
                .json()
                .valueStream()
                .filter(p -> p.get("product").get("product_id").asLong() == productId)
                .findFirst()
                .orElseThrow()
                .get("product")
                .toString()
                .replace("\"can_refund\":0", "\"can_refund\":1");
        assertThat(http.put("/admin/catalog/down-products/" + productId, product)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void a_product_that_is_not_refundable_refuses_a_general_refund_but_not_a_mandatory_one() {
        channelWithANonRefundableProduct("norefund");
        String requestNo = Unique.id("nr");
        http.withoutToken()
                .get("/order/request", Acquiring.exampleOrder("norefund", requestNo, "1", "rechage_account", "3"));
        Order order = acquiring.awaitFinal("norefund", requestNo);
        Response refused = refund("general", "norefund", requestNo, Unique.id("r"), 1);
        assertThat(refused.json().get("code").asInt()).isEqualTo(917);
        assertThat(refused.json().get("msg").asString()).isEqualTo("不支持退款");
        String refundNo = Unique.id("r");
        assertThat(refund("mandatory", "norefund", requestNo, refundNo, 1).status())
                .isEqualTo(200);
        assertThat(awaitRefund("norefund", requestNo, refundNo)
                        .json()
                        .get("status")
                        .asInt())
                .isZero();
        assertThat(order.status()).isEqualTo(OrderStatus.SUCCEEDED);
    }

    /**
     * The signature covers the parameters, not the path, and both refund endpoints take the same
     * ones: a signed general refund, refused, sent again unchanged to /refund/mandatory (by anyone who
     * saw it on the way) is refused and writes nothing; the channel's own mandatory refund, signed
     * anew, is taken.
     */
    @Test
    void a_signed_general_refund_sent_again_to_the_mandatory_endpoint_is_refused() {
        channelWithANonRefundableProduct("sigref");
        String requestNo = Unique.id("sr");
        http.withoutToken()
                .get("/order/request", Acquiring.exampleOrder("sigref", requestNo, "1", "rechage_account", "3"));
        assertThat(acquiring.awaitFinal("sigref", requestNo).status()).isEqualTo(OrderStatus.SUCCEEDED);
        String secret = "sigref-secret-0123456789";
        assertThat(http.put("/admin/catalog/down-channels/sigref", """
                        {"channel_no":"sigref","channel_name":"sigref","status":0,"legacy_unsigned":1,
                         "secret":"%s","rate_limit":10000}""".formatted(secret))
                        .status())
                .isEqualTo(200);
        String refundNo = Unique.id("r");
        Map<String, String> general = new LinkedHashMap<>(Map.of(
                "channel_no",
                "sigref",
                "request_no",
                requestNo,
                "refund_no",
                refundNo,
                "refund_num",
                "1",
                "notify_url",
                receiver.url("/refund"),
                "timestamp",
                Long.toString(System.currentTimeMillis() / 1000)));
        general.put("sign", Signatures.sign(secret, general).toUpperCase(Locale.ROOT));
        assertRefused(signedRefund("general", general), 422, 917, "不支持退款");

        Response replayed = signedRefund("mandatory", general);
        assertThat(replayed.status()).as(replayed.body()).isEqualTo(401);
        assertThat(replayed.json().get("code").asInt()).isEqualTo(914);
        assertThat(replayed.json().get("msg").asString()).contains("/refund/general");
        general.put("sign", general.get("sign").toLowerCase(Locale.ROOT)); // the same signature, spelt otherwise
        assertThat(signedRefund("mandatory", general).status()).isEqualTo(401);
        assertThat(jdbc.sql("select count(*) from oms_refund where channel_no = 'sigref' and refund_no = :no")
                        .param("no", refundNo)
                        .query(Long.class)
                        .single())
                .as("nothing of the replay was written")
                .isZero();
        assertRefused(signedRefund("general", general), 422, 917, "不支持退款"); // a repeat on its own endpoint

        Map<String, String> mandatory = new LinkedHashMap<>(general);
        mandatory.remove("sign");
        mandatory.put("timestamp", Long.toString(System.currentTimeMillis() / 1000 + 1));
        mandatory.put("sign", Signatures.sign(secret, mandatory));
        assertThat(signedRefund("mandatory", mandatory).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> jdbc.sql("select status from oms_refund where channel_no = 'sigref' and refund_no = :no")
                                .param("no", refundNo)
                                .query(Integer.class)
                                .single()
                        == RefundStatus.SUCCEEDED.code());
    }

    private Response signedRefund(String kind, Map<String, String> params) {
        return http.withoutToken()
                .get(
                        "/refund/" + kind,
                        params.entrySet().stream()
                                .flatMap(e -> Stream.of(e.getKey(), e.getValue()))
                                .toArray(String[]::new));
    }

    @Test
    void the_mandatory_refund_errors_of_seed_section_4_5() {
        Order ok = delivered("21000");
        Order failed = delivered("21001");
        assertRefused(refund("mandatory", "test", "no-such-order", Unique.id("r"), 1), 404, 908, "订单不存在");
        assertRefused(refund("mandatory", "test", "no such order", Unique.id("r"), 1), 404, 908, "订单不存在");
        assertRefused(refund("mandatory", "test", failed.requestNo(), Unique.id("r"), 1), 422, 915, "订单未成功,暂时无法退款");
        assertRefused(refund("mandatory", "test", ok.requestNo(), Unique.id("r"), 3), 422, 916, "当前订单不支持部分退款");
        Response query = http.withoutToken()
                .get("/refund/query", "channel_no", "test", "request_no", ok.requestNo(), "refund_no", "nothing");
        assertThat(query.status()).isEqualTo(404);
        assertThat(query.json().get("msg").asString()).isEqualTo("查询的数据不存在");
        for (String[] wrong : new String[][] {{"no such order", "r"}, {ok.requestNo(), "no such refund"}}) {
            assertRefused(
                    http.withoutToken()
                            .get("/refund/query", "channel_no", "test", "request_no", wrong[0], "refund_no", wrong[1]),
                    404,
                    908,
                    "查询的数据不存在");
        }
    }

    @Test
    void a_general_refund_returns_the_units_refunds_the_channel_takes_back_every_fee_and_notifies() {
        Order order = delivered("22000");
        String refundNo = Unique.id("r");
        long before = acquiring.balance("down_channel", "test");
        assertThat(refund("general", "test", order.requestNo(), refundNo, 1).status())
                .isEqualTo(200);
        Response done = awaitRefund("test", order.requestNo(), refundNo);
        assertThat(done.json().get("status").asInt()).isZero();
        assertThat(done.json().get("refund_num").asInt()).isEqualTo(1);

        for (Unit unit : acquiring.units(order)) {
            assertThat(net("down_channel", "test", unit.unitId())).as("channel").isZero();
            assertThat(net("down_commission", "test", unit.unitId()))
                    .as("commission")
                    .isZero();
            assertThat(net("down_service", "test", unit.unitId()))
                    .as("service fee")
                    .isZero();
            assertThat(net("up_channel", "ycup", unit.unitId()))
                    .as("supplier cost")
                    .isZero();
        }
        assertThat(acquiring.balance("down_channel", "test") - before).isGreaterThanOrEqualTo(order.amount());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> receiver.received().stream()
                        .anyMatch(r -> refundNo.equals(r.form().get("refund_no"))));
        Map<String, String> form = receiver.received().stream()
                .filter(r -> refundNo.equals(r.form().get("refund_no")))
                .findFirst()
                .orElseThrow()
                .form();
        assertThat(form)
                .containsEntry("channel_no", "test")
                .containsEntry("request_no", order.requestNo())
                .containsEntry("refund_num", "1")
                .containsEntry("status", "0");
    }

    @Test
    void a_general_refund_the_supplier_refuses_refunds_nothing_and_a_mandatory_one_refunds_at_a_loss() {
        Order order = delivered("23005");
        String general = Unique.id("r");
        refund("general", "test", order.requestNo(), general, 1);
        assertThat(awaitRefund("test", order.requestNo(), general)
                        .json()
                        .get("status")
                        .asInt())
                .isEqualTo(90);
        for (Unit unit : acquiring.units(order)) {
            assertThat(net("down_channel", "test", unit.unitId()))
                    .isEqualTo(-unit.money().sale());
        }

        String mandatory = Unique.id("r");
        assertThat(refund("mandatory", "test", order.requestNo(), mandatory, 1).status())
                .isEqualTo(200);
        assertThat(awaitRefund("test", order.requestNo(), mandatory)
                        .json()
                        .get("status")
                        .asInt())
                .isZero();
        long cost = 0;
        for (Unit unit : acquiring.units(order)) {
            assertThat(net("down_channel", "test", unit.unitId()))
                    .as("the channel got its money back")
                    .isZero();
            assertThat(net("up_channel", "ycup", unit.unitId()))
                    .as("the supplier kept its cost")
                    .isEqualTo(-unit.money().cost());
            cost += unit.money().cost();
        }
        long loss = jdbc.sql("select loss from oms_refund where channel_no = 'test' and refund_no = :no")
                .param("no", mandatory)
                .query(Long.class)
                .single();
        assertThat(loss).isEqualTo(cost);
    }

    @Test
    void the_admin_order_view_shows_the_margin_the_refunds_with_their_loss_and_the_delivery_deadlines() {
        Order order = delivered("23005");
        String general = Unique.id("r");
        refund("general", "test", order.requestNo(), general, 1);
        awaitRefund("test", order.requestNo(), general);
        String mandatory = Unique.id("r");
        refund("mandatory", "test", order.requestNo(), mandatory, 1);
        awaitRefund("test", order.requestNo(), mandatory);
        Order finished = orders.find(order.orderId()).orElseThrow();

        JsonNode view = http.get("/admin/acquiring/orders", "channel_no", "test", "request_no", order.requestNo())
                .json();

        assertThat(view.at("/order/money/margin").asLong())
                .isEqualTo(finished.money().margin())
                .isNotZero();
        List<Unit> units = acquiring.units(order);
        long cost = units.stream().mapToLong(u -> u.money().cost()).sum();
        long sale = units.stream().mapToLong(u -> u.money().sale()).sum();
        JsonNode refunds = view.get("refunds");
        assertThat(refunds).hasSize(2);
        assertThat(refunds.get(0).get("refund_no").asString()).isEqualTo(general);
        assertThat(refunds.get(0).get("type").asString()).isEqualTo("general");
        assertThat(refunds.get(0).get("refunded_sale").asLong()).isZero();
        assertThat(refunds.get(0).get("units"))
                .allSatisfy(u -> assertThat(u.get("status").asString()).isEqualTo("KEPT"));
        assertThat(refunds.get(1).get("type").asString()).isEqualTo("mandatory");
        assertThat(refunds.get(1).get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(refunds.get(1).get("refunded_sale").asLong()).isEqualTo(sale);
        assertThat(refunds.get(1).get("loss").asLong()).isEqualTo(cost);
        assertThat(refunds.get(1).get("units"))
                .hasSize(units.size())
                .allSatisfy(u -> assertThat(u.get("status").asString()).isEqualTo("REFUNDED_AT_LOSS"));
        JsonNode firstUnit = view.get("units").get(0);
        Instant submitted = Instant.parse(firstUnit.get("submitted_at").asString());
        Instant deadline = Instant.parse(firstUnit.get("delivery_deadline").asString());
        assertThat(deadline)
                .as("submission + the demo supplier shelf's delivery overtime (300 s)")
                .isEqualTo(submitted.plusSeconds(300));
    }

    @Test
    void a_refund_never_exceeds_what_was_paid_for_the_delivered_units() {
        Order partly = delivered("24006");
        assertThat(partly.status()).isEqualTo(OrderStatus.PARTLY_SUCCEEDED);
        String refundNo = Unique.id("r");
        refund("general", "test", partly.requestNo(), refundNo, 1);
        assertThat(awaitRefund("test", partly.requestNo(), refundNo)
                        .json()
                        .get("status")
                        .asInt())
                .isZero();
        long refunded = jdbc.sql("select refunded_sale from oms_refund where channel_no = 'test' and refund_no = :no")
                .param("no", refundNo)
                .query(Long.class)
                .single();
        long deliveredSale = acquiring.units(partly).stream()
                .filter(u -> u.status() == UnitStatus.DELIVERED)
                .mapToLong(u -> u.money().sale())
                .sum();
        assertThat(refunded).isEqualTo(deliveredSale).isLessThan(partly.amount());
        for (Unit unit : acquiring.units(partly)) {
            assertThat(net("down_channel", "test", unit.unitId())).isZero();
        }
        Response again = refund("mandatory", "test", partly.requestNo(), Unique.id("r"), 1);
        assertThat(again.status()).isEqualTo(422);
        assertThat(again.json().get("code").asInt()).isEqualTo(918);
    }

    @Test
    void concurrent_refunds_of_one_order_refund_it_once() throws Exception {
        Order order = delivered("25000");
        String sameNo = Unique.id("r");
        Set<String> ids = ConcurrentHashMap.newKeySet();
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        Set<Integer> codes = ConcurrentHashMap.newKeySet();
        Set<Integer> sameNoStatuses = ConcurrentHashMap.newKeySet();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(30)) {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String refundNo = i < 20 ? sameNo : Unique.id("r");
                all.add(pool.submit(() -> {
                    start.await();
                    Response r = refund(
                            refundNo.equals(sameNo) ? "general" : "mandatory", "test", order.requestNo(), refundNo, 1);
                    statuses.merge(r.status(), 1, Integer::sum);
                    if (refundNo.equals(sameNo)) {
                        sameNoStatuses.add(r.status());
                    }
                    if (r.status() != 200) {
                        codes.add(r.json().get("code").asInt());
                    }
                    if (r.status() == 200) {
                        ids.add(r.json().get("refund_id").asString());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : all) {
                f.get();
            }
        }
        assertThat(ids).as("one refund took the order").hasSize(1);
        assertThat(statuses.keySet())
                .as("a repeat answers its refund; a refund losing the units is refused, 918")
                .allMatch(s -> s == 200 || s == 422);
        assertThat(codes).allMatch(c -> c == 918);
        assertThat(sameNoStatuses)
                .as("the 20 requests of one refund number all answer that refund, or (another refund took the"
                        + " units first) are all refused: a repeat is never refused because its own refund took them")
                .hasSize(1);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> jdbc.sql("select count(*) from oms_refund where order_id = :o and finished_at is null")
                                .param("o", order.orderId())
                                .query(Long.class)
                                .single()
                        == 0);
        for (Unit unit : acquiring.units(order)) {
            assertThat(net("down_channel", "test", unit.unitId()))
                    .as("refunded once, not more")
                    .isZero();
        }
    }

    @Test
    void an_unknown_return_is_queried_until_the_supplier_answers() {
        Order order = delivered("26004");
        String refundNo = Unique.id("r");
        refund("general", "test", order.requestNo(), refundNo, 1);
        assertThat(awaitRefund("test", order.requestNo(), refundNo)
                        .json()
                        .get("status")
                        .asInt())
                .isZero();
        // Each move recorded with its status codes, as the order's own: a consumer can tell a stale event.
        assertThat(orders.events(order.orderId()))
                .anyMatch(e -> e.type().equals("return.unknown")
                        && Integer.valueOf(ReturnStatus.RETURNING.code()).equals(e.fromStatus())
                        && Integer.valueOf(ReturnStatus.UNKNOWN.code()).equals(e.toStatus()))
                .anyMatch(e -> e.type().equals("refund.succeeded")
                        && Integer.valueOf(RefundStatus.SUCCEEDED.code()).equals(e.toStatus()));
    }

    @Test
    void an_unknown_return_of_a_supplier_that_answers_no_queries_waits_for_the_overtime_without_asking_in_vain()
            throws IOException {
        SupplierStub supplier = new SupplierStub();
        supplier.on("/return", exchange -> Fixtures.supplierAnswer(exchange, "R9999")); // unknown
        try (supplier) {
            String channel = Unique.id("noq");
            // The overtime far off: the queries of other tests' refunds may hold up this one's first.
            refundLine(58, "noqret", channel, supplier.url() + "/return", 2_000, 600);
            String requestNo = Unique.id("noq");
            deliveredOn(channel, "58", requestNo);
            String refundNo = Unique.id("r");
            assertThat(refund("general", channel, requestNo, refundNo, 1).status())
                    .isEqualTo(200);
            long refundId = jdbc.sql("select refund_id from oms_refund where channel_no = :c and refund_no = :r")
                    .param("c", channel)
                    .param("r", refundNo)
                    .query(Long.class)
                    .single();
            Instant overtime = jdbc.sql("select overtime_at from oms_refund where refund_id = :id")
                    .param("id", refundId)
                    .query((rs, n) -> SqlTime.instant(rs, "overtime_at"))
                    .single();

            // Its first query (a second after the answer) finds nothing to ask; the next is at the overtime.
            List<Instant> second = await().atMost(Duration.ofSeconds(120))
                    .until(
                            () -> jdbc.sql("select execution_time from scheduled_tasks"
                                            + " where task_name = 'oms:overtime:return_unknown'"
                                            + " and task_instance like :second")
                                    .param("second", "r" + refundId + "u%#%q2")
                                    .query((rs, n) ->
                                            rs.getTimestamp("execution_time").toInstant())
                                    .list(),
                            times -> times.size() == 2);
            assertThat(second).allSatisfy(at -> assertThat(at).isCloseTo(overtime, within(1, ChronoUnit.SECONDS)));
        }
    }

    @Test
    void at_the_refund_overtime_what_the_supplier_did_not_take_back_is_not_refunded() {
        // A supplier that delivers through the mock but cannot be reached for returns.
        refundOvertimeLine(41, "noret", "rot", "http://127.0.0.1:1/return", 2000);
        String requestNo = Unique.id("rot");
        http.withoutToken()
                .get("/order/request", Acquiring.exampleOrder("rot", requestNo, "41", "rechage_account", "2"));
        Order order = acquiring.awaitFinal("rot", requestNo);
        assertThat(order.status()).isEqualTo(OrderStatus.SUCCEEDED);
        String refundNo = Unique.id("r");
        assertThat(refund("general", "rot", requestNo, refundNo, 1).status()).isEqualTo(200);
        assertThat(awaitRefund("rot", requestNo, refundNo).json().get("status").asInt())
                .isEqualTo(90);
        for (Unit unit : acquiring.units(order)) {
            assertThat(net("down_channel", "rot", unit.unitId()))
                    .isEqualTo(-unit.money().sale());
        }
        assertThat(orders.events(order.orderId()))
                .anyMatch(e ->
                        e.type().equals("return.not_returned") && e.reason().contains("overtime"));
    }

    @Test
    void a_return_still_in_flight_at_the_refund_overtime_ends_the_refund_once_its_answer_stays_unknown()
            throws IOException {
        // Returns answered after 8 s, the supplier's timeout 5 s, the refund's overtime 2 s: the overtime
        // comes while the calls are in flight, and they become unknown only after it.
        SupplierStub slow = new SupplierStub();
        slow.on("/", exchange -> {
            try (exchange) {
                Thread.sleep(8_000);
                exchange.sendResponseHeaders(200, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (slow) {
            String channel = Unique.id("sot");
            refundOvertimeLine(
                    45, // a line of its own: another supplier on a line changes which one an order binds to
                    "slowret",
                    channel,
                    slow.url() + "/return",
                    5000);
            String requestNo = Unique.id("sot");
            Order order = deliveredOn(channel, "45", requestNo);
            assertThat(refundEnds("mandatory", channel, requestNo, Unique.id("r")))
                    .as("a mandatory refund ends refunded, whatever the supplier kept")
                    .isZero();
            assertThat(orders.events(order.orderId()))
                    .anyMatch(e -> e.type().equals("return.unknown"))
                    .anyMatch(e -> e.type().equals("return.not_returned")
                            && e.reason().equals("still unknown at the refund's overtime"));
            for (Unit unit : acquiring.units(order)) {
                assertThat(net("down_channel", channel, unit.unitId())).isZero();
            }
        }
    }

    @Test
    void a_return_query_in_flight_at_the_refund_overtime_is_applied_when_it_answers() throws IOException {
        // The supplier answers a return "unknown" at once and a query of it, 12 s later, "taken back";
        // the refund's overtime (2 s, its job within 5 s more) comes while that query is out.
        SupplierStub supplier = new SupplierStub();
        supplier.on("/return", exchange -> Fixtures.supplierAnswer(exchange, "R9999"));
        supplier.on("/query", exchange -> {
            try {
                Thread.sleep(12_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Fixtures.supplierAnswer(exchange, "R0000");
        });
        try (supplier) {
            Delivered delivered = deliveredOnStub(47, "qslow", "qot", supplier, 15_000, 2);
            String channel = delivered.channel();
            String requestNo = delivered.requestNo();
            Order order = delivered.order();
            assertThat(refundEnds("general", channel, requestNo, Unique.id("r")))
                    .as("refunded: the supplier took it back, though its answer came after the overtime")
                    .isZero();
            assertTakenBackAfterAnUnknownReturn(order, channel);
        }
    }

    @Test
    void a_refund_whose_return_query_chain_died_still_finishes_after_its_overtime() throws IOException {
        // The supplier answers a return "unknown" and its queries "unknown" until it has taken it back.
        AtomicBoolean takenBack = new AtomicBoolean();
        SupplierStub supplier = new SupplierStub();
        supplier.on("/return", exchange -> Fixtures.supplierAnswer(exchange, "R9999"));
        supplier.on("/query", exchange -> Fixtures.supplierAnswer(exchange, takenBack.get() ? "R0000" : "R9999"));
        try (supplier) {
            Delivered delivered = deliveredOnStub(56, "deadq", "dqc", supplier, 2000, 600);
            String channel = delivered.channel();
            String requestNo = delivered.requestNo();
            Order order = delivered.order();
            String refundNo = Unique.id("r");
            assertThat(refund("general", channel, requestNo, refundNo, 1).status())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> orders.events(order.orderId()).stream()
                                    .filter(e -> e.type().equals("return.unknown"))
                                    .count()
                            == acquiring.units(order).size());
            long refundId = jdbc.sql("select refund_id from oms_refund where channel_no = :c and refund_no = :r")
                    .param("c", channel)
                    .param("r", refundNo)
                    .query(Long.class)
                    .single();

            // The query chain dies (its job's attempts spent while the database was away): no query is left.
            String queries = "from scheduled_tasks where task_name = 'oms:overtime:return_unknown'"
                    + " and task_instance like :prefix";
            await().atMost(Duration.ofSeconds(30)).during(Duration.ofSeconds(3)).until(() -> {
                jdbc.sql("delete " + queries + " and picked = false")
                        .param("prefix", "r" + refundId + "u%")
                        .update();
                return jdbc.sql("select count(*) " + queries)
                                .param("prefix", "r" + refundId + "u%")
                                .query(Long.class)
                                .single()
                        == 0;
            });
            takenBack.set(true);
            // Its overtime came a while ago.
            jdbc.sql("update oms_refund set overtime_at = :past, deadline_at = :now where refund_id = :id")
                    .param("past", SqlTime.utc(Instant.now().minus(Duration.ofMinutes(2))))
                    .param("now", SqlTime.utc(Instant.now()))
                    .param("id", refundId)
                    .update();

            assertThat(awaitRefund(channel, requestNo, refundNo)
                            .json()
                            .get("status")
                            .asInt())
                    .as("refunded: the supplier took it back, asked again after the overtime")
                    .isZero();
            assertTakenBackAfterAnUnknownReturn(order, channel);
        }
    }

    @Test
    void a_return_answer_that_comes_after_another_worker_made_the_unit_unknown_still_settles_it() throws Exception {
        // The supplier answers no queries. While the first return is out, a second return job of the
        // refund runs (as after a take-over) and finds that unit RETURNING: it makes it unknown. The
        // held answer must still settle it.
        aSecondReturnJobWhileTheFirstReturnIsOut(48, "lateret", "late", false);
    }

    @Test
    void a_return_found_in_flight_by_another_worker_is_not_queried_before_its_request_can_have_arrived()
            throws Exception {
        // Asked before any return is done, the supplier knows none (R4040: a failure): a query while
        // the first unit's request is out would settle it as not taken back, a moment before it is.
        aSecondReturnJobWhileTheFirstReturnIsOut(49, "inflret", "infl", true);
    }

    @Test
    void a_return_that_reached_nobody_is_sent_again_even_after_another_worker_made_it_unknown() throws Exception {
        // The first return's connection hangs; meanwhile a second return job of the refund finds that
        // unit RETURNING and leaves it to a query — which would hear "no such return" (R4040) of one
        // never sent and settle it as not taken back. The first call then ends: nothing was sent.
        HeldReturnsSupplier.reset();
        String channel = Unique.id("unsent");
        String supplierNo = "heldret";
        String at = "http://127.0.0.1:" + port + "/mock/supplier";
        refundLine(46, supplierNo, channel, at + "/query", at + "/return", 2_000, 120);
        onTestProtocol(supplierNo, HeldReturnsSupplier.PROTOCOL, at, 1);
        String requestNo = Unique.id("unsent");
        Order order = deliveredOn(channel, "46", requestNo);
        String refundNo = Unique.id("r");
        Response accepted = refund("general", channel, requestNo, refundNo, 1);
        assertThat(accepted.status()).isEqualTo(200);
        long refundId = Long.parseLong(accepted.json().get("refund_id").asString());
        assertThat(HeldReturnsSupplier.awaitFirstReturnOut()).isTrue();

        jobs.enqueue(AcquiringQueues.RETURN, "r" + refundId + ":second", new AcquiringQueues.RefundRef(refundId));
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        jdbc.sql("select count(*) from oms_refund_unit where refund_id = :id and status = :unknown")
                                        .param("id", refundId)
                                        .param("unknown", ReturnStatus.UNKNOWN.code())
                                        .query(Long.class)
                                        .single()
                                == 1);
        HeldReturnsSupplier.releaseFirstReturn();

        assertThat(awaitRefund(channel, requestNo, refundNo)
                        .json()
                        .get("status")
                        .asInt())
                .as("refunded: the return never sent was sent again and taken back")
                .isZero();
        assertThat(HeldReturnsSupplier.returns())
                .as("the unsent one twice, the other once")
                .isEqualTo(3);
        for (Unit unit : acquiring.units(order)) {
            assertThat(net("down_channel", channel, unit.unitId())).isZero();
        }
    }

    @Test
    void a_query_of_an_earlier_sending_of_a_return_asks_the_supplier_nothing() {
        // A return sent again (its first sending reached nobody) is queried first_query_time after its
        // new sending: a query of the earlier sending, still scheduled, would hear "no such return"
        // (R4040) of one that may be on its way and settle it as not taken back.
        String channel = Unique.id("resent");
        String supplierNo = "unansret";
        String at = "http://127.0.0.1:" + port + "/mock/supplier";
        refundLine(77, supplierNo, channel, at + "/query", at + "/return", 2_000, 600);
        onTestProtocol(supplierNo, UnansweredReturnsSupplier.PROTOCOL, at, 600);
        String requestNo = Unique.id("resent");
        Order order = deliveredOn(channel, "77", requestNo);
        Response accepted = refund("general", channel, requestNo, Unique.id("r"), 1);
        assertThat(accepted.status()).isEqualTo(200);
        long refundId = Long.parseLong(accepted.json().get("refund_id").asString());
        long unitId = acquiring.units(order).getFirst().unitId();
        await().atMost(Duration.ofSeconds(30)).until(() -> returnStatus(refundId, unitId) == ReturnStatus.UNKNOWN);
        long sending = jdbc.sql(
                        "select submitted_at from oms_refund_unit where refund_id = :refund and unit_id = :unit")
                .param("refund", refundId)
                .param("unit", unitId)
                .query(LocalDateTime.class)
                .single()
                .toInstant(ZoneOffset.UTC)
                .toEpochMilli();
        int queries = UnansweredReturnsSupplier.returnQueries();

        refundSteps.queryReturn(new AcquiringQueues.ReturnQuery(refundId, unitId, 1, sending - 1_000));
        assertThat(UnansweredReturnsSupplier.returnQueries())
                .as("a query of an earlier sending asks nothing")
                .isEqualTo(queries);
        assertThat(returnStatus(refundId, unitId)).isEqualTo(ReturnStatus.UNKNOWN);

        refundSteps.queryReturn(new AcquiringQueues.ReturnQuery(refundId, unitId, 1, sending));
        assertThat(UnansweredReturnsSupplier.returnQueries())
                .as("a query of the latest sending asks")
                .isEqualTo(queries + 1);
        assertThat(returnStatus(refundId, unitId)).isEqualTo(ReturnStatus.NOT_RETURNED);
    }

    /**
     * Moves the supplier to a test adapter's {@code protocol} (at {@code at}), answering queries, its
     * first one {@code firstQueryTime} seconds after a request, sending again after a second.
     */
    private void onTestProtocol(String supplierNo, String protocol, String at, int firstQueryTime) {
        http.post("/admin/catalog/up-channels", "application/json", """
                {"channel_no":"%1$s","channel_name":"%1$s","status":0,"service_class":10,"protocol":"%2$s",
                 "request_url":"%3$s/submit","query_url":"%3$s/query","return_url":"%3$s/return","can_query":0,
                 "first_query_time":%4$d,"query_replenish_time":1,"request_replenish_time":1,"timeout_ms":2000,
                 "secret":"%5$s"}""".formatted(
                        supplierNo, protocol, at, firstQueryTime, Fixtures.MOCK_SECRET));
    }

    private ReturnStatus returnStatus(long refundId, long unitId) {
        return ReturnStatus.ofCode(
                jdbc.sql("select status from oms_refund_unit where refund_id = :refund and unit_id = :unit")
                        .param("refund", refundId)
                        .param("unit", unitId)
                        .query(Integer.class)
                        .single());
    }

    /**
     * The supplier holds each return 4 s, then takes it back; while the first is out, a second return
     * job of the refund runs and finds that unit RETURNING. The refund must end refunded, every
     * delivery taken back. {@code answersQueries}: the supplier answers queries of returns, R4040
     * until one is done.
     */
    private void aSecondReturnJobWhileTheFirstReturnIsOut(
            long lineId, String supplierNo, String prefix, boolean answersQueries) throws Exception {
        CountDownLatch firstReturnOut = new CountDownLatch(1);
        AtomicInteger returnsDone = new AtomicInteger();
        SupplierStub supplier = new SupplierStub();
        supplier.on("/return", exchange -> {
            firstReturnOut.countDown();
            try {
                Thread.sleep(4_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            returnsDone.incrementAndGet();
            Fixtures.supplierAnswer(exchange, "R0000");
        });
        supplier.on("/query", exchange -> Fixtures.supplierAnswer(exchange, returnsDone.get() > 0 ? "R0000" : "R4040"));
        try (supplier) {
            String channel = Unique.id(prefix);
            String at = supplier.url();
            if (answersQueries) {
                refundLine(lineId, supplierNo, channel, at + "/query", at + "/return", 15_000, 120);
            } else {
                refundLine(lineId, supplierNo, channel, at + "/return", 15_000, 30);
            }
            String requestNo = Unique.id(prefix);
            Order order = deliveredOn(channel, Long.toString(lineId), requestNo);
            String refundNo = Unique.id("r");
            Response accepted = refund("general", channel, requestNo, refundNo, 1);
            assertThat(accepted.status()).isEqualTo(200);
            long refundId = Long.parseLong(accepted.json().get("refund_id").asString());
            assertThat(firstReturnOut.await(30, TimeUnit.SECONDS)).isTrue();
            jobs.enqueue(AcquiringQueues.RETURN, "r" + refundId + ":second", new AcquiringQueues.RefundRef(refundId));

            assertThat(awaitRefund(channel, requestNo, refundNo)
                            .json()
                            .get("status")
                            .asInt())
                    .as("refunded: the supplier took both deliveries back")
                    .isZero();
            assertTakenBackAfterAnUnknownReturn(order, channel);
        }
    }

    /** A return became unknown on the way, and the supplier took every delivery back: the channel has all its money. */
    private void assertTakenBackAfterAnUnknownReturn(Order order, String channel) {
        assertThat(orders.events(order.orderId()))
                .anyMatch(e -> e.type().equals("return.unknown"))
                .noneMatch(e -> e.type().equals("return.not_returned"));
        for (Unit unit : acquiring.units(order)) {
            assertThat(net("down_channel", channel, unit.unitId())).isZero();
        }
    }

    @Test
    void a_split_order_is_refunded_as_split_even_after_its_product_stopped_splitting() {
        String returns = "http://127.0.0.1:" + port + "/mock/supplier/return";
        String channel = Unique.id("spl"); // a channel of its own on a database other runs used
        long product = refundLine(43, "splret", channel, returns, 2000, 600);
        String requestNo = Unique.id("spl");
        http.withoutToken()
                .get("/order/request", Acquiring.exampleOrder(channel, requestNo, "43", "rechage_account", "2"));
        Order order = acquiring.awaitFinal(channel, requestNo);
        assertThat(acquiring.units(order))
                .as("one product of 200 delivered as two of 100")
                .hasSize(2);
        // Unsplit, and off sale: no supplier product of 200 could deliver it unsplit.
        Response changed = changeProduct(product, Fixtures.shelfOf(http, "down", channel), 43, 1, "0", "0", 1);
        assertThat(changed.status())
                .as("the product no longer splits: %s", changed.body())
                .isEqualTo(200);

        String refundNo = Unique.id("r");
        assertThat(refund("general", channel, requestNo, refundNo, 1).status()).isEqualTo(200);

        assertThat(awaitRefund(channel, requestNo, refundNo)
                        .json()
                        .get("status")
                        .asInt())
                .isZero();
        for (Unit unit : acquiring.units(order)) {
            assertThat(net("down_channel", channel, unit.unitId()))
                    .as("the one product refunded whole: both of its deliveries")
                    .isZero();
        }
    }

    @Test
    void
            a_refund_whose_commission_cannot_be_taken_back_refunds_the_channel_takes_back_the_other_fees_and_notes_the_commission() {
        String channel = Unique.id("fee");
        Order order = commissionedOrder(44, "feeret", channel);
        String requestNo = order.requestNo();
        // The channel takes its commission out.
        assertThat(http.get(
                                "/account/balance/deduct",
                                "ident",
                                "oms",
                                "groups",
                                "down_commission",
                                "eid",
                                channel,
                                "trade_no",
                                "w",
                                "amount",
                                "200")
                        .status())
                .isEqualTo(200);

        String refundNo = Unique.id("r");
        assertThat(refund("general", channel, requestNo, refundNo, 1).status()).isEqualTo(200);

        assertThat(awaitRefund(channel, requestNo, refundNo)
                        .json()
                        .get("status")
                        .asInt())
                .as("refunded, though the commission could not be taken back")
                .isZero();
        for (Unit unit : acquiring.units(order)) {
            assertThat(net("down_channel", channel, unit.unitId())).isZero();
        }
        assertThat(balance("down_commission", channel)).as("never below zero").isZero();
        assertThat(balance("down_service", channel))
                .as("the service fee, which could be, taken back")
                .isZero();
        assertThat(orders.events(order.orderId()))
                .filteredOn(e -> e.type().equals("refund.fees_not_taken_back"))
                .singleElement()
                .satisfies(e ->
                        assertThat(e.reason()).contains("down_commission 200").doesNotContain("down_service"));
    }

    /**
     * The supplier's side as the channel's: a supplier that took its commission out (so the refund's
     * up_pay cannot take it back) does not leave the refund in progress for ever, retried until it
     * dies — the cost and the service fee are taken back, the refund finishes and the commission is
     * noted for an operator.
     */
    @Test
    void
            a_refund_whose_supplier_commission_cannot_be_taken_back_finishes_takes_back_the_cost_and_service_fee_and_notes_the_commission() {
        String channel = Unique.id("upfee");
        String supplier = "upfeeret";
        Order order = commissionedOrder(72, supplier, channel);
        assertThat(balance("up_commission", supplier)).as("10 a unit").isEqualTo(20);
        assertThat(balance("up_service", supplier)).as("5 a unit").isEqualTo(10);
        // The supplier takes its commission out.
        assertThat(http.get(
                                "/account/balance/deduct",
                                "ident",
                                "oms",
                                "groups",
                                "up_commission",
                                "eid",
                                supplier,
                                "trade_no",
                                "w",
                                "amount",
                                "20")
                        .status())
                .isEqualTo(200);

        String refundNo = Unique.id("r");
        assertThat(refund("general", channel, order.requestNo(), refundNo, 1).status())
                .isEqualTo(200);

        assertThat(awaitRefund(channel, order.requestNo(), refundNo)
                        .json()
                        .get("status")
                        .asInt())
                .as("refunded, though the supplier's commission could not be taken back")
                .isZero();
        for (Unit unit : acquiring.units(order)) {
            assertThat(net("down_channel", channel, unit.unitId())).isZero();
            assertThat(net("up_channel", supplier, unit.unitId()))
                    .as("the cost taken back from the supplier")
                    .isZero();
        }
        assertThat(balance("up_commission", supplier)).as("never below zero").isZero();
        assertThat(balance("up_service", supplier))
                .as("the service fee, which could be, taken back")
                .isZero();
        assertThat(orders.events(order.orderId()))
                .filteredOn(e -> e.type().equals("refund.supplier_fees_not_taken_back"))
                .singleElement()
                .satisfies(
                        e -> assertThat(e.reason()).contains("up_commission 20").doesNotContain("up_service"));
    }

    /**
     * Only a fee account short of money lets a refund go on without its fees: a locked one (or any
     * other refusal) holds the refund, retried, until the fees can be taken back.
     */
    @Test
    void a_refund_whose_fee_account_is_locked_waits_and_takes_the_fees_back_once_it_is_unlocked() {
        String channel = Unique.id("lockfee");
        Order order = commissionedOrder(53, "lockret", channel);
        String requestNo = order.requestNo();
        String[] commission = {"ident", "oms", "groups", "down_commission", "eid", channel};
        assertThat(http.get("/account/lock", commission).status()).isEqualTo(200);

        String refundNo = Unique.id("r");
        Response asked = refund("general", channel, requestNo, refundNo, 1);
        assertThat(asked.status()).isEqualTo(200);
        String job = "r" + asked.json().get("refund_id").asString();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.sql("select coalesce(max(consecutive_failures), 0) from scheduled_tasks"
                                        + " where task_name = 'oms:refund:pay' and task_instance = :job")
                                .param("job", job)
                                .query(Integer.class)
                                .single()
                        >= 1);
        assertThat(refundQuery(channel, requestNo, refundNo)
                        .json()
                        .get("status")
                        .asInt())
                .as("held while the commission account is locked")
                .isEqualTo(30);
        for (Unit unit : acquiring.units(order)) {
            assertThat(net("down_channel", channel, unit.unitId())).isNegative();
        }

        assertThat(http.get("/account/unlock", commission).status()).isEqualTo(200);
        assertThat(awaitRefund(channel, requestNo, refundNo)
                        .json()
                        .get("status")
                        .asInt())
                .isZero();
        assertThat(balance("down_commission", channel))
                .as("the commission taken back")
                .isZero();
        assertThat(balance("down_service", channel))
                .as("the service fee taken back")
                .isZero();
        for (Unit unit : acquiring.units(order)) {
            assertThat(net("down_channel", channel, unit.unitId())).isZero();
        }
        assertThat(orders.events(order.orderId())).noneMatch(e -> e.type().equals("refund.fees_not_taken_back"));
    }

    /**
     * A delivered order of 200 on a line and channel of their own, whose product pays a commission of
     * 1 % and a service fee of 0.5 %: 200 and 100 cents, in the channel's commission and service accounts.
     */
    /**
     * The refund's step run eight times at once (as when a job is taken over from a node thought dead
     * while it still runs): one run refunds the channel, takes back the fees it can and notes the
     * commission it cannot, in one commit with the refund's move; the others, overtaken, commit nothing
     * — no second note of fees that another run did take back.
     */
    @Test
    void runs_of_a_refund_step_at_once_refund_take_back_and_note_the_fees_once() throws Exception {
        String channel = Unique.id("twice");
        Order order = commissionedOrder(83, "twiceret", channel);
        String[] commission = {"ident", "oms", "groups", "down_commission", "eid", channel};
        String[] service = {"ident", "oms", "groups", "down_service", "eid", channel};
        String[] takeOut = Stream.concat(Stream.of(commission), Stream.of("trade_no", "w", "amount", "200"))
                .toArray(String[]::new);
        assertThat(http.get("/account/balance/deduct", takeOut).status()).isEqualTo(200);
        // Held in REFUNDING: the service account is locked, which no run gets past.
        assertThat(http.get("/account/lock", service).status()).isEqualTo(200);
        String refundNo = Unique.id("r");
        Response asked = refund("general", channel, order.requestNo(), refundNo, 1);
        assertThat(asked.status()).isEqualTo(200);
        long refundId = Long.parseLong(asked.json().get("refund_id").asString());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.sql("select coalesce(max(consecutive_failures), 0) from scheduled_tasks"
                                        + " where task_name = 'oms:refund:pay' and task_instance = :job")
                                .param("job", "r" + refundId)
                                .query(Integer.class)
                                .single()
                        >= 1);

        assertThat(http.get("/account/unlock", service).status()).isEqualTo(200);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                runs.add(pool.submit(() -> {
                    start.await();
                    refundSteps.refundChannel(refundId);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> run : runs) {
                run.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(awaitRefund(channel, order.requestNo(), refundNo)
                        .json()
                        .get("status")
                        .asInt())
                .isZero();
        for (Unit unit : acquiring.units(order)) {
            assertThat(net("down_channel", channel, unit.unitId())).isZero();
        }
        assertThat(balance("down_service", channel)).as("taken back once").isZero();
        assertThat(balance("down_commission", channel)).isZero();
        assertThat(orders.events(order.orderId()))
                .filteredOn(e -> e.type().equals("refund.fees_not_taken_back"))
                .singleElement()
                .satisfies(e ->
                        assertThat(e.reason()).contains("down_commission 200").doesNotContain("down_service"));
    }

    private Order commissionedOrder(long lineId, String supplierNo, String channel) {
        String returns = "http://127.0.0.1:" + port + "/mock/supplier/return";
        long product = refundLine(lineId, supplierNo, channel, returns, 2000, 600);
        assertThat(changeProduct(product, Fixtures.shelfOf(http, "down", channel), lineId, 0, "0.01", "0.005", 0)
                        .status())
                .isEqualTo(200);
        String requestNo = Unique.id(channel);
        http.withoutToken()
                .get(
                        "/order/request",
                        Acquiring.exampleOrder(channel, requestNo, Long.toString(lineId), "rechage_account", "2"));
        Order order = acquiring.awaitFinal(channel, requestNo);
        assertThat(order.status()).isEqualTo(OrderStatus.SUCCEEDED);
        assertThat(balance("down_commission", channel)).isEqualTo(200);
        assertThat(balance("down_service", channel)).isEqualTo(100);
        return order;
    }

    private long balance(String groups, String eid) {
        return http.get("/account/balance/query", "ident", "oms", "groups", groups, "eid", eid)
                .json()
                .get("balance")
                .asLong();
    }

    /** Changes the channel's product of 200 (see {@link #downProduct}). */
    private Response changeProduct(
            long product,
            long shelf,
            long lineId,
            int canSplitOrder,
            String commissionDiscount,
            String serviceDiscount,
            int status) {
        return http.put(
                "/admin/catalog/down-products/" + product,
                downProduct(product, shelf, lineId, canSplitOrder, commissionDiscount, serviceDiscount, status));
    }

    /**
     * A product of 200 on the shelf, without fees but the commission and service fee given; a new one if
     * {@code product} is null.
     */
    private static String downProduct(
            Long product,
            long shelf,
            long lineId,
            int canSplitOrder,
            String commissionDiscount,
            String serviceDiscount,
            int status) {
        return """
                {%s"shelf_id":%d,"line_id":%d,"carrier_no":"ZSH","province_no":"*","city_no":"*","invoice_type":0,
                 "can_refund":0,"face":20000,"sell_discount":0.99,"commission_discount":%s,"service_discount":%s,
                 "payment_fee_discount":0,"can_split_order":%d,"split_order_face":10000,"limit_count":10,"status":%d}""".formatted(
                        product == null ? "" : "\"product_id\":" + product + ",",
                        shelf,
                        lineId,
                        commissionDiscount,
                        serviceDiscount,
                        canSplitOrder,
                        status);
    }

    private void refundOvertimeLine(long lineId, String supplierNo, String channelNo, String returnUrl, int timeoutMs) {
        refundLine(lineId, supplierNo, channelNo, returnUrl, timeoutMs, 2);
    }

    /**
     * A channel whose refunds reach their overtime after {@code refundOvertime} seconds, buying on
     * {@code lineId} a product of 200 split into deliveries of 100 (its id answered) from a supplier
     * that delivers through the mock, answers no queries, and takes returns at {@code returnUrl}.
     */
    private long refundLine(
            long lineId, String supplierNo, String channelNo, String returnUrl, int timeoutMs, int refundOvertime) {
        return refundLine(lineId, supplierNo, channelNo, null, returnUrl, timeoutMs, refundOvertime);
    }

    /** As above, the supplier answering queries at {@code queryUrl} (null: none). */
    private long refundLine(
            long lineId,
            String supplierNo,
            String channelNo,
            String queryUrl,
            String returnUrl,
            int timeoutMs,
            int refundOvertime) {
        String base = "http://127.0.0.1:" + port + "/mock/supplier";
        Fixtures.supplierLine(http, lineId, supplierNo, "http://127.0.0.1:" + port, true, true, 600, 60);
        http.post("/admin/catalog/up-channels", "application/json", """
                {"channel_no":"%s","channel_name":"%s","status":0,"service_class":10,"protocol":"reference-http",
                 "request_url":"%s/submit","query_url":"%s","return_url":"%s","can_query":%d,
                 "first_query_time":1,"query_replenish_time":1,"request_replenish_time":60,"timeout_ms":%d,
                 "secret":"%s"}""".formatted(
                        supplierNo,
                        supplierNo,
                        base,
                        queryUrl == null ? base + "/query" : queryUrl,
                        returnUrl,
                        queryUrl == null ? 1 : 0,
                        timeoutMs,
                        Fixtures.MOCK_SECRET));
        http.post("/admin/catalog/down-channels", "application/json", """
                {"channel_no":"%s","channel_name":"%s","status":0,"legacy_unsigned":0,"rate_limit":1000}""".formatted(channelNo, channelNo));
        long shelf = http.post("/admin/catalog/down-shelves", "application/json", """
                        {"shelf_name":"%s","channel_no":"%s","order_overtime":600,"refund_overtime":%d,"status":0}""".formatted(
                                channelNo, channelNo, refundOvertime))
                .json()
                .get("shelf_id")
                .asLong();
        long product = http.post(
                        "/admin/catalog/down-products",
                        "application/json",
                        downProduct(null, shelf, lineId, 0, "0", "0", 0))
                .json()
                .get("product_id")
                .asLong();
        for (String group : new String[] {"down_channel", "down_commission", "down_service", "down_payment_fee"}) {
            http.get("/account/create", "ident", "oms", "groups", group, "eid", channelNo, "name", channelNo);
        }
        http.get(
                "/account/balance/add",
                "ident",
                "oms",
                "groups",
                "down_channel",
                "eid",
                channelNo,
                "trade_no",
                "f",
                "amount",
                "100000000");
        return product;
    }
}
