package dev.ordo.acquiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpHandler;
import dev.ordo.acquiring.AcquiringQueues.OrderRef;
import dev.ordo.acquiring.internal.OrderSteps;
import dev.ordo.notify.Notifications;
import dev.ordo.order.Order;
import dev.ordo.order.OrderEvent;
import dev.ordo.order.OrderLog;
import dev.ordo.order.OrderMoney;
import dev.ordo.order.OrderStatus;
import dev.ordo.order.Orders;
import dev.ordo.order.Unit;
import dev.ordo.order.UnitStatus;
import dev.ordo.shared.Cents;
import dev.ordo.shared.ErrorCode;
import dev.ordo.shared.Signatures;
import dev.ordo.shared.SqlTime;
import dev.ordo.supplier.mock.MockSupplier;
import dev.ordo.testing.Acquiring;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Http;
import dev.ordo.testing.Http.Response;
import dev.ordo.testing.Receiver;
import dev.ordo.testing.SupplierStub;
import dev.ordo.testing.Unique;
import dev.ordo.wallet.AccountKey;
import dev.ordo.wallet.AccountStatus;
import dev.ordo.wallet.BalanceChange;
import dev.ordo.wallet.ChangeType;
import dev.ordo.wallet.TradeNo;
import dev.ordo.wallet.Wallet;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** SPEC A3, A4, A5, K5: the flow after acceptance, its money, its supplier and its notifications. */
@DatabaseTest
class OrderFlowTest {

    @LocalServerPort
    int port;

    @Autowired
    Orders orders;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MockSupplier mockSupplier;

    @Autowired
    MeterRegistry meters;

    @Autowired
    Wallet wallet;

    @Autowired
    OrderSteps steps;

    @Autowired
    Notifications notifications;

    Http http;
    Acquiring acquiring;

    @BeforeEach
    void setUp() {
        http = new Http(port);
        acquiring = new Acquiring(http, orders, jdbc);
    }

