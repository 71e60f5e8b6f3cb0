package dev.ordo.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.order.Orders;
import dev.ordo.testing.Acquiring;
import dev.ordo.testing.AtOnce;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Http;
import dev.ordo.testing.Http.Response;
import dev.ordo.testing.Unique;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

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

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/admin/catalog/down-shelves|{\"shelf_name\":\"s\",\"order_overtime\":60,\"refund_overtime\":60,\"status\":0}",
                "/admin/catalog/up-shelves|{\"shelf_name\":\"s\",\"delivery_overtime\":60,\"return_overtime\":60,\"status\":0}",
                "/admin/catalog/error-codes|{\"service_class\":10,\"error_code\":\"X\",\"deal_code\":0,\"error_code_desc\":\"x\"}"
            })
    void an_entry_without_its_channel_is_refused_naming_the_field(String pathAndBody) {
        String[] parts = pathAndBody.split("\\|", 2);
        Response refused = http.post(parts[0], "application/json", parts[1]);
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().get("msg").asString()).contains("channel_no");
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

    private static String line(String name) {
        return "{\"line_name\":\"" + name + "\",\"can_package_delivery\":1}";
    }

    private String lineName(long id) {
        return jdbc.sql("select line_name from oms_product_line where line_id = :id")
                .param("id", id)
                .query(String.class)
                .single();
    }

    @Test
    void an_assigned_id_is_never_one_an_admin_chose_before() {
        long first = http.post("/admin/catalog/lines", "application/json", line("first"))
                .json()
                .get("line_id")
                .asLong();
        // The ids the sequence would hand out next, taken by hand (PUT creates).
        for (long id = first + 1; id <= first + 3; id++) {
            assertThat(http.put("/admin/catalog/lines/" + id, line("chosen " + id))
                            .status())
                    .isEqualTo(200);
        }
        long assigned = http.post("/admin/catalog/lines", "application/json", line("assigned"))
                .json()
                .get("line_id")
                .asLong();
        assertThat(assigned).isNotIn(first, first + 1, first + 2, first + 3);
        for (long id = first + 1; id <= first + 3; id++) {
            assertThat(lineName(id)).isEqualTo("chosen " + id);
        }
        assertThat(lineName(assigned)).isEqualTo("assigned");
    }

    @Test
    void creating_an_id_that_exists_is_a_conflict_and_changes_nothing() {
        long id = http.post("/admin/catalog/lines", "application/json", line("original"))
                .json()
                .get("line_id")
                .asLong();
        Response again = http.post(
                "/admin/catalog/lines",
                "application/json",
                "{\"line_id\":" + id + ",\"line_name\":\"overwritten\",\"can_package_delivery\":1}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("msg").asString()).contains("PUT /admin/catalog/lines/" + id);
        assertThat(lineName(id)).isEqualTo("original");
        assertThat(http.put("/admin/catalog/lines/" + id, line("replaced")).status())
                .isEqualTo(200);
        assertThat(lineName(id)).isEqualTo("replaced");
    }

    @Test
    void a_save_naming_the_version_it_read_applies_only_at_that_version_and_a_stale_one_changes_nothing() {
        Response created = http.post("/admin/catalog/lines", "application/json", line("v0"));
        assertThat(created.json().get("version").asLong()).as("a new entry").isEqualTo(0);
        long id = created.json().get("line_id").asLong();

        Response first = http.put("/admin/catalog/lines/" + id, versioned(line("first admin"), 0));
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().get("version").asLong())
                .as("each save moves the version on")
                .isEqualTo(1);

        // A second admin read version 0 too, before the first saved.
        Response stale = http.put("/admin/catalog/lines/" + id, versioned(line("second admin"), 0));
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.json().get("code").asInt()).isEqualTo(909);
        assertThat(stale.json().get("msg").asString()).contains("is at version 1, not 0");
        assertThat(lineName(id)).isEqualTo("first admin");
        assertThat(listed("/admin/catalog/lines", "line_id", id).get("version").asLong())
                .isEqualTo(1);

        assertThat(http.put("/admin/catalog/lines/" + id, versioned(line("second admin"), 1))
                        .json()
                        .get("version")
                        .asLong())
                .isEqualTo(2);
        assertThat(http.put("/admin/catalog/lines/" + id, line("no version named"))
                        .json()
                        .get("version")
                        .asLong())
                .as("a save without a version replaces the entry whatever its version, and moves it on")
                .isEqualTo(3);
        assertThat(lineName(id)).isEqualTo("no version named");

        // An entry copied from the listing to create another (its id left out) starts anew.
        Response copy = http.post("/admin/catalog/lines", "application/json", versioned(line("copy"), 3));
        assertThat(copy.status()).isEqualTo(200);
        assertThat(copy.json().get("line_id").asLong()).isNotEqualTo(id);
        assertThat(copy.json().get("version").asLong())
                .as("a create ignores a version")
                .isZero();

        long missing = id + 1_000_000;
        Response none = http.put("/admin/catalog/lines/" + missing, versioned(line("ghost"), 0));
        assertThat(none.status())
                .as("a version of an entry that does not exist")
                .isEqualTo(409);
        assertThat(none.json().get("msg").asString()).contains("no entry");
        assertThat(jdbc.sql("select count(*) from oms_product_line where line_id = :id")
                        .param("id", missing)
                        .query(Integer.class)
                        .single())
                .isZero();
    }

    @Test
    void admins_saving_the_same_version_at_once_one_wins_and_the_others_change_nothing() throws Exception {
        String channelNo = Unique.id("ver").replace("-", "_");
        String secret = "a-secret-of-twenty-chars";
        Response created = http.post(
                "/admin/catalog/down-channels",
                "application/json",
                "{\"channel_no\":\"" + channelNo + "\",\"channel_name\":\"v0\",\"status\":0,\"secret\":\"" + secret
                        + "\",\"legacy_unsigned\":1,\"rate_limit\":10}");
        assertThat(created.status()).isEqualTo(200);
        long version = created.json().get("version").asLong();
        List<Integer> statuses = AtOnce.call(
                8,
                8,
                i -> http.put(
                                "/admin/catalog/down-channels/" + channelNo,
                                "{\"channel_name\":\"admin " + i + "\",\"status\":0,\"legacy_unsigned\":1,"
                                        + "\"rate_limit\":" + (20 + i) + ",\"version\":" + version + "}")
                        .status());
        assertThat(statuses).filteredOn(s -> s == 200).as("one save wins").hasSize(1);
        assertThat(statuses).filteredOn(s -> s != 200).as("the others are told").containsOnly(409);
        JsonNode now = listed("/admin/catalog/down-channels", "channel_no", channelNo);
        assertThat(now.get("version").asLong()).isEqualTo(version + 1);
        int winner = statuses.indexOf(200);
        assertThat(now.get("channel_name").asString()).isEqualTo("admin " + winner);
        assertThat(now.get("rate_limit").asInt()).as("the winner's entry whole").isEqualTo(20 + winner);
        assertThat(jdbc.sql("select secret from oms_down_channel where channel_no = :c")
                        .param("c", channelNo)
                        .query(String.class)
                        .single())
                .as("a save without a secret keeps it")
                .isEqualTo(secret);
    }

    /** The entry as the admin API lists it. */
    private JsonNode listed(String path, String keyField, Object key) {
        return http.get(path)
                .json()
                .valueStream()
                .filter(e -> e.get(keyField).asString().equals(String.valueOf(key)))
                .findFirst()
                .orElseThrow();
    }

    private static String versioned(String json, long version) {
        return json.substring(0, json.length() - 1) + ",\"version\":" + version + "}";
    }

    @Test
    void the_same_new_channel_saved_at_once_is_never_a_server_error() throws Exception {
        String channelNo = Unique.id("race").replace("-", "_");
        String body = "{\"channel_no\":\"" + channelNo
                + "\",\"channel_name\":\"r\",\"status\":0,\"legacy_unsigned\":0,\"rate_limit\":10}";
        List<Integer> statuses = AtOnce.call(
                8,
                8,
                i -> http.post("/admin/catalog/down-channels", "application/json", body)
                        .status());
        assertThat(statuses)
                .as("each saves it, or finds it saved meanwhile")
                .isSubsetOf(200, 409)
                .contains(200);
        assertThat(jdbc.sql("select count(*) from oms_down_channel where channel_no = :c")
                        .param("c", channelNo)
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void fractional_cents_are_refused_not_cut() {
        int before = http.get("/admin/catalog/down-products").json().size();
        Response refused = http.post(
                "/admin/catalog/down-products",
                "application/json",
                product(20_000, "0.99", 1, 20_000, 5, 1).replace("\"face\":20000", "\"face\":20000.99"));
        assertThat(refused.status()).isEqualTo(400);
        Response status = http.post(
                "/admin/catalog/lines", "application/json", "{\"line_name\":\"x\",\"can_package_delivery\":0.7}");
        assertThat(status.status()).isEqualTo(400);
        assertThat(http.get("/admin/catalog/down-products").json().size()).isEqualTo(before);
    }

    @Test
    void a_body_missing_a_field_or_giving_it_the_wrong_type_is_refused_naming_the_field() {
        Response missing = http.post(
                "/admin/catalog/down-channels",
                "application/json",
                "{\"channel_no\":\"nofield\",\"channel_name\":\"n\",\"status\":0,\"rate_limit\":10}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("msg").asString()).contains("legacy_unsigned");
        Response wrongType = http.post(
                "/admin/catalog/lines", "application/json", "{\"line_name\":\"x\",\"can_package_delivery\":\"yes\"}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.json().get("msg").asString()).contains("can_package_delivery");
        assertThat(http.get("/admin/catalog/down-channels").body()).doesNotContain("nofield");
    }

    @Test
    void a_secret_longer_than_its_column_is_refused_even_for_a_legacy_channel() {
        Response refused = http.post(
                "/admin/catalog/down-channels",
                "application/json",
                "{\"channel_no\":\"longsecret\",\"channel_name\":\"n\",\"status\":0,\"legacy_unsigned\":0,"
                        + "\"rate_limit\":10,\"secret\":\"" + "s".repeat(200) + "\"}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("msg").asString()).contains("secret");
    }

    @Test
    void a_supplier_url_no_request_can_be_made_to_is_refused() {
        JsonNode ycup = upChannel("ycup");
        String queryUrl = ycup.get("query_url").asString();
        for (String bad : new String[] {"https://sup/q?k=a|b", "https://sup/q r", "http://"}) {
            String edited =
                    ycup.toString().replace("\"query_url\":\"" + queryUrl + "\"", "\"query_url\":\"" + bad + "\"");
            Response refused = http.put("/admin/catalog/up-channels/ycup", edited);
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.json().get("msg").asString()).contains("query_url must be an http or https URL");
        }
        assertThat(jdbc.sql("select query_url from oms_up_channel where channel_no = 'ycup'")
                        .query(String.class)
                        .single())
                .isEqualTo(queryUrl);
        // A host with an underscore is no host to java.net.URI, but one the HTTP client reaches.
        assertThat(http.post("/admin/catalog/up-channels", "application/json", """
                                {"channel_no":"underscore","channel_name":"u","status":0,"service_class":10,
                                 "protocol":"reference-http","request_url":"http://supplier_sim:8080/submit",
                                 "query_url":"http://supplier_sim:8080/query","can_query":0,"first_query_time":1,
                                 "query_replenish_time":1,"request_replenish_time":60,"timeout_ms":2000,
                                 "secret":"0123456789abcdef"}""")
                        .status())
                .isBetween(200, 201);
    }

    @Test
    void a_supplier_must_name_a_protocol_an_adapter_speaks() {
        JsonNode ycup = upChannel("ycup");
        String typo = ycup.toString()
                .replace("\"protocol\":\"" + ycup.get("protocol").asString() + "\"", "\"protocol\":\"reference-htp\"");
        Response refused = http.put("/admin/catalog/up-channels/ycup", typo);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("msg").asString())
                .contains("protocol must be one of")
                .contains("reference-http");
        assertThat(jdbc.sql("select protocol from oms_up_channel where channel_no = 'ycup'")
                        .query(String.class)
                        .single())
                .isEqualTo(ycup.get("protocol").asString());
    }

    @Test
    void an_active_product_whose_fees_exceed_its_sale_or_that_sells_for_nothing_is_refused() {
        int before = http.get("/admin/catalog/down-products").json().size();
        String feesOverSale = product(70_000, "0.5", 0, 70_000, 5, 0)
                .replace("\"commission_discount\":0,", "\"commission_discount\":1,");
        Response refused = http.post("/admin/catalog/down-products", "application/json", feesOverSale);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("msg").asString()).contains("(1) exceed sell_discount (0.5)");

        Response nothing = http.post("/admin/catalog/down-products", "application/json", product(1, "0.4", 0, 1, 5, 0));
        assertThat(nothing.status()).isEqualTo(400);
        assertThat(nothing.json().get("msg").asString()).contains("leaves no sale");
        assertThat(http.get("/admin/catalog/down-products").json().size()).isEqualTo(before);

        // Disabled, it may keep any rates (an operator disabling a product does not have to fix them first).
        assertThat(http.post(
                                "/admin/catalog/down-products",
                                "application/json",
                                feesOverSale.replace("\"status\":0", "\"status\":1"))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void a_second_active_product_a_request_would_match_as_an_active_one_does_is_a_conflict() {
        // A channel of its own (other tests read channel test's products by face).
        assertThat(http.post("/admin/catalog/down-channels", "application/json", """
                                {"channel_no":"twinch","channel_name":"twins","status":0,"legacy_unsigned":0,"rate_limit":10}""")
                        .status())
                .isEqualTo(200);
        long shelf = http.post("/admin/catalog/down-shelves", "application/json", """
                        {"shelf_name":"twins","channel_no":"twinch","order_overtime":600,"refund_overtime":600,"status":0}""")
                .json()
                .get("shelf_id")
                .asLong();
        String product =
                product(20_000, "0.99", 0, 10_000, 10, 0).replace("\"shelf_id\":" + testShelf, "\"shelf_id\":" + shelf);
        assertThat(http.post("/admin/catalog/down-products", "application/json", product)
                        .status())
                .isEqualTo(200);

        Response twin = http.post("/admin/catalog/down-products", "application/json", product.replace("0.99", "0.98"));
        assertThat(twin.status()).isEqualTo(409);
        assertThat(twin.json().get("msg").asString()).contains("is active for the same line, carrier, region, face");

        String disabledTwin = product.replace("0.99", "0.98").replace("\"status\":0", "\"status\":1");
        Response disabled = http.post("/admin/catalog/down-products", "application/json", disabledTwin);
        assertThat(disabled.status()).as("stored disabled").isEqualTo(200);
        long id = disabled.json().get("product_id").asLong();
        assertThat(http.put("/admin/catalog/down-products/" + id, product.replace("0.99", "0.98"))
                        .status())
                .as("and then made active")
                .isEqualTo(409);
        assertThat(jdbc.sql("select status from oms_down_product where product_id = :id")
                        .param("id", id)
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void a_shelf_enabled_again_whose_product_became_a_twin_meanwhile_is_a_conflict() {
        String channel = Unique.id("tw");
        assertThat(http.post("/admin/catalog/down-channels", "application/json", """
                                {"channel_no":"%s","channel_name":"twins","status":0,"legacy_unsigned":0,"rate_limit":10}""".formatted(channel))
                        .status())
                .isEqualTo(200);
        String shelfJson = """
                {"shelf_name":"%s","channel_no":"%s","order_overtime":600,"refund_overtime":600,"status":%d}""";
        long first = http.post("/admin/catalog/down-shelves", "application/json", shelfJson.formatted("a", channel, 0))
                .json()
                .get("shelf_id")
                .asLong();
        long second = http.post("/admin/catalog/down-shelves", "application/json", shelfJson.formatted("b", channel, 0))
                .json()
                .get("shelf_id")
                .asLong();
        String product = product(30_000, "0.99", 0, 10_000, 10, 0);
        assertThat(http.post(
                                "/admin/catalog/down-products",
                                "application/json",
                                product.replace("\"shelf_id\":" + testShelf, "\"shelf_id\":" + second))
                        .status())
                .isEqualTo(200);
        assertThat(http.put("/admin/catalog/down-shelves/" + second, shelfJson.formatted("b", channel, 1))
                        .status())
                .isEqualTo(200);
        assertThat(http.post(
                                "/admin/catalog/down-products",
                                "application/json",
                                product.replace("\"shelf_id\":" + testShelf, "\"shelf_id\":" + first))
                        .status())
                .as("its twin's shelf is disabled")
                .isEqualTo(200);

        Response enabled = http.put("/admin/catalog/down-shelves/" + second, shelfJson.formatted("b", channel, 0));

        assertThat(enabled.status()).isEqualTo(409);
        assertThat(enabled.json().get("msg").asString()).contains("would both be active on channel " + channel);
        assertThat(jdbc.sql("select status from oms_down_shelf where shelf_id = :id")
                        .param("id", second)
                        .query(Integer.class)
                        .single())
                .as("still disabled")
                .isEqualTo(1);
    }

    @Test
    void ids_chosen_by_an_admin_are_positive() {
        for (String path : new String[] {"down-products/0", "down-products/-5"}) {
            assertThat(http.put("/admin/catalog/" + path, product(20_000, "0.99", 0, 10_000, 5, 1))
                            .status())
                    .as(path)
                    .isEqualTo(400);
        }
        Response shelf = http.put("/admin/catalog/down-shelves/-1", """
                {"shelf_name":"s","channel_no":"test","order_overtime":60,"refund_overtime":60,"status":0}""");
        assertThat(shelf.status()).isEqualTo(400);
        assertThat(shelf.json().get("msg").asString()).contains("shelf_id must be a positive number");
        assertThat(jdbc.sql("select count(*) from oms_down_product where product_id <= 0")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void a_shelf_whose_orders_would_have_no_time_to_be_bound_is_refused() {
        Response refused = http.post("/admin/catalog/down-shelves", "application/json", """
                {"shelf_name":"s","channel_no":"test","order_overtime":0,"refund_overtime":60,"status":0}""");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("msg").asString()).contains("order_overtime must be 1 to 2592000 seconds");
    }

    @Test
    void shelves_whose_refunds_or_unknown_deliveries_would_have_no_time_are_refused() {
        Response down = http.post("/admin/catalog/down-shelves", "application/json", """
                {"shelf_name":"zero-refund","channel_no":"test","order_overtime":60,"refund_overtime":0,"status":0}""");
        assertThat(down.status()).isEqualTo(400);
        assertThat(down.json().get("msg").asString()).contains("refund_overtime must be 1 to 2592000 seconds");
        Response up = http.post("/admin/catalog/up-shelves", "application/json", """
                {"shelf_name":"zero-delivery","channel_no":"ycup","delivery_overtime":0,"return_overtime":0,"status":0}""");
        assertThat(up.status()).isEqualTo(400);
        assertThat(up.json().get("msg").asString())
                .contains("delivery_overtime must be 1 to 2592000 seconds")
                .doesNotContain("return_overtime");
        assertThat(jdbc.sql("select count(*) from oms_down_shelf where shelf_name = 'zero-refund'")
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(jdbc.sql("select count(*) from oms_up_shelf where shelf_name = 'zero-delivery'")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void a_secret_with_a_nul_character_is_refused_not_a_server_error() {
        Response down = http.post(
                "/admin/catalog/down-channels",
                "application/json",
                "{\"channel_no\":\"nulsecret\",\"channel_name\":\"n\",\"status\":0,\"legacy_unsigned\":1,"
                        + "\"rate_limit\":10,\"secret\":\"abcdefghijklmno\\u0000\"}");
        assertThat(down.status()).isEqualTo(400);
        assertThat(down.json().get("msg").asString()).contains("secret must not contain the NUL character");
        JsonNode ycup = upChannel("ycup");
        ObjectNode withNul = (ObjectNode) ycup.deepCopy();
        withNul.put("secret", "0123456789abcdef\u0000");
        Response up = http.put("/admin/catalog/up-channels/ycup", withNul.toString());
        assertThat(up.status()).isEqualTo(400);
        assertThat(up.json().get("msg").asString()).contains("secret must not contain the NUL character");
        assertThat(jdbc.sql("select count(*) from oms_down_channel where channel_no = 'nulsecret'")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void a_product_splits_into_at_most_a_thousand_pieces() {
        Response refused = http.post(
                "/admin/catalog/down-products", "application/json", product(10_000_000, "0.99", 0, 100, 5, 1));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("msg").asString()).contains("at most 1000 pieces");
        assertThat(http.post("/admin/catalog/down-products", "application/json", product(100_000, "0.99", 0, 100, 5, 1))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void loading_the_demo_data_again_keeps_what_an_operator_changed() {
        int rateLimit = jdbc.sql("select rate_limit from oms_down_channel where channel_no = 'test'")
                .query(Integer.class)
                .single();
        String desc = jdbc.sql(
                        "select error_code_desc from oms_up_error_code where channel_no = 'ycup' and error_code = 'R9999'")
                .query(String.class)
                .single();
        try {
            jdbc.sql("update oms_down_channel set rate_limit = :r where channel_no = 'test'")
                    .param("r", rateLimit - 1)
                    .update();
            jdbc.sql(
                            "update oms_up_error_code set error_code_desc = 'edited' where channel_no = 'ycup' and error_code = 'R9999'")
                    .update();
            assertThat(http.get(
                                    "/account/credit/set",
                                    "ident",
                                    "oms",
                                    "groups",
                                    "down_commission",
                                    "eid",
                                    "test",
                                    "credit",
                                    "5")
                            .status())
                    .isEqualTo(200);
            Response reloaded = http.method("POST", "/admin/demo-data");
            assertThat(reloaded.status()).isEqualTo(200);
            assertThat(jdbc.sql("select rate_limit from oms_down_channel where channel_no = 'test'")
                            .query(Integer.class)
                            .single())
                    .isEqualTo(rateLimit - 1);
            assertThat(jdbc.sql(
                                    "select error_code_desc from oms_up_error_code where channel_no = 'ycup' and error_code = 'R9999'")
                            .query(String.class)
                            .single())
                    .isEqualTo("edited");
            assertThat(http.get("/account/balance/query", "ident", "oms", "groups", "down_commission", "eid", "test")
                            .json()
                            .get("credit")
                            .asLong())
                    .as("the operator's credit on a demo account kept")
                    .isEqualTo(5);
        } finally {
            jdbc.sql("update oms_down_channel set rate_limit = :r where channel_no = 'test'")
                    .param("r", rateLimit)
                    .update();
            jdbc.sql(
                            "update oms_up_error_code set error_code_desc = :d where channel_no = 'ycup' and error_code = 'R9999'")
                    .param("d", desc)
                    .update();
            http.get("/account/credit/set", "ident", "oms", "groups", "down_commission", "eid", "test", "credit", "0");
        }
    }

    /** The supplier as the admin API lists it. */
    private JsonNode upChannel(String channelNo) {
        return http.get("/admin/catalog/up-channels")
                .json()
                .valueStream()
                .filter(c -> c.get("channel_no").asString().equals(channelNo))
                .findFirst()
                .orElseThrow();
    }
}
