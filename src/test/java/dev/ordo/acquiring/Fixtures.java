package dev.ordo.acquiring;

import com.sun.net.httpserver.HttpExchange;
import dev.ordo.testing.Http;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Catalog entries tests add to the demo data through the admin API. */
final class Fixtures {

    static final String MOCK_SECRET = "mock-supplier-secret-0001";

    private Fixtures() {}

    /**
     * A product line of its own with one supplier, so that what a test does to that supplier touches
     * no other test: {@code submitUrl} is the mock supplier's, or a closed port for a supplier that
     * cannot be reached; {@code queries} whether it answers queries; times in seconds.
     */
    static void supplierLine(
            Http http,
            long lineId,
            String supplierNo,
            String base,
            boolean reachable,
            boolean queries,
            int deliveryOvertime,
            int requestReplenish) {
        http.post(
                "/admin/catalog/lines",
                "application/json",
                "{\"line_id\":%d,\"line_name\":\"line %d\",\"can_package_delivery\":1}".formatted(lineId, lineId));
        String url = reachable ? base + "/mock/supplier" : "http://127.0.0.1:1/nowhere";
        http.post("/admin/catalog/up-channels", "application/json", """
                {"channel_no":"%s","channel_name":"%s","status":0,"service_class":10,"protocol":"reference-http",
                 "request_url":"%s/submit","query_url":"%s/query","return_url":"%s/return","can_query":%d,
                 "first_query_time":1,"query_replenish_time":1,"request_replenish_time":%d,"timeout_ms":2000,
                 "secret":"%s"}""".formatted(
                        supplierNo, supplierNo, url, url, url, queries ? 0 : 1, requestReplenish, MOCK_SECRET));
        boolean exists = http.get("/admin/catalog/up-shelves")
                .json()
                .valueStream()
                .anyMatch(s -> s.get("channel_no").asString().equals(supplierNo));
        if (!exists) {
            long shelf = http.post("/admin/catalog/up-shelves", "application/json", """
                            {"shelf_name":"%s","channel_no":"%s","delivery_overtime":%d,"return_overtime":300,"status":0}""".formatted(
                                    supplierNo, supplierNo, deliveryOvertime))
                    .json()
                    .get("shelf_id")
                    .asLong();
            http.post("/admin/catalog/up-products", "application/json", """
                    {"shelf_id":%d,"line_id":%d,"carrier_no":"ZSH","province_no":"*","city_no":"*","invoice_type":1,
                     "can_refund":0,"face":10000,"cost_discount":0.97,"commission_discount":0.001,
                     "service_discount":0.0005,"limit_count":1,"status":0}""".formatted(shelf, lineId));
        }
        for (String[] code : new String[][] {{"R0000", "0"}, {"R5124", "10"}, {"R9999", "90"}, {"R4040", "10"}}) {
            http.post("/admin/catalog/error-codes", "application/json", """
                    {"channel_no":"%s","service_class":10,"error_code":"%s","deal_code":%s,"error_code_desc":"%s"}""".formatted(
                            supplierNo, code[0], code[1], code[0]));
        }
        for (String group : new String[] {"up_channel", "up_commission", "up_service"}) {
            http.get("/account/create", "ident", "oms", "groups", group, "eid", supplierNo, "name", supplierNo);
        }
        http.get(
                "/account/balance/add",
                "ident",
                "oms",
                "groups",
                "up_channel",
                "eid",
                supplierNo,
                "trade_no",
                "fixture",
                "amount",
                "100000000000");
    }

    /** The id of the channel's shelf; {@code side} {@code down} (a channel's) or {@code up} (a supplier's). */
    static long shelfOf(Http http, String side, String channelNo) {
        return http.get("/admin/catalog/" + side + "-shelves")
                .json()
                .valueStream()
                .filter(s -> s.get("channel_no").asString().equals(channelNo))
                .findFirst()
                .orElseThrow()
                .get("shelf_id")
                .asLong();
    }

    static void channel(Http http, String channelNo, long balance, int orderOvertime) {
        channel(http, channelNo, balance, orderOvertime, 10_000, 1);
    }

    static void channel(Http http, String channelNo, long balance, int orderOvertime, int rateLimit) {
        channel(http, channelNo, balance, orderOvertime, rateLimit, 1);
    }

    /**
     * A legacy-unsigned channel selling the demo's face-200 product (face 20000, split into 100s),
     * with its wallet accounts; {@code orderOvertime} 0 means the demo's 600 s.
     */
    static void channel(Http http, String channelNo, long balance, int orderOvertime, int rateLimit, long lineId) {
        channelEntries(http, channelNo, orderOvertime, rateLimit, lineId);
        for (String group : new String[] {"down_channel", "down_commission", "down_service", "down_payment_fee"}) {
            http.get("/account/create", "ident", "oms", "groups", group, "eid", channelNo, "name", channelNo);
        }
        fund(http, channelNo, balance);
    }

    /** As above, the catalog's entries only: no wallet account opened by hand. */
    static void channelEntries(Http http, String channelNo, int orderOvertime, int rateLimit, long lineId) {
        http.post("/admin/catalog/down-channels", "application/json", """
                {"channel_no":"%s","channel_name":"%s","status":0,"legacy_unsigned":0,"rate_limit":%d}""".formatted(channelNo, channelNo, rateLimit));
        boolean exists = http.get("/admin/catalog/down-shelves")
                .json()
                .valueStream()
                .anyMatch(s -> s.get("channel_no").asString().equals(channelNo));
        if (!exists) {
            long shelf = http.post("/admin/catalog/down-shelves", "application/json", """
                            {"shelf_name":"%s","channel_no":"%s","order_overtime":%d,"refund_overtime":600,"status":0}""".formatted(
                                    channelNo, channelNo, orderOvertime == 0 ? 600 : orderOvertime))
                    .json()
                    .get("shelf_id")
                    .asLong();
            http.post("/admin/catalog/down-products", "application/json", """
                    {"shelf_id":%d,"line_id":%d,"carrier_no":"ZSH","province_no":"*","city_no":"*","invoice_type":0,
                     "can_refund":0,"face":20000,"sell_discount":0.99,"commission_discount":0.002,
                     "service_discount":0.001,"payment_fee_discount":0.005,"can_split_order":0,"split_order_face":10000,
                     "limit_count":10,"status":0}""".formatted(shelf, lineId));
        }
    }

    /** Adds {@code balance} cents to the channel's {@code down_channel} account (once per channel). */
    static void fund(Http http, String channelNo, long balance) {
        http.get(
                "/account/balance/add",
                "ident",
                "oms",
                "groups",
                "down_channel",
                "eid",
                channelNo,
                "trade_no",
                "fixture",
                "amount",
                Long.toString(balance));
    }

    /** Answers a reference-protocol call with this code, as a supplier of a test's own (no signature checked). */
    static void supplierAnswer(HttpExchange exchange, String code) throws IOException {
        try (exchange) {
            byte[] body = ("{\"code\":\"" + code + "\",\"msg\":\"" + code
                            + "\",\"order_no\":\"\",\"supplier_order_no\":\"s1\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }
}