    /**
     * Every outcome of the mock supplier (by the recharge account's last digit) ends in the right
     * status, with one submission per unit, and the money of the delivered units only.
     */
    @ParameterizedTest(name = "account ending {0} -> status {1}, {2} of 2 delivered")
    @CsvSource({"0, 0, 2", "1, 90, 0", "9, 0, 2", "7, 90, 0", "8, 0, 2", "6, 91, 1"})
    void every_mock_outcome_ends_in_the_right_status_with_the_right_money(char digit, int status, int delivered)
            throws Exception {
        try (Receiver receiver = Receiver.up()) {
            String requestNo = Unique.id("outcome" + digit);
            Response accepted = acquiring.order(
                    requestNo, "10001000000000" + digit, "notify_url", receiver.url("/notify/" + requestNo));
            assertThat(accepted.status()).isEqualTo(200);
            assertThat(accepted.json().get("status").asInt()).as("in progress").isEqualTo(30);
            Order order = acquiring.awaitFinal(requestNo);
            assertOutcome(order, status, delivered);
            assertThat(queryStatus("test", requestNo)).as("/order/query").isEqualTo(status);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !receiver.received().isEmpty());
            assertThat(receiver.received().getFirst().form())
                    .as("the notification")
                    .containsEntry("status", Integer.toString(status))
                    .containsEntry("request_no", requestNo);
        }
    }

    private void assertOutcome(Order order, int status, int delivered) {
        List<Unit> units = acquiring.units(order);
        assertThat(order.status().channelCode()).isEqualTo(status);
        assertThat(units.stream().filter(u -> u.status() == UnitStatus.DELIVERED))
                .hasSize(delivered);
        assertThat(units).allSatisfy(u -> {
            assertThat(u.status().isFinal()).isTrue();
            assertThat(mockSupplier.submissions(Long.toString(u.unitId())))
                    .as("submissions of unit " + u.unitId())
                    .isEqualTo(1);
        });
        assertMoneyOf(order, units);
    }

    /** A manual booking through the wallet's HTTP API cannot use a unit's trade number: the flow's are its own. */
    @Test
    void a_manual_booking_cannot_take_the_trade_number_of_a_unit() {
        String requestNo = Unique.id("manual");
        acquiring.order(requestNo, "2");
        Order order = acquiring.awaitFinal(requestNo);
        String trade =
                AcquiringAccounts.unitTrade(acquiring.units(order).getFirst().unitId());
        long before = acquiring.net("down_channel", "test", trade);
        for (String operation : new String[] {"add", "deduct", "refund"}) {
            Response refused = http.get(
                    "/account/balance/" + operation,
                    "ident",
                    "oms",
                    "groups",
                    "down_channel",
                    "eid",
                    "test",
                    "trade_no",
                    trade,
                    "amount",
                    "1");
            assertThat(refused.status()).as(operation).isEqualTo(400);
        }
        assertThat(acquiring.net("down_channel", "test", trade)).isEqualTo(before);
    }

    /** The channel paid for delivered units only; the books of every account agree with the order's margin. */
    private void assertMoneyOf(Order order, List<Unit> units) {
        OrderMoney deliveredMoney = units.stream()
                .filter(u -> u.status() == UnitStatus.DELIVERED)
                .map(Unit::money)
                .reduce(OrderMoney.ZERO, OrderMoney::plus);
        String ch = order.channelNo();
        String sup = units.getFirst().upChannelNo();
        long channelNet = 0;
        long commission = 0;
        long service = 0;
        long paymentFee = 0;
        long supplierNet = 0;
        long upCommission = 0;
        long upService = 0;
        for (Unit u : units) {
            String trade = AcquiringAccounts.unitTrade(u.unitId());
            channelNet += acquiring.net("down_channel", ch, trade);
            commission += acquiring.net("down_commission", ch, trade);
            service += acquiring.net("down_service", ch, trade);
            paymentFee += acquiring.net("down_payment_fee", ch, trade);
            supplierNet += acquiring.net("up_channel", sup, trade);
            upCommission += acquiring.net("up_commission", sup, trade);
            upService += acquiring.net("up_service", sup, trade);
        }
        assertThat(-channelNet)
                .as("the channel paid for the delivered units only")
                .isEqualTo(deliveredMoney.sale());
        assertThat(-supplierNet)
                .as("the supplier was paid for the delivered units")
                .isEqualTo(deliveredMoney.cost());
        assertThat(order.money()).isEqualTo(deliveredMoney);
        long margin = -channelNet - commission - service - paymentFee + supplierNet + upCommission - upService;
        assertThat(order.money().margin())
                .as("sale - cost - commission - fees = recorded margin")
                .isEqualTo(margin);
    }

    /**
     * An order whose supplier answers at once — delivered, or failed and refunded — is carried from
     * bind to its final status by its own job: nothing is handed to the pay, delivery, refund or
     * up_pay queues, which only take over where a step must wait.
     */
    @Test
    void an_order_answered_at_once_is_carried_through_by_its_own_job() {
        List<String> handOverQueues =
                List.of("oms:order:pay", "oms:order:delivery", "oms:overtime:refund", "oms:order:up_pay");
        Map<String, Double> before = new LinkedHashMap<>();
        handOverQueues.forEach(q -> before.put(q, executions(q)));
        double bindBefore = executions("oms:order:bind");

        List<String> requestNos = List.of(Unique.id("carry0"), Unique.id("carry6"));
        acquiring.order(requestNos.get(0), "100010000000000");
        acquiring.order(requestNos.get(1), "100010000000006");
        List<Order> finished = requestNos.stream().map(acquiring::awaitFinal).toList();

        assertThat(finished).extracting(o -> o.status().channelCode()).containsExactly(0, 91);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(executions("oms:order:bind")).isGreaterThanOrEqualTo(bindBefore + 2));
        handOverQueues.forEach(q -> assertThat(executions(q)).as(q).isEqualTo(before.get(q)));
    }

    private double executions(String queue) {
        return meters.find("ordo.jobs.executions").tag("queue", queue).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    /**
     * SPEC K8: every change of an order is logged with the order's id in the logging context, from
     * acceptance to its final status; the changes after acceptance come from the order's own job.
     */
    @Test
    void every_change_of_an_order_is_logged_with_its_order_id() {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.ordo.order.internal.JdbcOrders");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Level level = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        logger.addAppender(appender);
        try {
            String requestNo = Unique.id("logged");
            acquiring.order(requestNo, "100010000000000");
            String orderId = Long.toString(acquiring.awaitFinal(requestNo).orderId());
            List<ILoggingEvent> lines;
            synchronized (appender) { // appends are synchronized on the appender
                lines = appender.list.stream()
                        .filter(e -> orderId.equals(e.getMDCPropertyMap().get(OrderLog.ORDER_ID)))
                        .toList();
            }
            assertThat(lines)
                    .extracting(e -> e.getFormattedMessage().split("[ :]")[0])
                    .containsSubsequence(
                            "order.accepted", "order.bound", "order.paid", "unit.delivered", "order.succeeded");
            assertThat(lines)
                    .filteredOn(e -> !e.getFormattedMessage().startsWith("order.accepted"))
                    .isNotEmpty()
                    .allSatisfy(e -> assertThat(e.getMDCPropertyMap()).containsEntry("queue", "oms:order:bind"));
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(level);
        }
    }

    @Test
    void the_bind_decision_is_recorded_with_its_reasons() {
        String requestNo = Unique.id("bind");
        acquiring.order(requestNo, "12345");
        Order order = acquiring.awaitFinal(requestNo);
        List<OrderEvent> events = orders.events(order.orderId());
        assertThat(events)
                .extracting(OrderEvent::type)
                .contains("order.accepted", "order.bound", "order.paid", "unit.delivered", "order.succeeded");
        assertThat(boundReason(order))
                .contains("chose ycup product")
                .contains("cheapest usable")
                .contains("considered");
    }

    /**
     * A request for any invoice type (0) of a product that requires an invoice (2) is delivered
     * with an invoice: the bind passes over a cheaper supplier that does not invoice.
     */
    @Test
    void a_request_for_any_invoice_type_of_a_product_requiring_one_binds_an_invoicing_supplier() {
        invoicingBesidePlain(51, "plain51", "invoice51");
        Fixtures.channel(http, "invoice51ch", 100_000_000, 0, 10_000, 51);
        changeDownProduct("invoice51ch", p -> p.put("invoice_type", 2));

        String requestNo = Unique.id("invoice");
        assertThat(http.withoutToken()
                        .get(
                                "/order/request",
                                Acquiring.exampleOrder(
                                        "invoice51ch", requestNo, "51", "rechage_account", "3", "invoice_type", "0"))
                        .status())
                .isEqualTo(200);
        Order order = acquiring.awaitFinal("invoice51ch", requestNo);
        assertThat(order.status()).isEqualTo(OrderStatus.SUCCEEDED);
        assertThat(order.invoiceType()).as("the product's invoice type").isEqualTo(2);
        assertThat(boundReason(order))
                .contains("chose invoice51 product")
                .contains("an invoice is required and the supplier does not invoice");
    }

    /**
     * The most specific product of a request is sold only when it can be delivered; otherwise a
     * wider one that can is, rather than refusing the request as if no product existed.
     */
    @Test
    void a_specific_product_that_cannot_be_delivered_gives_way_to_a_wider_one_that_can() {
        invoicingBesidePlain(52, "plain52", "invoice52");
        Fixtures.channel(http, "wide52ch", 100_000_000, 0, 10_000, 52);
        long wide = downProductOf("wide52ch").get("product_id").asLong();
        // A product for province GD that needs an invoice, sellable while invoice52 invoices ...
        ObjectNode specific = (ObjectNode) downProductOf("wide52ch").deepCopy();
        specific.remove("product_id");
        specific.put("province_no", "GD").put("invoice_type", 2);
        if (http.get("/admin/catalog/down-products")
                .json()
                .valueStream()
                .map(p -> p.get("product"))
                .noneMatch(p -> p.get("province_no").asString().equals("GD")
                        && p.get("line_id").asLong() == 52)) {
            Response created = http.post("/admin/catalog/down-products", "application/json", specific.toString());
            assertThat(created.status()).as(created.body()).isEqualTo(200);
        }
        // ... and not deliverable once invoice52 stops selling.
        changeUpProduct("invoice52", p -> p.put("status", 1));

        String requestNo = Unique.id("wide");
        Response accepted = http.withoutToken()
                .get(
                        "/order/request",
                        Acquiring.exampleOrder(
                                "wide52ch",
                                requestNo,
                                "52",
                                "rechage_account",
                                "3",
                                "invoice_type",
                                "0",
                                "province_no",
                                "GD"));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        Order order = acquiring.awaitFinal("wide52ch", requestNo);
        assertThat(order.downProductId()).isEqualTo(wide);
        assertThat(order.status()).isEqualTo(OrderStatus.SUCCEEDED);
    }

    private Response unitsOrder(String requestNo, String num, String amount) {
        return http.withoutToken()
                .get(
                        "/order/request",
                        Acquiring.exampleOrder(
                                "units53ch",
                                requestNo,
                                "53",
                                "num",
                                num,
                                "amount",
                                amount,
                                "rechage_account",
                                "100011000000000"));
    }

    @Test
    void an_order_needing_more_delivery_units_than_an_order_may_have_is_refused_when_requested() {
        // A supplier delivering one piece per unit, and a product of two pieces: 501 products, 1,002 units.
        Fixtures.supplierLine(http, 53, "units53", "http://127.0.0.1:" + port, true, true, 600, 60);
        Fixtures.channel(http, "units53ch", 100_000_000, 0, 10_000, 53);
        changeDownProduct("units53ch", p -> p.put("limit_count", 1_000));
        long balance = acquiring.balance("down_channel", "units53ch");
        String requestNo = Unique.id("units");
        Response refused = unitsOrder(requestNo, "501", "99198");
        assertThat(refused.status()).as(refused.body()).isBetween(400, 499);
        assertThat(refused.json().get("code").asInt()).isEqualTo(ErrorCode.NUM_OVER_LIMIT.code());
        assertThat(refused.json().get("msg").asString()).contains("超过单次最大购买数量(500)");
        assertThat(orders.findByRequest("units53ch", requestNo)).isEmpty();
        assertThat(acquiring.balance("down_channel", "units53ch")).isEqualTo(balance);

        // 500 products make 1,000 units: accepted and delivered.
        String fits = Unique.id("units");
        assertThat(unitsOrder(fits, "500", "99000").status()).isEqualTo(200);
        Order order = acquiring.awaitFinal("units53ch", fits);
        assertThat(order.status()).isEqualTo(OrderStatus.SUCCEEDED);
        assertThat(orders.units(order.orderId())).hasSize(1_000);
    }

    @Test
    void a_dearer_supplier_that_delivers_in_fewer_units_takes_an_order_the_cheapest_would_split_too_far() {
        String base = "http://127.0.0.1:" + port;
        Fixtures.supplierLine(http, 54, "single54", base, true, true, 600, 60);
        Fixtures.supplierLine(http, 54, "bulk54", base, true, true, 600, 60);
        changeUpProduct("bulk54", p -> p.put("limit_count", 100).put("cost_discount", 0.98));
        Fixtures.channel(http, "units54ch", 100_000_000, 0, 10_000, 54);
        changeDownProduct("units54ch", p -> p.put("limit_count", 1_000));
        Order order = fiveHundredOneProducts("units54ch", "54");
        assertThat(order.status()).isEqualTo(OrderStatus.SUCCEEDED);
        assertThat(orders.units(order.orderId()))
                .hasSize(11)
                .allSatisfy(unit -> assertThat(unit.upChannelNo()).isEqualTo("bulk54"));
    }

    /** An order of 501 products of 200 (1,002 pieces of 100) on the channel's line, once final. */
    private Order fiveHundredOneProducts(String channelNo, String lineId) {
        String requestNo = Unique.id("units");
        Response accepted = http.withoutToken()
                .get(
                        "/order/request",
                        Acquiring.exampleOrder(
                                channelNo,
                                requestNo,
                                lineId,
                                "num",
                                "501",
                                "amount",
                                "99198",
                                "rechage_account",
                                "100011000000000"));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        return acquiring.awaitFinal(channelNo, requestNo);
    }

    /** Two suppliers of a line: one that does not invoice, and a dearer one that does (active). */
    private void invoicingBesidePlain(long lineId, String plain, String invoicing) {
        String base = "http://127.0.0.1:" + port;
        Fixtures.supplierLine(http, lineId, plain, base, true, true, 600, 60);
        Fixtures.supplierLine(http, lineId, invoicing, base, true, true, 600, 60);
        changeUpProduct(
                invoicing,
                p -> p.put("invoice_type", 2).put("cost_discount", 0.98).put("status", 0));
    }

    private String boundReason(Order order) {
        return orders.events(order.orderId()).stream()
                .filter(e -> e.type().equals("order.bound"))
                .findFirst()
                .orElseThrow()
                .reason();
    }

    /** The (first) product on the shelf of this channel, as the admin API lists it. */
    private JsonNode downProductOf(String channelNo) {
        long shelf = Fixtures.shelfOf(http, "down", channelNo);
        return http.get("/admin/catalog/down-products")
                .json()
                .valueStream()
                .map(p -> p.get("product"))
                .filter(p -> p.get("shelf_id").asLong() == shelf)
                .findFirst()
                .orElseThrow();
    }

    private void changeDownProduct(String channelNo, UnaryOperator<ObjectNode> change) {
        ObjectNode product = (ObjectNode) downProductOf(channelNo).deepCopy();
        Response changed = http.put(
                "/admin/catalog/down-products/" + product.get("product_id").asLong(),
                change.apply(product).toString());
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
    }

    private void changeUpProduct(String supplierNo, UnaryOperator<ObjectNode> change) {
        long shelf = Fixtures.shelfOf(http, "up", supplierNo);
        ObjectNode product = (ObjectNode) http.get("/admin/catalog/up-products")
                .json()
                .valueStream()
                .filter(p -> p.get("shelf_id").asLong() == shelf)
                .findFirst()
                .orElseThrow()
                .deepCopy();
        Response changed = http.put(
                "/admin/catalog/up-products/" + product.get("product_id").asLong(),
                change.apply(product).toString());
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
    }

    /** Bound, paid, delivered and finished in two transactions: the history still has every step, in order. */
    @Test
    void an_order_delivered_at_once_records_every_step_of_its_order_and_units() {
        String requestNo = Unique.id("history");
        acquiring.order(requestNo, "100010000000000");
        Order order = acquiring.awaitFinal(requestNo);
        List<Unit> units = orders.units(order.orderId());

        assertThat(orders.events(order.orderId()))
                .extracting(OrderEvent::type, OrderEvent::unitId, OrderEvent::fromStatus, OrderEvent::toStatus)
                .containsExactly(
                        tuple("order.accepted", null, null, OrderStatus.ACCEPTED.code()),
                        tuple("order.bound", null, OrderStatus.ACCEPTED.code(), OrderStatus.BOUND.code()),
                        tuple("order.paid", null, OrderStatus.BOUND.code(), OrderStatus.PAID.code()),
                        tuple("unit.paid", units.get(0).unitId(), UnitStatus.PLANNED.code(), UnitStatus.PAID.code()),
                        tuple(
                                "unit.submitting",
                                units.get(0).unitId(),
                                UnitStatus.PAID.code(),
                                UnitStatus.SUBMITTING.code()),
                        tuple("unit.paid", units.get(1).unitId(), UnitStatus.PLANNED.code(), UnitStatus.PAID.code()),
                        tuple(
                                "unit.submitting",
                                units.get(1).unitId(),
                                UnitStatus.PAID.code(),
                                UnitStatus.SUBMITTING.code()),
                        tuple(
                                "unit.delivered",
                                units.get(0).unitId(),
                                UnitStatus.SUBMITTING.code(),
                                UnitStatus.DELIVERED.code()),
                        tuple(
                                "unit.delivered",
                                units.get(1).unitId(),
                                UnitStatus.SUBMITTING.code(),
                                UnitStatus.DELIVERED.code()),
                        tuple("order.succeeded", null, OrderStatus.PAID.code(), OrderStatus.SUCCEEDED.code()));
        assertThat(units)
                .allSatisfy(u -> assertThat(u.submittedAt()).isNotNull())
                .allSatisfy(u -> assertThat(u.resolvedAt()).isNotNull())
                // The supplier's own number for the delivery, for reconciliation (the mock's: M + order_no).
                .allSatisfy(u -> assertThat(u.supplierOrderNo()).isEqualTo("M" + u.unitId()));
        assertThat(units)
                .allSatisfy(u -> assertThat(mockSupplier.submissions(Long.toString(u.unitId())))
                        .isEqualTo(1));
    }

    /** The supplier has delivered and must be paid: the order waits, delivered, until the supplier's account can pay. */
    @Test
    void a_supplier_account_short_of_money_holds_the_delivered_order_until_it_is_topped_up() {
        Fixtures.supplierLine(http, 42, "poorsup", "http://127.0.0.1:" + port, true, true, 600, 5);
        Fixtures.channel(http, "poorch", 100_000_000, 0, 10_000, 42);
        AccountKey supplier = AcquiringAccounts.supplier("poorsup");
        long balance = wallet.find(supplier).orElseThrow().balance().value();
        if (balance > 0) {
            wallet.apply(
                    new BalanceChange(supplier, new TradeNo(Unique.id("drain")), ChangeType.DEDUCT, Cents.of(balance)));
        }
        String requestNo = Unique.id("poor");
        assertThat(http.withoutToken()
                        .get(
                                "/order/request",
                                Acquiring.exampleOrder("poorch", requestNo, "42", "rechage_account", "100010000000000"))
                        .status())
                .isEqualTo(200);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> orders.findByRequest("poorch", requestNo)
                        .map(o -> orders.units(o.orderId()))
                        .filter(units -> !units.isEmpty())
                        .map(units -> units.stream().allMatch(u -> u.status() == UnitStatus.DELIVERED))
                        .orElse(false));
        Order held = orders.findByRequest("poorch", requestNo).orElseThrow();
        assertThat(held.status()).isEqualTo(OrderStatus.PAID);
        // Handed to oms:order:up_pay, which retries for weeks, rather than dead-lettered with the order's job.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.sql("select count(*) from scheduled_tasks where task_name = 'oms:order:up_pay'"
                                        + " and task_instance = :id")
                                .param("id", "o" + held.orderId())
                                .query(Long.class)
                                .single()
                        == 1);
        assertThat(wallet.find(supplier).orElseThrow().balance().value()).isZero();

        wallet.apply(new BalanceChange(supplier, new TradeNo(Unique.id("topup")), ChangeType.ADD, Cents.of(1_000_000)));
        Order finished = acquiring.awaitFinal("poorch", requestNo);

        assertThat(finished.status()).isEqualTo(OrderStatus.SUCCEEDED);
        long cost = orders.units(finished.orderId()).stream()
                .mapToLong(u -> u.money().cost())
                .sum();
        assertThat(cost).isPositive();
        assertThat(wallet.find(supplier).orElseThrow().balance().value()).isEqualTo(1_000_000 - cost);
    }

    /**
     * The channel's account locked while its order's units were out, and they failed: the order's job
     * cannot give the money back, and hands the refunds to oms:overtime:refund, which retries for
     * weeks — not the order's job's twenty attempts, after which the order would stay paid for ever.
     */
    @Test
    void a_failed_units_refund_that_a_locked_channel_account_refuses_is_retried_until_it_is_unlocked()
            throws Exception {
        Semaphore arrived = new Semaphore(0);
        Semaphore release = new Semaphore(0);
        SupplierStub supplier = new SupplierStub();
        supplier.on("/mock/supplier/submit", exchange -> {
            try (exchange) {
                arrived.release();
                if (release.tryAcquire(20, TimeUnit.SECONDS)) {
                    Fixtures.supplierAnswer(exchange, "R5124"); // failed
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (supplier) {
            Order order = orderWithItsFirstCallHeld(55, "lockedch", 0, supplier, arrived);
            AccountKey channel = AcquiringAccounts.channel(order.channelNo());
            long afterPay = wallet.find(channel).orElseThrow().balance().value();
            wallet.setStatus(channel, AccountStatus.LOCKED);
            release.release(10);

            awaitUnits(order.channelNo(), order.requestNo(), UnitStatus.FAILED);
            List<Unit> units = orders.units(order.orderId());
            long paid = units.stream().mapToLong(u -> u.money().sale()).sum();
            assertThat(paid).isPositive();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> jdbc.sql("select count(*) from scheduled_tasks where task_name = 'oms:overtime:refund'"
                                            + " and task_instance in (:ids)")
                                    .param(
                                            "ids",
                                            units.stream()
                                                    .map(u -> "u" + u.unitId())
                                                    .toList())
                                    .query(Long.class)
                                    .single()
                            == units.size());
            assertThat(orders.find(order.orderId()).orElseThrow().status()).isEqualTo(OrderStatus.PAID);
            assertThat(wallet.find(channel).orElseThrow().balance().value()).isEqualTo(afterPay);

            wallet.setStatus(channel, AccountStatus.ACTIVE);
            Order done = acquiring.awaitFinal(order.channelNo(), order.requestNo());
            assertThat(done.status()).isEqualTo(OrderStatus.FAILED);
            assertThat(orders.units(done.orderId())).extracting(Unit::status).containsOnly(UnitStatus.FAILED_REFUNDED);
            assertThat(wallet.find(channel).orElseThrow().balance().value()).isEqualTo(afterPay + paid);
            assertMoneyOf(done, orders.units(done.orderId()));
        }
    }

    /**
     * A unit refund the order's job handed over (its wait for the wallet ran out) may yet be committed
     * by the batch it waited for, which hands nothing on: the refund job, finding the unit refunded,
     * hands the order to up_pay when no unit is left open — else the order would stay paid for ever.
     */
    /**
     * An order of the demo channel sent to {@code account}, once it ended as {@code expected}, set back
     * to paid — as an order whose job died before it settled it.
     */
    private Order finishedThenPaidAgain(String requestNo, String account, OrderStatus expected) {
        acquiring.order(requestNo, account);
        Order finished = acquiring.awaitFinal(requestNo);
        assertThat(finished.status()).isEqualTo(expected);
        jdbc.sql("update oms_order set status = :paid, finished_at = null where order_id = :id")
                .param("paid", OrderStatus.PAID.code())
                .param("id", finished.orderId())
                .update();
        return finished;
    }

    @Test
    void a_unit_refund_job_that_finds_its_unit_refunded_settles_the_order_left_open() {
        String requestNo = Unique.id("leftopen");
        // As after that batch: every unit refunded, the order still paid.
        Order failed = finishedThenPaidAgain(requestNo, "100010000000001", OrderStatus.FAILED); // '1': every unit fails

        steps.refundUnit(orders.units(failed.orderId()).getFirst().unitId());

        Order settled = acquiring.awaitFinal(requestNo);
        assertThat(settled.status()).isEqualTo(OrderStatus.FAILED);
        assertMoneyOf(settled, orders.units(settled.orderId()));
    }

    /**
     * An order whose own job died after its units were all final, before it settled them (its
     * attempts spent while the database was away): the overtime watch hands it to up_pay, where it
     * ended the watch and left the order paid for ever.
     */
    @Test
    void a_paid_order_whose_units_are_all_final_is_settled_by_its_overtime_watch() {
        String requestNo = Unique.id("orphan");
        // '6': the first unit delivered, the other failed
        Order done = finishedThenPaidAgain(requestNo, "100010000000006", OrderStatus.PARTLY_SUCCEEDED);

        steps.overtime(done.orderId());

        Order settled = acquiring.awaitFinal(requestNo);
        assertThat(settled.status()).isEqualTo(OrderStatus.PARTLY_SUCCEEDED);
        assertMoneyOf(settled, orders.units(settled.orderId()));
    }

    /**
     * The order's job carries the order as accepted; run again after the order moved on (the node died
     * after the order was paid and delivered), it reads the order and charges and submits nothing twice.
     */
    @Test
    void an_orders_job_run_again_after_the_order_moved_on_carries_it_on_from_its_state_not_from_the_job() {
        long product = jdbc.sql("""
                        select p.product_id from oms_down_product p join oms_down_shelf s on s.shelf_id = p.shelf_id
                         where s.channel_no = 'test' and p.face = 20000""").query(Long.class).single();
        Order accepted = orders.createAll(List.of(Acquiring.exampleNewOrder("test", Unique.id("again"), product)))
                .getFirst();
        AccountKey channel = AcquiringAccounts.channel("test");

        steps.advance(OrderRef.accepted(accepted));
        Order succeeded = orders.find(accepted.orderId()).orElseThrow();
        long balance = wallet.find(channel).orElseThrow().balance().value();
        steps.advance(OrderRef.accepted(accepted));

        assertThat(succeeded.status()).isEqualTo(OrderStatus.SUCCEEDED);
        assertThat(orders.find(accepted.orderId()).orElseThrow()).isEqualTo(succeeded);
        assertThat(wallet.find(channel).orElseThrow().balance().value()).isEqualTo(balance);
        assertThat(orders.units(accepted.orderId()))
                .hasSize(2)
                .allSatisfy(u -> assertThat(mockSupplier.submissions(Long.toString(u.unitId())))
                        .isEqualTo(1));
    }

    /**
     * The catalog changed while the order waited for its first step: the order is delivered at the face
     * it was accepted (and priced) at, or failed if the product's pieces no longer make up that face.
     */
    @Test
    void an_order_is_delivered_at_its_accepted_face_whatever_the_product_says_now() {
        long product = jdbc.sql("""
                        select p.product_id from oms_down_product p join oms_down_shelf s on s.shelf_id = p.shelf_id
                         where s.channel_no = 'test' and p.face = 20000""").query(Long.class).single();
        // Accepted at a face of 300 (three pieces of 100), the product now showing 200.
        Order threeHundred = orders.createAll(
                        List.of(Acquiring.exampleNewOrder("test", Unique.id("face"), product, 30_000)))
                .getFirst();
        Order twoFifty = orders.createAll(
                        List.of(Acquiring.exampleNewOrder("test", Unique.id("face"), product, 25_000)))
                .getFirst();

        steps.advance(OrderRef.accepted(threeHundred));
        steps.advance(OrderRef.accepted(twoFifty));

        assertThat(orders.find(threeHundred.orderId()).orElseThrow().status()).isEqualTo(OrderStatus.SUCCEEDED);
        assertThat(orders.units(threeHundred.orderId()))
                .as("the accepted face delivered, not the product's")
                .extracting(Unit::face)
                .containsExactly(10_000L, 10_000L, 10_000L);
        assertThat(orders.find(twoFifty.orderId()).orElseThrow().status()).isEqualTo(OrderStatus.FAILED);
        assertThat(orders.units(twoFifty.orderId())).isEmpty();
        assertThat(orders.events(twoFifty.orderId()))
                .anyMatch(
                        e -> e.type().equals("order.failed") && e.reason().contains("do not make up the order's face"));
    }

    /** Accepted while it could pay, then the channel could not: nothing is charged and nothing is submitted. */
    @Test
    void an_order_its_channel_can_no_longer_pay_fails_with_its_units_cancelled_and_nothing_submitted() {
        Fixtures.channel(http, "brokech", 100, 0);
        long product = jdbc.sql("""
                        select p.product_id from oms_down_product p join oms_down_shelf s on s.shelf_id = p.shelf_id
                         where s.channel_no = 'brokech' and p.face = 20000""").query(Long.class).single();
        String requestNo = Unique.id("broke");
        Order accepted = orders.createAll(List.of(Acquiring.exampleNewOrder("brokech", requestNo, product)))
                .getFirst();

        steps.advance(accepted.orderId());

        Order failed = orders.find(accepted.orderId()).orElseThrow();
        assertThat(failed.status()).isEqualTo(OrderStatus.FAILED);
        List<Unit> units = orders.units(failed.orderId());
        assertThat(units).hasSize(2).allSatisfy(u -> {
            assertThat(u.status()).isEqualTo(UnitStatus.CANCELLED);
            assertThat(mockSupplier.submissions(Long.toString(u.unitId()))).isZero();
        });
        assertThat(orders.events(failed.orderId()))
                .filteredOn(e -> e.type().equals("order.failed"))
                .singleElement()
                .satisfies(e -> assertThat(e.reason()).contains("the channel could not pay"));
        assertThat(wallet.find(AcquiringAccounts.channel("brokech"))
                        .orElseThrow()
                        .balance()
                        .value())
                .isEqualTo(100);
    }

    @Test
    void a_supplier_callback_settles_an_unknown_delivery_once_and_is_verified() {
        Fixtures.supplierLine(http, 31, "cbsup", "http://127.0.0.1:" + port, true, false, 600, 5);
        Fixtures.channel(http, "cbch", 100_000_000, 0, 10_000, 31);
        String requestNo = Unique.id("callback");
        Response accepted = http.withoutToken()
                .get("/order/request", Acquiring.exampleOrder("cbch", requestNo, "31", "rechage_account", "15559"));
        assertThat(accepted.status()).isEqualTo(200);
        Order order = awaitUnits("cbch", requestNo, UnitStatus.UNKNOWN);
        List<Unit> units = orders.units(order.orderId());

        assertThat(callback("cbsup", units.get(0).unitId(), "R0000", "wrong-secret-of-the-right-length")
                        .status())
                .isEqualTo(401);
        assertThat(callback("cbsup", 999_999_999L, "R0000", Fixtures.MOCK_SECRET)
                        .status())
                .isEqualTo(404);
        // Signed right, but sent again after the window (seen on the way and replayed): refused.
        long stale = System.currentTimeMillis() / 1000 - 301;
        Response replayed = callback("cbsup", units.get(0).unitId(), "R5124", Fixtures.MOCK_SECRET, stale);
        assertThat(replayed.status()).isEqualTo(401);
        assertThat(replayed.json().get("code").asInt()).isEqualTo(914);
        assertThat(http.withoutToken()
                        .postForm(
                                "/supplier/notify/cbsup",
                                "order_no",
                                Long.toString(units.get(0).unitId()),
                                "code",
                                "R5124",
                                "code",
                                "R0000")
                        .status())
                .isEqualTo(400);
        // Signed right, with a parameter the protocol does not have (one carved out of msg keeps the
        // signed text): refused.
        Response carved = callback(
                "cbsup",
                units.get(0).unitId(),
                "R5124",
                Fixtures.MOCK_SECRET,
                System.currentTimeMillis() / 1000,
                Map.of("n", "1"));
        assertThat(carved.status()).isEqualTo(400);
        assertThat(carved.json().get("msg").asString()).contains("parameter n ");
        assertThat(orders.units(order.orderId()))
                .allSatisfy(u -> assertThat(u.status()).isEqualTo(UnitStatus.UNKNOWN));
        for (Unit unit : units) {
            assertThat(callback("cbsup", unit.unitId(), "R0000", Fixtures.MOCK_SECRET)
                            .status())
                    .isEqualTo(200);
            assertThat(callback("cbsup", unit.unitId(), "R5124", Fixtures.MOCK_SECRET)
                            .status())
                    .isEqualTo(200);
        }
        Order done = acquiring.awaitFinal("cbch", requestNo);
        assertThat(done.status()).isEqualTo(OrderStatus.SUCCEEDED);
        assertThat(orders.units(done.orderId()))
                .allSatisfy(u -> assertThat(u.resultCode()).isEqualTo("R0000"));
    }

    @Test
    void an_operator_cannot_decide_a_delivery_that_is_still_unknown() {
        // No queries and a long delivery overtime: the units stay unknown until the supplier calls back.
        Fixtures.supplierLine(http, 36, "opsup", "http://127.0.0.1:" + port, true, false, 600, 5);
        Fixtures.channel(http, "opch", 100_000_000, 0, 10_000, 36);
        String requestNo = Unique.id("op");
        http.withoutToken()
                .get("/order/request", Acquiring.exampleOrder("opch", requestNo, "36", "rechage_account", "15559"));
        Order order = awaitUnits("opch", requestNo, UnitStatus.UNKNOWN);
        Unit unit = orders.units(order.orderId()).getFirst();

        Response refused =
                http.post("/admin/acquiring/units/" + unit.unitId() + "/resolve?result=failure", "text/plain", "");
        assertThat(refused.status())
                .as("its query or a callback may be answering: not the operator's to decide")
                .isEqualTo(422);
        assertThat(refused.json().get("code").asInt()).isEqualTo(901);
        assertThat(orders.unit(unit.unitId()).orElseThrow().status()).isEqualTo(UnitStatus.UNKNOWN);

        for (Unit u : orders.units(order.orderId())) {
            assertThat(callback("opsup", u.unitId(), "R0000", Fixtures.MOCK_SECRET)
                            .status())
                    .isEqualTo(200);
        }
        Order done = acquiring.awaitFinal("opch", requestNo);
        assertThat(done.status()).as("the supplier's answer decides").isEqualTo(OrderStatus.SUCCEEDED);
        assertMoneyOf(done, orders.units(done.orderId()));
    }

    /**
     * An unknown unit's query chain dies (its job's attempts spent while the database was away): the
     * order's overtime watch carries it on once its queries should have settled it — to manual
     * review, where an operator sees it — instead of leaving the order paid for ever.
     */
    @Test
    void an_unknown_unit_whose_query_chain_died_reaches_manual_review_through_the_overtime_watch() throws Exception {
        SupplierStub supplier = new SupplierStub();
        supplier.on("/mock/supplier/submit", exchange -> Fixtures.supplierAnswer(exchange, "R9999"));
        supplier.on("/mock/supplier/query", exchange -> Fixtures.supplierAnswer(exchange, "R9999"));
        try (supplier) {
            String requestNo = orderOnStubLine(57, "deadqo", "dqoch", supplier, true);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> orders.findByRequest("dqoch", requestNo)
                            .map(o -> !orders.units(o.orderId()).isEmpty()
                                    && orders.units(o.orderId()).stream()
                                            .allMatch(u -> u.status() == UnitStatus.UNKNOWN))
                            .orElse(false));
            Order order = orders.findByRequest("dqoch", requestNo).orElseThrow();

            // The query chain dies: no query of its units is left.
            List<String> prefixes = orders.units(order.orderId()).stream()
                    .map(u -> "u" + u.unitId() + "#q%")
                    .toList();
            await().atMost(Duration.ofSeconds(30)).during(Duration.ofSeconds(3)).until(() -> {
                long left = 0;
                for (String prefix : prefixes) {
                    jdbc.sql("delete from scheduled_tasks where task_name = 'oms:overtime:delivery_unknown'"
                                    + " and task_instance like :prefix and picked = false")
                            .param("prefix", prefix)
                            .update();
                    left += jdbc.sql(
                                    "select count(*) from scheduled_tasks"
                                            + " where task_name = 'oms:overtime:delivery_unknown' and task_instance like :prefix")
                            .param("prefix", prefix)
                            .query(Long.class)
                            .single();
                }
                return left == 0;
            });
            // Submitted long ago, its delivery overtime past; the order's overtime too.
            jdbc.sql("update oms_order_unit set submitted_at = :past where order_id = :id")
                    .param("past", SqlTime.utc(Instant.now().minus(Duration.ofMinutes(30))))
                    .param("id", order.orderId())
                    .update();
            jdbc.sql("update oms_order set overtime_at = :past, deadline_at = :now where order_id = :id")
                    .param("past", SqlTime.utc(Instant.now().minus(Duration.ofMinutes(20))))
                    .param("now", SqlTime.utc(Instant.now()))
                    .param("id", order.orderId())
                    .update();

            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(orders.units(order.orderId()))
                            .allSatisfy(u -> assertThat(u.status()).isEqualTo(UnitStatus.MANUAL_REVIEW)));
        }
    }

    /**
     * PostgreSQL refuses NUL in text: a supplier's answer carrying one (JSON's \u0000) must still
     * settle its unit, not fail every transaction that stores the message until the job dies.
     */
    @Test
    void a_supplier_answer_with_a_nul_character_settles_its_unit_on_every_database() throws Exception {
        SupplierStub supplier = new SupplierStub();
        supplier.on("/mock/supplier/submit", exchange -> {
            try (exchange) {
                byte[] body = "{\"code\":\"R5124\",\"msg\":\"refused\\u0000here\",\"supplier_order_no\":\"s\\u0000\"}"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        try (supplier) {
            String requestNo = orderOnStubLine(39, "nulsup", "nulch", supplier, false);
            Order done = acquiring.awaitFinal("nulch", requestNo);
            assertThat(done.status()).as("the supplier's failure decides").isEqualTo(OrderStatus.FAILED);
            assertThat(orders.units(done.orderId()))
                    .isNotEmpty()
                    .allSatisfy(unit -> assertThat(unit.resultMsg()).isEqualTo("refused\uFFFDhere"));
            assertMoneyOf(done, orders.units(done.orderId()));
        }
    }

    /**
     * The order's job run again (after a failure, say) while another worker is still sending a unit:
     * it finds the unit SUBMITTING and makes it unknown, but queries it only once that submission can
     * no longer be on its way — a query first would hear "no such delivery" (R4040, a failure) and
     * refund a unit the supplier is about to deliver.
     */
    @Test
    void a_unit_found_submitting_while_its_submission_is_on_its_way_is_queried_only_after_it_could_have_arrived()
            throws Exception {
        Semaphore arrived = new Semaphore(0);
        Semaphore release = new Semaphore(0);
        AtomicBoolean released = new AtomicBoolean();
        AtomicInteger earlyQueries = new AtomicInteger();
        SupplierStub supplier = new SupplierStub();
        supplier.on("/mock/supplier/submit", heldUntilReleased(arrived, release));
        supplier.on("/mock/supplier/query", exchange -> {
            if (!released.get()) {
                earlyQueries.incrementAndGet();
            }
            Fixtures.supplierAnswer(exchange, released.get() ? "R0000" : "R4040");
        });
        try (supplier) {
            Fixtures.supplierLine(http, 81, "onitsway", supplier.url(), true, true, 600, 60);
            Fixtures.channel(http, "onitswaych", 100_000_000, 0, 10_000, 81);
            String requestNo = Unique.id("way");
            http.withoutToken()
                    .get(
                            "/order/request",
                            Acquiring.exampleOrder("onitswaych", requestNo, "81", "rechage_account", "12"));
            assertThat(arrived.tryAcquire(30, TimeUnit.SECONDS))
                    .as("the first submission reached the supplier")
                    .isTrue();
            Order order = orders.findByRequest("onitswaych", requestNo).orElseThrow();

            steps.advance(order.orderId()); // the order's job again, while its first run sends

            assertThat(orders.units(order.orderId())).allMatch(unit -> unit.status() == UnitStatus.UNKNOWN);
            // Past the first query time (1 s) the query would have been sent; the submission still waits.
            Thread.sleep(3_000);
            released.set(true);
            release.release(2);
            Order done = acquiring.awaitFinal("onitswaych", requestNo);
            assertThat(earlyQueries)
                    .as("no query while the submission was on its way")
                    .hasValue(0);
            assertThat(done.status()).isEqualTo(OrderStatus.SUCCEEDED);
            assertMoneyOf(done, orders.units(done.orderId()));
        }
    }

    /**
     * Units are sent one after another to a supplier whose protocol carries one delivery a call: a
     * unit whose turn comes after the order's overtime (the supplier slow to answer the one before) is
     * not sent but stopped and refunded, as the overtime stops every unit not yet submitted.
     */
    @Test
    void a_unit_whose_turn_comes_after_the_orders_overtime_is_stopped_not_sent() throws Exception {
        Semaphore arrived = new Semaphore(0);
        Semaphore release = new Semaphore(0);
        AtomicInteger submissions = new AtomicInteger();
        SupplierStub supplier = new SupplierStub();
        HttpHandler held = heldUntilReleased(arrived, release);
        supplier.on("/mock/supplier/submit", exchange -> {
            submissions.incrementAndGet();
            held.handle(exchange);
        });
        try (supplier) {
            // Long enough a timeout for the first call to outlast the order's overtime (3 s).
            Order order = orderWithItsFirstCallHeld(40, "slowturn", 3, supplier, arrived);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Instant.now().isAfter(order.overtimeAt().plusMillis(200)));
            release.release(); // the first unit delivered, after the order's overtime

            Order done = acquiring.awaitFinal(order.channelNo(), order.requestNo());
            assertThat(submissions).as("the second unit never sent").hasValue(1);
            assertThat(done.status()).isEqualTo(OrderStatus.PARTLY_SUCCEEDED);
            assertThat(orders.units(done.orderId()))
                    .extracting(Unit::status)
                    .containsExactlyInAnyOrder(UnitStatus.DELIVERED, UnitStatus.STOPPED_REFUNDED);
            assertMoneyOf(done, orders.units(done.orderId()));
        }
    }

    /**
     * Units sent one after another to a supplier whose protocol carries one delivery a call: a unit
     * whose turn comes later than the start window after its claim (5 s; the supplier slow to answer
     * the one before) is not sent in that claim — a worker taking the order's job for dead would
     * query it too early — but claimed again by its delivery job, right before a call of its own.
     */
    @Test
    void a_unit_whose_turn_comes_long_after_its_claim_is_claimed_again_and_sent_once_on_its_own() throws Exception {
        Semaphore arrived = new Semaphore(0);
        Semaphore release = new Semaphore(0);
        AtomicInteger submissions = new AtomicInteger();
        SupplierStub supplier = new SupplierStub();
        HttpHandler held = heldUntilReleased(arrived, release);
        supplier.on("/mock/supplier/submit", exchange -> {
            if (submissions.incrementAndGet() == 1) {
                held.handle(exchange); // the first unit's call outlasts the start window
            } else {
                Fixtures.supplierAnswer(exchange, "R0000");
            }
        });
        try (supplier) {
            Order order = orderWithItsFirstCallHeld(82, "lateturn", 0, supplier, arrived);
            Instant claimed = orders.units(order.orderId()).getFirst().submittedAt();
            await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(claimed.plusMillis(5_500)));
            Instant released = Instant.now();
            release.release(); // the first unit delivered, its order's next turn past the window

            Order done = acquiring.awaitFinal(order.channelNo(), order.requestNo());
            assertThat(done.status()).isEqualTo(OrderStatus.SUCCEEDED);
            assertThat(submissions).as("each unit sent once").hasValue(2);
            assertThat(orders.units(done.orderId()))
                    .extracting(Unit::submittedAt)
                    .as("the second claimed again after the first was answered")
                    .anyMatch(at -> at.isAfter(released));
            assertMoneyOf(done, orders.units(done.orderId()));
        }
    }

    @Test
    void a_submissions_answer_settles_its_unit_even_after_another_worker_took_the_submission_for_dead()
            throws Exception {
        // A supplier that holds each submission until the test lets it answer "delivered".
        Semaphore arrived = new Semaphore(0);
        Semaphore release = new Semaphore(0);
        SupplierStub supplier = new SupplierStub();
        supplier.on("/mock/supplier/submit", heldUntilReleased(arrived, release));
        try (supplier) {
            // No queries: an unknown unit is settled by an answer or not at all.
            Fixtures.supplierLine(http, 37, "latesup", supplier.url(), true, false, 600, 5);
            Fixtures.channel(http, "lateans", 100_000_000, 0, 10_000, 37);
            String requestNo = Unique.id("late");
            http.withoutToken()
                    .get("/order/request", Acquiring.exampleOrder("lateans", requestNo, "37", "rechage_account", "12"));
            for (int i = 0; i < 2; i++) {
                assertThat(arrived.tryAcquire(30, TimeUnit.SECONDS))
                        .as("submission reached the supplier")
                        .isTrue();
                // Meanwhile a second worker finds the unit SUBMITTING and takes the call for dead.
                Order order = orders.findByRequest("lateans", requestNo).orElseThrow();
                for (Unit unit : orders.units(order.orderId())) {
                    if (unit.status() == UnitStatus.SUBMITTING) {
                        orders.transition(
                                unit,
                                UnitStatus.SUBMITTING,
                                UnitStatus.UNKNOWN,
                                Orders.UnitResult.NONE,
                                "test: found SUBMITTING by another worker");
                    }
                }
                release.release();
            }
            Order done = acquiring.awaitFinal("lateans", requestNo);
            assertThat(done.status())
                    .as("the supplier answered delivered: the answer counts, not the other worker's guess")
                    .isEqualTo(OrderStatus.SUCCEEDED);
            assertMoneyOf(done, orders.units(done.orderId()));
        }
    }

    @Test
    void an_unknown_unit_whose_first_query_is_due_after_its_delivery_overtime_is_still_queried_once() throws Exception {
        // Seed 000's own example values: first_query_time 600, delivery_overtime 300. A unit the
        // supplier left unknown must be asked about before it waits for an operator — and the
        // supplier delivered it.
        AtomicInteger queries = new AtomicInteger();
        try (SupplierStub supplier = unknownUntilQueried(78, "latefirstq", 3, "lfqch", queries)) {
            String requestNo = Unique.id("lfqch");
            http.withoutToken()
                    .get("/order/request", Acquiring.exampleOrder("lfqch", requestNo, "78", "rechage_account", "12"));

            Order done = acquiring.awaitFinal("lfqch", requestNo);
            assertThat(done.status())
                    .as("asked after its delivery overtime, the supplier answered delivered")
                    .isEqualTo(OrderStatus.SUCCEEDED);
            assertThat(queries.get()).isEqualTo(orders.units(done.orderId()).size());
            assertMoneyOf(done, orders.units(done.orderId()));
        }
    }

    @Test
    void the_overtime_watch_carries_an_unknown_unit_on_only_once_its_first_query_was_due() throws Exception {
        // first_query_time 600, delivery_overtime 1: past its order's overtime the unit's own first
        // query is still minutes away — the watch must not ask the supplier before it (a request may
        // still be on its way, or the supplier still processing), and carries it on once it is due.
        AtomicInteger queries = new AtomicInteger();
        try (SupplierStub supplier = unknownUntilQueried(79, "watchfq", 600, "watchfqch", queries)) {
            String requestNo = Unique.id("watchfqch");
            http.withoutToken()
                    .get(
                            "/order/request",
                            Acquiring.exampleOrder("watchfqch", requestNo, "79", "rechage_account", "12"));
            Order order = awaitUnits("watchfqch", requestNo, UnitStatus.UNKNOWN);

            // Submitted 5 minutes ago: its delivery overtime long past, its first query not yet due.
            watchNow(order, Duration.ofMinutes(5));
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(queries.get())
                            .as("the supplier was not asked before the unit's first query")
                            .isZero());
            assertThat(orders.units(order.orderId()))
                    .allSatisfy(u -> assertThat(u.status()).isEqualTo(UnitStatus.UNKNOWN));

            // Submitted 30 minutes ago: its first query was due long since (its chain died, say).
            watchNow(order, Duration.ofMinutes(30));
            assertThat(acquiring.awaitFinal("watchfqch", requestNo).status()).isEqualTo(OrderStatus.SUCCEEDED);
            assertThat(queries.get()).isPositive();
        }
    }

    /**
     * A supplier on a line of its own that leaves every submission unknown (R9999) and answers every
     * query "delivered", counting them in {@code queries}; its first query {@code firstQueryTime}
     * seconds after a submission, its delivery overtime 1 s; a channel {@code channelNo} buying on it.
     */
    private SupplierStub unknownUntilQueried(
            long lineId, String supplierNo, int firstQueryTime, String channelNo, AtomicInteger queries) {
        SupplierStub supplier = new SupplierStub();
        supplier.on("/mock/supplier/submit", exchange -> Fixtures.supplierAnswer(exchange, "R9999"));
        supplier.on("/mock/supplier/query", exchange -> {
            queries.incrementAndGet();
            Fixtures.supplierAnswer(exchange, "R0000");
        });
        Fixtures.supplierLine(http, lineId, supplierNo, supplier.url(), true, true, 1, 60);
        assertThat(http.put("/admin/catalog/up-channels/" + supplierNo, """
                        {"channel_no":"%2$s","channel_name":"%2$s","status":0,"service_class":10,
                         "protocol":"reference-http","request_url":"%1$s/mock/supplier/submit",
                         "query_url":"%1$s/mock/supplier/query","return_url":"%1$s/mock/supplier/return",
                         "can_query":0,"first_query_time":%3$d,"query_replenish_time":1,
                         "request_replenish_time":60,"timeout_ms":2000}""".formatted(
                                        supplier.url(), supplierNo, firstQueryTime))
                        .status())
                .isEqualTo(200);
        Fixtures.channel(http, channelNo, 100_000_000, 0, 10_000, lineId);
        return supplier;
    }

    /**
     * Back-dates the order's units' submission by {@code ago}, its overtime past, and waits until its
     * overtime watch has run (moved the watch on) and its job is done.
     */
    private void watchNow(Order order, Duration ago) {
        Instant now = Instant.now();
        jdbc.sql("update oms_order_unit set submitted_at = :past where order_id = :id")
                .param("past", SqlTime.utc(now.minus(ago)))
                .param("id", order.orderId())
                .update();
        jdbc.sql("update oms_order set overtime_at = :past, deadline_at = :now where order_id = :id")
                .param("past", SqlTime.utc(now.minus(Duration.ofMinutes(20))))
                .param("now", SqlTime.utc(now))
                .param("id", order.orderId())
                .update();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.sql("select deadline_at from oms_order where order_id = :id")
                                .param("id", order.orderId())
                                .query((rs, n) -> SqlTime.instant(rs, "deadline_at"))
                                .optional()
                                .map(at -> at.isAfter(now.plusSeconds(30)))
                                .orElse(true)
                        && jdbc.sql(
                                                "select count(*) from scheduled_tasks where task_name = :queue and task_instance = :id")
                                        .param("queue", AcquiringQueues.ORDER_OVERTIME.name())
                                        .param("id", "o" + order.orderId())
                                        .query(Long.class)
                                        .single()
                                == 0);
    }

    @Test
    void a_channel_saved_in_the_catalog_has_its_fee_accounts_opened_and_its_delivered_orders_finish() {
        // The operator opens and funds only the account that pays for the channel's orders (seed 000
        // §3 lists no down_payment_fee): a delivered order must still finish, its fees booked.
        String channel = Unique.id("feeacc");
        Fixtures.channelEntries(http, channel, 0, 10_000, 1);
        http.get("/account/create", "ident", "oms", "groups", "down_channel", "eid", channel, "name", channel);
        Fixtures.fund(http, channel, 100_000_000);
        String requestNo = Unique.id("feeacc");
        http.withoutToken()
                .get("/order/request", Acquiring.exampleOrder(channel, requestNo, "1", "rechage_account", "12"));

        Order done = acquiring.awaitFinal(channel, requestNo);
        assertThat(done.status()).isEqualTo(OrderStatus.SUCCEEDED);
        for (String group : List.of("down_commission", "down_service", "down_payment_fee")) {
            Response account = http.get("/account/balance/query", "ident", "oms", "groups", group, "eid", channel);
            assertThat(account.status()).as(group).isEqualTo(200);
            assertThat(account.json().get("account_name").asString()).isEqualTo(channel);
            assertThat(account.json().get("balance").asLong()).as(group).isPositive();
        }
        assertMoneyOf(done, orders.units(done.orderId()));
    }

    @Test
    void a_supplier_saved_in_the_catalog_has_its_fee_accounts_opened_but_not_its_deposit() {
        String supplierNo = Unique.id("feeup");
        assertThat(http.post("/admin/catalog/up-channels", "application/json", """
                                {"channel_no":"%s","channel_name":"fee supplier","status":0,"service_class":10,
                                 "protocol":"reference-http","request_url":"http://127.0.0.1:1/submit",
                                 "query_url":"http://127.0.0.1:1/query","return_url":"http://127.0.0.1:1/return",
                                 "can_query":0,"first_query_time":1,"query_replenish_time":1,
                                 "request_replenish_time":1,"timeout_ms":2000,"secret":"%s"}""".formatted(
                                        supplierNo, Fixtures.MOCK_SECRET))
                        .status())
                .isEqualTo(200);
        for (String group : List.of("up_commission", "up_service")) {
            Response account = http.get("/account/balance/query", "ident", "oms", "groups", group, "eid", supplierNo);
            assertThat(account.status()).as(group).isEqualTo(200);
            assertThat(account.json().get("account_name").asString()).isEqualTo("fee supplier");
            assertThat(account.json().get("balance").asLong()).isZero();
        }
        assertThat(http.get("/account/balance/query", "ident", "oms", "groups", "up_channel", "eid", supplierNo)
                        .status())
                .as("Ordo's deposit with the supplier is the operator's to open and fund")
                .isEqualTo(404);
    }

    @Test
    void a_querys_answer_settles_its_unit_even_after_the_unit_went_to_manual_review_meanwhile() throws Exception {
        // A supplier that leaves every submission unknown and answers each query "delivered", but
        // only after the unit it asks about went to manual review while the query was under way (a
        // query taken over from a node taken for dead found it past its delivery overtime).
        List<Long> moved = new CopyOnWriteArrayList<>();
        SupplierStub supplier = new SupplierStub();
        supplier.on("/mock/supplier/submit", exchange -> Fixtures.supplierAnswer(exchange, "R9999"));
        supplier.on("/mock/supplier/query", exchange -> {
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            long unitId = Long.parseLong(Stream.of(form.split("&"))
                    .filter(p -> p.startsWith("order_no="))
                    .findFirst()
                    .orElseThrow()
                    .substring("order_no=".length()));
            Unit unit = orders.unit(unitId).orElseThrow();
            if (orders.transition(
                            unit,
                            UnitStatus.UNKNOWN,
                            UnitStatus.MANUAL_REVIEW,
                            Orders.UnitResult.NONE,
                            "test: past the delivery overtime")
                    .applied()) {
                moved.add(unitId);
            }
            Fixtures.supplierAnswer(exchange, "R0000");
        });
        try (supplier) {
            Fixtures.supplierLine(http, 38, "lateqsup", supplier.url(), true, true, 600, 5);
            Fixtures.channel(http, "lateq", 100_000_000, 0, 10_000, 38);
            String requestNo = Unique.id("lateq");
            http.withoutToken()
                    .get("/order/request", Acquiring.exampleOrder("lateq", requestNo, "38", "rechage_account", "12"));
            Order done = acquiring.awaitFinal("lateq", requestNo);
            List<Unit> units = orders.units(done.orderId());
            assertThat(moved)
                    .as("every unit was in manual review when its query's answer came")
                    .containsExactlyInAnyOrderElementsOf(
                            units.stream().map(Unit::unitId).toList());
            assertThat(done.status())
                    .as("the supplier answered delivered: the answer counts, not the wait for an operator")
                    .isEqualTo(OrderStatus.SUCCEEDED);
            assertMoneyOf(done, units);
        }
    }

    /**
     * A line of its own whose supplier is {@code supplier} (answering queries or not), a channel
     * buying on it, and an order of one on it (recharge account ending in 2); its request_no.
     */
    private String orderOnStubLine(
            long lineId, String supplierNo, String channelNo, SupplierStub supplier, boolean queries) {
        Fixtures.supplierLine(http, lineId, supplierNo, supplier.url(), true, queries, 600, 60);
        Fixtures.channel(http, channelNo, 100_000_000, 0, 10_000, lineId);
        String requestNo = Unique.id(channelNo);
        http.withoutToken()
                .get(
                        "/order/request",
                        Acquiring.exampleOrder(channelNo, requestNo, Long.toString(lineId), "rechage_account", "12"));
        return requestNo;
    }

    /**
     * A line of its own with a supplier on {@code supplier}, one delivery a call ({@code
     * reference-http}), that waits 30 s for an answer: a call the test holds outlasts windows and
     * overtimes.
     */
    private void patientSupplierLine(long lineId, String supplierNo, SupplierStub supplier) {
        Fixtures.supplierLine(http, lineId, supplierNo, supplier.url(), true, true, 600, 1);
        assertThat(http.put("/admin/catalog/up-channels/" + supplierNo, """
                        {"channel_no":"%2$s","channel_name":"%2$s","status":0,"service_class":10,
                         "protocol":"reference-http","request_url":"%1$s/mock/supplier/submit",
                         "query_url":"%1$s/mock/supplier/query","return_url":"%1$s/mock/supplier/return",
                         "can_query":0,"first_query_time":1,"query_replenish_time":1,
                         "request_replenish_time":1,"timeout_ms":30000}""".formatted(supplier.url(), supplierNo))
                        .status())
                .isEqualTo(200);
    }

    /**
     * An order of two units on a patient supplier's line (a channel of its own, {@code orderOvertime}
     * seconds, 0 for the demo's), once its first call has reached the supplier ({@code arrived}).
     */
    private Order orderWithItsFirstCallHeld(
            long lineId, String supplierNo, int orderOvertime, SupplierStub supplier, Semaphore arrived)
            throws InterruptedException {
        patientSupplierLine(lineId, supplierNo, supplier);
        String channelNo = supplierNo + "ch";
        Fixtures.channel(http, channelNo, 100_000_000, orderOvertime, 10_000, lineId);
        String requestNo = Unique.id(supplierNo);
        http.withoutToken()
                .get(
                        "/order/request",
                        Acquiring.exampleOrder(channelNo, requestNo, Long.toString(lineId), "rechage_account", "12"));
        assertThat(arrived.tryAcquire(30, TimeUnit.SECONDS))
                .as("the first call reached the supplier")
                .isTrue();
        return orders.findByRequest(channelNo, requestNo).orElseThrow();
    }

    /** The order once it has units and every one of them is in this status. */
    private Order awaitUnits(String channelNo, String requestNo, UnitStatus status) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> orders.findByRequest(channelNo, requestNo)
                        .map(o -> orders.units(o.orderId()))
                        .filter(units -> !units.isEmpty())
                        .map(units -> units.stream().allMatch(u -> u.status() == status))
                        .orElse(false));
        return orders.findByRequest(channelNo, requestNo).orElseThrow();
    }

    private Response callback(String supplierNo, long unitId, String code, String secret) {
        return callback(supplierNo, unitId, code, secret, System.currentTimeMillis() / 1000);
    }

    private Response callback(String supplierNo, long unitId, String code, String secret, long timestamp) {
        return callback(supplierNo, unitId, code, secret, timestamp, Map.of());
    }

    /** As above, with {@code more} parameters, signed with the others. */
    private Response callback(
            String supplierNo, long unitId, String code, String secret, long timestamp, Map<String, String> more) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("order_no", Long.toString(unitId));
        form.put("code", code);
        form.put("msg", "callback");
        form.put("timestamp", Long.toString(timestamp));
        form.putAll(more);
        form.put("sign", Signatures.sign(secret, form));
        return http.withoutToken()
                .postForm(
                        "/supplier/notify/" + supplierNo,
                        form.entrySet().stream()
                                .flatMap(e -> Stream.of(e.getKey(), e.getValue()))
                                .toArray(String[]::new));
    }

    @Test
    void an_unknown_delivery_past_the_delivery_overtime_waits_for_an_operator() {
        Fixtures.supplierLine(http, 32, "mrsup", "http://127.0.0.1:" + port, true, false, 2, 5);
        Fixtures.channel(http, "mrch", 100_000_000, 0, 10_000, 32);
        String requestNo = Unique.id("review");
        http.withoutToken()
                .get("/order/request", Acquiring.exampleOrder("mrch", requestNo, "32", "rechage_account", "19"));
        Order order = awaitUnits("mrch", requestNo, UnitStatus.MANUAL_REVIEW);
        assertThat(order.status()).isEqualTo(OrderStatus.PAID);
        assertThat(queryStatus("mrch", requestNo))
                .as("in progress while in review")
                .isEqualTo(30);
        List<Unit> units = orders.units(order.orderId());
        List<Long> unitIds = units.stream().map(Unit::unitId).toList();

        List<JsonNode> waiting = reviewListed(unitIds);
        assertThat(waiting).as("both units are listed for the operators").hasSize(2);
        assertThat(waiting).allSatisfy(u -> {
            assertThat(u.get("unit").get("status").asText()).isEqualTo("MANUAL_REVIEW");
            assertThat(u.get("channel_no").asText()).isEqualTo("mrch");
            assertThat(u.get("request_no").asText()).isEqualTo(requestNo);
            assertThat(Instant.parse(u.get("since").asText()))
                    .isAfter(units.getFirst().submittedAt());
        });
        Instant since = Instant.parse(waiting.getFirst().get("since").asText());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(meters.get("ordo.acquiring.review.units").gauge().value())
                    .as("counted for an alert")
                    .isGreaterThanOrEqualTo(2);
            assertThat(meters.get("ordo.acquiring.review.oldest").gauge().value())
                    .as("the longest wait, at least these units'")
                    .isGreaterThanOrEqualTo(1)
                    .isGreaterThanOrEqualTo(
                            Duration.between(since, Instant.now()).toSeconds() - 1.0);
        });
        assertThat(http.get("/admin/acquiring/review", "limit", "0").status()).isEqualTo(400);
        assertThat(http.get("/admin/acquiring/review", "after_id", "-1").status())
                .isEqualTo(400);
        assertThat(http.withoutToken().get("/admin/acquiring/review").status()).isEqualTo(401);

        assertThat(http.post(
                                "/admin/acquiring/units/" + units.get(0).unitId() + "/resolve?result=success",
                                "text/plain",
                                "")
                        .status())
                .isEqualTo(200);
        assertThat(http.post(
                                "/admin/acquiring/units/" + units.get(1).unitId() + "/resolve?result=failure",
                                "text/plain",
                                "")
                        .status())
                .isEqualTo(200);
        Order done = acquiring.awaitFinal("mrch", requestNo);
        assertThat(reviewListed(unitIds)).as("decided units wait no more").isEmpty();
        // A row its unit left behind (moved by a node older than V13, or by hand) is no wait.
        jdbc.sql("insert into oms_unit_review (unit_id, order_id, since) values (:unit, :order, :since)")
                .param("unit", unitIds.getFirst())
                .param("order", order.orderId())
                .param("since", SqlTime.utc(Instant.now()))
                .update();
        assertThat(reviewListed(unitIds)).isEmpty();
        jdbc.sql("delete from oms_unit_review where unit_id = :unit")
                .param("unit", unitIds.getFirst())
                .update();
        assertThat(done.status()).isEqualTo(OrderStatus.PARTLY_SUCCEEDED);
        assertThat(queryStatus("mrch", requestNo)).isEqualTo(91);
        assertMoneyOf(done, orders.units(done.orderId()));
    }

    /** The entries of /admin/acquiring/review for these units, read page by page. */
    private List<JsonNode> reviewListed(List<Long> unitIds) {
        List<JsonNode> found = new ArrayList<>();
        long after = 0;
        while (true) {
            Response page = http.get("/admin/acquiring/review", "after_id", Long.toString(after), "limit", "2");
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            if (page.json().isEmpty()) {
                return found;
            }
            for (JsonNode entry : page.json()) {
                after = entry.get("unit").get("unit_id").asLong();
                if (unitIds.contains(after)) {
                    found.add(entry);
                }
            }
        }
    }

    /** The status /order/query answers the channel. */
    private int queryStatus(String channelNo, String requestNo) {
        Response answer = http.withoutToken().get("/order/query", "channel_no", channelNo, "request_no", requestNo);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json().get("status").asInt();
    }

    @Test
    void at_the_order_overtime_undelivered_units_are_stopped_and_refunded() {
        Fixtures.supplierLine(http, 33, "deadsup", null, false, false, 600, 60);
        Fixtures.channel(http, "latech", 100_000_000, 3, 10_000, 33);
        long before = acquiring.balance("down_channel", "latech");
        String requestNo = Unique.id("late");
        assertThat(http.withoutToken()
                        .get(
                                "/order/request",
                                Acquiring.exampleOrder("latech", requestNo, "33", "rechage_account", "12"))
                        .status())
                .isEqualTo(200);
        Order order = acquiring.awaitFinal("latech", requestNo);
        assertThat(order.status()).isEqualTo(OrderStatus.FAILED);
        assertThat(orders.units(order.orderId()))
                .allSatisfy(u -> assertThat(u.status()).isEqualTo(UnitStatus.STOPPED_REFUNDED));
        assertThat(acquiring.balance("down_channel", "latech"))
                .as("the channel got everything back")
                .isEqualTo(before);
        assertThat(orders.events(order.orderId())).anyMatch(e -> e.type().equals("unit.not_sent"));
        assertMoneyOf(order, orders.units(order.orderId()));
    }

    @Test
    void attempts_to_a_receiver_that_stopped_answering_are_paused_without_a_call_and_resume_when_it_answers()
            throws Exception {
        double pausedBefore = meters.counter("ordo.notify.paused.attempts").count();
        try (Receiver receiver = Receiver.down()) {
            String url = receiver.url("/paused");
            // Six refused attempts, more than half the breaker's window of 10, all unanswered: it opens.
            for (int i = 0; i < 6; i++) {
                assertThat(acquiring
                                .order(Unique.id("paused" + i), "100011000000000", "notify_url", url)
                                .status())
                        .isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> attemptsTo(url, "a.error like 'paused:%'") > 0);
            assertThat(meters.counter("ordo.notify.paused.attempts").count()).isGreaterThan(pausedBefore);

            receiver.start();
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> jdbc.sql("select count(*) from notification where url = :url and status = 1")
                                    .param("url", url)
                                    .query(Long.class)
                                    .single()
                            == 6);
            assertThat(receiver.received())
                    .as("one probe resumed them all, each once")
                    .hasSize(6);
            long called = attemptsTo(url, "(a.error is null or a.error not like 'paused:%')");
            assertThat(called).isLessThan(attemptsTo(url, "1 = 1"));
            // The API log holds the calls made, not the paused attempts that made none.
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(jdbc.sql(
                                            "select count(*) from api_log where kind = 'NOTIFICATION' and endpoint = :url")
                                    .param("url", url)
                                    .query(Long.class)
                                    .single())
                            .isEqualTo(called));
        }
    }

    @Test
    void notifications_to_a_slow_receiver_beyond_its_share_wait_for_their_turn_and_each_arrives_at_its_first_attempt()
            throws Exception {
        double deferredBefore = meters.counter("ordo.notify.deferred").count();
        try (Receiver receiver = Receiver.up()) {
            // Slower than ordo.notify.slow-receiver.after (2 s): at most 4 attempts to it under way at once.
            receiver.answerAfter(Duration.ofMillis(2_500));
            String url = receiver.url("/slow");
            assertThat(acquiring
                            .order(Unique.id("slow"), "100011000000000", "notify_url", url)
                            .status())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(60)).until(() -> delivered(url) == 1);
            for (int i = 0; i < 11; i++) {
                assertThat(acquiring
                                .order(Unique.id("slow" + i), "100011000000000", "notify_url", url)
                                .status())
                        .isEqualTo(200);
            }

            await().atMost(Duration.ofSeconds(120)).until(() -> delivered(url) == 12);
            assertThat(meters.counter("ordo.notify.deferred").count())
                    .as("some waited for their turn")
                    .isGreaterThan(deferredBefore);
            assertThat(receiver.received()).hasSize(12);
            assertThat(jdbc.sql("select attempts from notification where url = :url")
                            .param("url", url)
                            .query(Integer.class)
                            .list())
                    .as("a notification that waited for its turn made one attempt, and failed none")
                    .hasSize(12)
                    .containsOnly(1);
            assertThat(attemptsTo(url, "1 = 1")).isEqualTo(12);
        }
    }

    @Test
    void attempts_made_at_once_on_one_notification_are_numbered_apart() throws Exception {
        try (Receiver receiver = Receiver.down()) {
            String url = receiver.url("/twice");
            assertThat(acquiring
                            .order(Unique.id("twice"), "100011000000000", "notify_url", url)
                            .status())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(60)).until(() -> attemptsTo(url, "1 = 1") >= 1);
            long id = jdbc.sql("select notification_id from notification where url = :url")
                    .param("url", url)
                    .query(Long.class)
                    .single();

            // As two workers do when a job is taken over while its attempt is under way.
            ExecutorService workers = Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<?>> attempts = new ArrayList<>();
                for (int n = 0; n < 4; n++) {
                    attempts.add(workers.submit(() -> {
                        try {
                            notifications.deliver(id, channelNo -> null);
                        } catch (IllegalStateException refused) {
                            // the receiver is down: a failed attempt, as expected
                        }
                    }));
                }
                for (var attempt : attempts) {
                    attempt.get(30, TimeUnit.SECONDS);
                }
            } finally {
                workers.shutdownNow();
            }

            List<Long> counts = jdbc.sql(
                            "select count(*), count(distinct attempt), max(attempt) from notification_attempt"
                                    + " where notification_id = :id")
                    .param("id", id)
                    .query((rs, row) -> List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                    .single();
            assertThat(counts.getFirst())
                    .as("the first attempt and the four at once")
                    .isGreaterThanOrEqualTo(5);
            assertThat(counts)
                    .as("attempts, distinct numbers and the highest number: 1 to n, each once")
                    .containsOnly(counts.getFirst());
        }
    }

    private long delivered(String url) {
        return jdbc.sql("select count(*) from notification where url = :url and status = 1")
                .param("url", url)
                .query(Long.class)
                .single();
    }

    /** The attempts of the notifications to {@code url} that match {@code condition} on attempt {@code a}. */
    private long attemptsTo(String url, String condition) {
        return jdbc.sql("select count(*) from notification_attempt a join notification n"
                        + " on n.notification_id = a.notification_id where n.url = :url and " + condition)
                .param("url", url)
                .query(Long.class)
                .single();
    }

    @Test
    void a_receiver_answering_with_a_nul_character_is_notified_once_and_its_attempt_logged() throws Exception {
        try (Receiver receiver = Receiver.up()) {
            // "OK" in UTF-16: PostgreSQL refuses the NUL in a text column; stored as it came, the
            // attempt's transaction failed and the notification went out again and again.
            receiver.answer("O\u0000K\u0000".getBytes(StandardCharsets.ISO_8859_1));
            String requestNo = Unique.id("nulanswer");
            String url = receiver.url("/nul/" + requestNo);
            assertThat(acquiring
                            .order(requestNo, "100010000000000", "notify_url", url)
                            .status())
                    .isEqualTo(200);
            acquiring.awaitFinal(requestNo);

            await().atMost(Duration.ofSeconds(30)).until(() -> attemptsTo(url, "a.http_status = 200") == 1);
            // Time for a repeat that should not come (retries every second here).
            await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
            assertThat(receiver.received()).hasSize(1);
            assertThat(jdbc.sql("select status, attempts from notification where url = :url")
                            .param("url", url)
                            .query((rs, n) -> rs.getInt(1) + "/" + rs.getInt(2))
                            .single())
                    .as("delivered at the first attempt")
                    .isEqualTo("1/1");
            assertThat(jdbc.sql("select a.response from notification_attempt a join notification n"
                                    + " on n.notification_id = a.notification_id where n.url = :url")
                            .param("url", url)
                            .query(String.class)
                            .single())
                    .isEqualTo("O\uFFFDK\uFFFD");
        }
    }

    @Test
    void a_notification_arrives_signed_after_the_receiver_was_down_and_every_attempt_is_logged() throws Exception {
        String secret = jdbc.sql("select secret from oms_down_channel where channel_no = 'ycdown'")
                .query(String.class)
                .single();
        try (Receiver receiver = Receiver.down()) {
            String requestNo = Unique.id("notify");
            Map<String, String> order = new LinkedHashMap<>();
            order.put("channel_no", "ycdown");
            order.put("request_no", requestNo);
            order.put("line_id", "1");
            order.put("carrier_no", "ZSH");
            order.put("invoice_type", "1");
            order.put("num", "1");
            order.put("face", "100");
            order.put("amount", "99");
            order.put("notify_url", receiver.url("/recv"));
            order.put("rechage_account", "8880");
            order.put("timestamp", Long.toString(System.currentTimeMillis() / 1000));
            order.put("sign", Signatures.sign(secret, order));
            Response accepted = http.withoutToken()
                    .get(
                            "/order/request",
                            order.entrySet().stream()
                                    .flatMap(e -> Stream.of(e.getKey(), e.getValue()))
                                    .toArray(String[]::new));
            assertThat(accepted.status()).isEqualTo(200);
            Order done = acquiring.awaitFinal("ycdown", requestNo);
            String eventId = "order-" + done.orderId();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> jdbc.sql("select attempts from notification where event_id = :e")
                                    .param("e", eventId)
                                    .query(Integer.class)
                                    .optional()
                                    .orElse(0)
                            >= 2);

            // Down a few seconds longer (retries every second here), so that the attempt that
            // arrives is seconds younger than the notification.
            await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
            long upAt = System.currentTimeMillis() / 1000;
            receiver.start();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !receiver.received().isEmpty());
            Map<String, String> form = receiver.received().getFirst().form();
            // Stamped and signed at the attempt, not when the order finished: a receiver checking the
            // signature's time window accepts a late retry.
            Instant created = jdbc.sql("select created_at from notification where event_id = :e")
                    .param("e", eventId)
                    .query((rs, n) -> SqlTime.instant(rs, "created_at"))
                    .single();
            assertThat(Long.parseLong(form.get("timestamp")))
                    .isGreaterThanOrEqualTo(upAt - 1)
                    .isGreaterThanOrEqualTo(created.getEpochSecond() + 2);
            assertThat(form)
                    .containsEntry("channel_no", "ycdown")
                    .containsEntry("request_no", requestNo)
                    .containsEntry("order_id", Long.toString(done.orderId()))
                    .containsEntry("status", "0")
                    .containsEntry("event_id", eventId);
            assertThat(Signatures.verify(secret, form, form.get("sign"))).isTrue();
            assertThat(receiver.received().getFirst().headers().get("X-ordo-event-id"))
                    .containsExactly(eventId);
            assertThat(receiver.received().getFirst().headers().get("Content-type"))
                    .as("a percent-encoded UTF-8 form, and it says so")
                    .containsExactly("application/x-www-form-urlencoded; charset=UTF-8");
            long notificationId = jdbc.sql("select notification_id from notification where event_id = :e")
                    .param("e", eventId)
                    .query(Long.class)
                    .single();
            // The attempt is logged once its answer is in: the receiver may have the POST a moment before.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                List<Map<String, Object>> attempts = jdbc.sql(
                                "select * from notification_attempt where notification_id = :id order by attempt")
                        .param("id", notificationId)
                        .query()
                        .listOfRows();
                assertThat(attempts.size()).isGreaterThanOrEqualTo(3);
                assertThat(attempts.getFirst().get("error")).isNotNull();
                assertThat(attempts.getLast().get("http_status")).isEqualTo(200);
                assertThat(attempts)
                        .extracting(a -> ((Number) a.get("attempt")).intValue())
                        .containsExactlyElementsOf(IntStream.rangeClosed(1, attempts.size())
                                .boxed()
                                .toList());
                assertThat(jdbc.sql("select attempts from notification where notification_id = :id")
                                .param("id", notificationId)
                                .query(Integer.class)
                                .single())
                        .isEqualTo(attempts.size());
            });
            assertThat(receiver.received()).hasSize(1);
        }
    }

    /**
     * A supplier's submission handler that signals {@code arrived} and holds the call until the test
     * lets it answer "delivered" through {@code release} (20 s at most).
     */
    private static HttpHandler heldUntilReleased(Semaphore arrived, Semaphore release) {
        return exchange -> {
            try (exchange) {
                arrived.release();
                if (release.tryAcquire(20, TimeUnit.SECONDS)) {
                    Fixtures.supplierAnswer(exchange, "R0000");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }
}
