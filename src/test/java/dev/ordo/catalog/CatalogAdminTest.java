package dev.ordo.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.order.Orders;
import dev.ordo.testing.Acquiring;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Http;
import dev.ordo.testing.Http.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** SPEC A1: the catalog's admin API validates entries and references, and never shows secrets. */
@DatabaseTest
class CatalogAdminTest {

    @LocalServerPort
    int port;

    @Autowired
    Orders orders;

    @Autowired
    JdbcClient jdbc;

    Http http;
    long testShelf;

    @BeforeEach
    void setUp() {
        http = new Http(port);
        new Acquiring(http, orders, jdbc);
        testShelf = http.get("/admin/catalog/down-shelves")
                .json()
                .valueStream()
                .filter(s -> s.get("channel_no").asString().equals("test"))
                .findFirst()
                .orElseThrow()
                .get("shelf_id")
                .asLong();
    }

    private String product(long face, String sell, int split, long splitFace, int limit, int status) {
        return """
                {"shelf_id":%d,"line_id":1,"carrier_no":"ZSH","province_no":"*","city_no":"*","invoice_type":0,
                 "can_refund":0,"face":%d,"sell_discount":%s,"commission_discount":0,"service_discount":0,
                 "payment_fee_discount":0,"can_split_order":%d,"split_order_face":%d,"limit_count":%d,"status":%d}""".formatted(testShelf, face, sell, split, splitFace, limit, status);
    }

    @Test
    void an_invalid_entry_is_refused_with_every_problem_listed_and_nothing_saved() {
        int before = http.get("/admin/catalog/down-products").json().size();
        Response refused =
                http.post("/admin/catalog/down-products", "application/json", product(20_000, "1.5", 0, 7_000, 0, 0));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("msg").asString())
                .contains("sell_discount")
                .contains("split_order_face")
                .contains("limit_count");
        assertThat(http.get("/admin/catalog/down-products").json().size()).isEqualTo(before);
        assertThat(http.post("/admin/catalog/down-products", "application/json", "{not json")
                        .status())
                .isEqualTo(400);
        int lines = http.get("/admin/catalog/lines").json().size();
        Response negative = http.post(
                "/admin/catalog/lines",
                "application/json",
                "{\"line_id\":-1,\"line_name\":\"x\",\"can_package_delivery\":1}");
        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.json().get("msg").asString()).contains("line_id");
        assertThat(http.get("/admin/catalog/lines").json().size()).isEqualTo(lines);
    }

    @Test
    void a_downstream_product_no_supplier_can_deliver_cannot_be_active_but_can_be_stored_disabled() {
        Response refused =
                http.post("/admin/catalog/down-products", "application/json", product(70_000, "0.99", 1, 70_000, 5, 0));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("msg").asString()).contains("no active upstream product");
        Response stored =
                http.post("/admin/catalog/down-products", "application/json", product(70_000, "0.99", 1, 70_000, 5, 1));
        assertThat(stored.status()).isEqualTo(200);
        long id = stored.json().get("product_id").asLong();
        JsonNode listed = http.get("/admin/catalog/down-products")
                .json()
                .valueStream()
                .filter(p -> p.get("product").get("product_id").asLong() == id)
                .findFirst()
                .orElseThrow();
        assertThat(listed.get("sellable").asBoolean()).isFalse();
        assertThat(listed.get("reason").asString()).isEqualTo("disabled");
        assertThat(http.get("/admin/catalog/down-products")
                        .json()
                        .valueStream()
                        .filter(p -> p.get("product").get("shelf_id").asLong() == testShelf)
                        .filter(p -> p.get("product").get("status").asInt() == 0))
                .allSatisfy(p -> assertThat(p.get("sellable").asBoolean()).isTrue());
    }

    @Test
    void references_must_exist() {
        Response shelf = http.post(
                "/admin/catalog/down-shelves",
                "application/json",
                "{\"shelf_name\":\"s\",\"channel_no\":\"ghost\",\"order_overtime\":60,\"refund_overtime\":60,\"status\":0}");
        assertThat(shelf.status()).isEqualTo(400);
        assertThat(shelf.json().get("msg").asString()).contains("no downstream channel ghost");
        Response code = http.post(
                "/admin/catalog/error-codes",
                "application/json",
                "{\"channel_no\":\"ghost\",\"service_class\":10,\"error_code\":\"X\",\"deal_code\":5,\"error_code_desc\":\"x\"}");
        assertThat(code.status()).isEqualTo(400);
        assertThat(code.json().get("msg").asString()).contains("deal_code").contains("no upstream channel ghost");
    }

    @Test
    void secrets_are_never_answered_and_a_save_without_one_keeps_it() {
        assertThat(http.get("/admin/catalog/down-channels").body()).doesNotContain("\"secret\":\"");
        assertThat(http.get("/admin/catalog/up-channels").body()).doesNotContain("\"secret\":\"");
        String before = jdbc.sql("select secret from oms_down_channel where channel_no = 'ycdown'")
                .query(String.class)
                .single();
        Response renamed = http.put(
                "/admin/catalog/down-channels/ycdown",
                "{\"channel_no\":\"ycdown\",\"channel_name\":\"Renamed\",\"status\":0,\"legacy_unsigned\":1,\"rate_limit\":200}");
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(jdbc.sql("select secret from oms_down_channel where channel_no = 'ycdown'")
                        .query(String.class)
                        .single())
                .isEqualTo(before);
    }

    @Test
    void a_signed_channel_needs_a_secret_and_the_admin_api_needs_the_token() {
        Response noSecret = http.post(
                "/admin/catalog/down-channels",
                "application/json",
                "{\"channel_no\":\"nosecret\",\"channel_name\":\"n\",\"status\":0,\"legacy_unsigned\":1,\"rate_limit\":10}");
        assertThat(noSecret.status()).isEqualTo(400);
        assertThat(http.withoutToken().get("/admin/catalog/lines").status()).isEqualTo(401);
    }
}
