package dev.ordo.wallet.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Http;
import dev.ordo.testing.Http.Response;
import dev.ordo.testing.TestDatabases;
import dev.ordo.testing.Unique;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Bad input gets a 4xx with a code and a message, never a 5xx, and writes nothing: every wallet
 * endpoint against malformed, out-of-range, oversized and unauthenticated requests.
 */
@DatabaseTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {

    private static final String HUGE = "x".repeat(10_000);
    /** 33 characters outside the Basic Multilingual Plane: 66 UTF-16 units, more than a name's 64. */
    private static final String WIDE = "\uD83D\uDE00".repeat(33);

    private static final String EID = Unique.id("hostile");

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    Http http;

    @BeforeEach
    void setUp() {
        http = new Http(port);
        if (http.get("/account/query", "eid", EID).status() == 404) {
            // What the hostile cases aim at must exist, or they would be refused as unknown instead.
            assertThat(http.get("/account/create", "eid", EID, "name", "target").status())
                    .isBetween(200, 201);
            assertThat(http.get("/account/balance/add", "eid", EID, "trade_no", "seed", "amount", "1000")
                            .status())
                    .isEqualTo(200);
            assertThat(http.get("/package/create", "eid", EID, "sid", "p1", "name", "sms", "total", "100")
                            .status())
                    .isBetween(200, 201);
        }
    }

    /**
     * Everything the wallet holds for ident {@code ordo}, the only ident these requests use (other
     * tests' orders may still be booking on ident {@code oms} in the background).
     */
    private long rows() {
        return jdbc.sql("""
                        select (select count(*) from wallet_account where ident = 'ordo')
                             + (select count(*) from wallet_record r join wallet_account a on a.account_id = r.account_id
                                 where a.ident = 'ordo')
                             + (select count(*) from wallet_package p join wallet_account a on a.account_id = p.account_id
                                 where a.ident = 'ordo')
                             + (select count(*) from wallet_package_record r join wallet_account a
                                 on a.account_id = r.account_id where a.ident = 'ordo')
                             + (select coalesce(sum(balance), 0) from wallet_account where ident = 'ordo')
                             + (select coalesce(sum(p.total_remain), 0) from wallet_package p
                                 join wallet_account a on a.account_id = p.account_id where a.ident = 'ordo')
                          from id_block where name = 'wallet_account'""").query(Long.class).single();
    }

    static Stream<String> badAmounts() {
        return Stream.of(
                "-1",
                "0",
                "1.5",
                "abc",
                "99999999999999999999",
                "1000000000001",
                "1e3",
                "0x10",
                " 7",
                "+5",
                "",
                "１２",
                "NaN",
                "1,2",
                "9223372036854775807",
                "-9223372036854775808");
    }

    static Stream<Arguments> hostileRequests() {
        List<Arguments> cases = new ArrayList<>();
        for (String op : List.of("add", "deduct", "refund")) {
            String path = "/account/balance/" + op;
            badAmounts()
                    .forEach(amount -> cases.add(
                            Arguments.of(path, new String[] {"eid", EID, "trade_no", "h1", "amount", amount})));
            cases.add(Arguments.of(path, new String[] {"eid", EID, "trade_no", "h1"}));
            cases.add(Arguments.of(path, new String[] {"eid", EID, "amount", "1"}));
            cases.add(Arguments.of(path, new String[] {"trade_no", "h1", "amount", "1"}));
            cases.add(Arguments.of(path, new String[] {"eid", HUGE, "trade_no", "h1", "amount", "1"}));
            cases.add(Arguments.of(path, new String[] {"eid", EID, "trade_no", HUGE, "amount", "1"}));
            cases.add(Arguments.of(path, new String[] {"eid", EID, "trade_no", "h1", "amount", HUGE}));
            cases.add(Arguments.of(path, new String[] {"ident", HUGE, "eid", EID, "trade_no", "h1", "amount", "1"}));
            cases.add(Arguments.of(path, new String[] {"groups", HUGE, "eid", EID, "trade_no", "h1", "amount", "1"}));
            cases.add(Arguments.of(path, new String[] {"eid", "x' or '1'='1", "trade_no", "h1", "amount", "1"}));
            cases.add(Arguments.of(path, new String[] {"eid", EID, "trade_no", "a b", "amount", "1"}));
            cases.add(Arguments.of(path, new String[] {"eid", EID, "trade_no", "#open", "amount", "1"}));
            cases.add(Arguments.of(path, new String[] {"eid", EID, "trade_no", "t\u0000", "amount", "1"}));
            cases.add(Arguments.of(path, new String[] {"eid", Unique.id("nobody"), "trade_no", "h1", "amount", "1"}));
            cases.add(Arguments.of(path, new String[] {"eid", EID, "trade_no", "h1", "amount", "1", "amount", "2"}));
        }
        cases.add(Arguments.of(
                "/account/balance/deduct", new String[] {"eid", EID, "trade_no", "big", "amount", "1001"}));
        cases.add(
                Arguments.of("/account/balance/refund", new String[] {"eid", EID, "trade_no", "seed", "amount", "1"}));
        cases.add(Arguments.of("/account/balance/add", new String[] {"eid", EID, "trade_no", "seed", "amount", "2"}));
        cases.add(Arguments.of("/account/create", new String[] {"eid", Unique.id("c"), "name", HUGE}));
        cases.add(Arguments.of("/account/create", new String[] {"eid", Unique.id("c"), "name", "a\u0007b"}));
        cases.add(Arguments.of("/account/create", new String[] {"eid", Unique.id("c"), "name", "   "}));
        cases.add(Arguments.of("/account/create", new String[] {"eid", Unique.id("c")}));
        cases.add(Arguments.of("/account/create", new String[] {"eid", Unique.id("c"), "name", "n", "credit", "-1"}));
        cases.add(Arguments.of("/account/create", new String[] {"eid", HUGE, "name", "n"}));
        cases.add(Arguments.of("/account/create", new String[] {"eid", "a/../../etc", "name", "n", "ident", "%00"}));
        cases.add(Arguments.of("/account/create", new String[] {"eid", EID, "name", "other name"}));
        cases.add(Arguments.of("/account/credit/set", new String[] {"eid", EID, "credit", "abc"}));
        cases.add(Arguments.of("/account/record/query", new String[] {"eid", EID, "pi", "-1"}));
        cases.add(Arguments.of("/account/record/query", new String[] {"eid", EID, "ps", "0"}));
        cases.add(Arguments.of("/account/record/query", new String[] {"eid", EID, "ps", "100000"}));
        cases.add(Arguments.of("/account/record/query", new String[] {"eid", EID, "change_type", "9"}));
        cases.add(Arguments.of("/account/record/query", new String[] {"eid", EID, "start_time", "20241345"}));
        cases.add(Arguments.of("/account/record/query", new String[] {"eid", EID, "start_time", "tomorrow"}));
        cases.add(Arguments.of(
                "/account/record/query", new String[] {"eid", EID, "start_time", "20250105", "end_time", "20250101"}));
        for (String op : List.of("add", "deduct", "refund")) {
            String path = "/package/capacity/" + op;
            badAmounts()
                    .forEach(num -> cases.add(
                            Arguments.of(path, new String[] {"eid", EID, "sid", "p1", "trade_no", "h1", "num", num})));
            cases.add(Arguments.of(path, new String[] {"eid", EID, "sid", HUGE, "trade_no", "h1", "num", "1"}));
            cases.add(Arguments.of(path, new String[] {"eid", EID, "trade_no", "h1", "num", "1"}));
            cases.add(Arguments.of(path, new String[] {"eid", EID, "sid", "nope", "trade_no", "h1", "num", "1"}));
        }
        cases.add(Arguments.of(
                "/package/capacity/deduct", new String[] {"eid", EID, "sid", "p1", "trade_no", "big", "num", "101"}));
        cases.add(Arguments.of("/package/create", new String[] {"eid", EID, "sid", "p2", "name", "n", "total", "-1"}));
        cases.add(Arguments.of("/package/create", new String[] {"eid", EID, "sid", "p2", "name", "n"}));
        cases.add(Arguments.of("/account/create", new String[] {"eid", Unique.id("c"), "name", WIDE}));
        cases.add(Arguments.of("/package/create", new String[] {"eid", EID, "sid", "p3", "name", WIDE, "total", "1"}));
        cases.add(Arguments.of(
                "/package/create",
                new String[] {"eid", EID, "sid", "p2", "name", "n", "total", "1", "expires", "2099-12-31"}));
        cases.add(Arguments.of(
                "/package/create", new String[] {"eid", EID, "sid", "p2", "name", "n", "total", "1", "daily", "x"}));
        // Dates a MySQL datetime cannot hold (years 1000 to 9999 only)
        for (String expires : new String[] {"00000101", "09991231235959", "99991231235959"}) {
            cases.add(Arguments.of(
                    "/package/create",
                    new String[] {"eid", EID, "sid", "p4", "name", "n", "total", "1", "expires", expires}));
        }
        cases.add(Arguments.of("/package/create", new String[] {"eid", EID, "sid", "p1", "name", "n", "total", "5"}));
        cases.add(Arguments.of("/package/record/query", new String[] {"eid", EID, "sid", HUGE}));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("hostileRequests")
    void hostile_input_is_a_4xx_problem_with_a_code_and_writes_nothing(String path, String[] params) {
        long before = rows();
        for (Response response : List.of(http.get(path, params), http.postForm(path, params))) {
            assertThat(response.status()).as(response.toString()).isBetween(400, 499);
            if (response.contentType().contains("json")) {
                assertThat(response.json().get("code").asInt())
                        .as(response.toString())
                        .isPositive();
                assertThat(response.json().get("msg").asString()).isNotBlank();
            }
        }
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void a_bad_credit_is_an_invalid_amount_903_as_any_bad_amount() {
        for (String credit : List.of("-1", "abc", "1.5", "99999999999999999999")) {
            Response created = http.get("/account/create", "eid", Unique.id("cr"), "name", "n", "credit", credit);
            Response set = http.get("/account/credit/set", "eid", EID, "credit", credit);
            for (Response refused : List.of(created, set)) {
                assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
                assertThat(refused.json().get("code").asInt())
                        .as(refused.toString())
                        .isEqualTo(903);
            }
        }
    }

    @Test
    void a_name_of_emoji_within_the_limit_is_kept_as_written_on_every_database() {
        String name = "\uD83D\uDE00".repeat(32);
        String eid = Unique.id("wide");
        Response created = http.get("/account/create", "eid", eid, "name", name);
        assertThat(created.status()).as(created.toString()).isBetween(200, 201);
        assertThat(http.get("/account/balance/query", "eid", eid)
                        .json()
                        .get("account_name")
                        .asString())
                .isEqualTo(name);
    }

    static Stream<String> adminPaths() {
        return Stream.of(
                "/account/create?eid=x&name=y",
                "/account/balance/add?eid=x&trade_no=t&amount=1",
                "/account/balance/deduct?eid=x&trade_no=t&amount=1",
                "/account/balance/refund?eid=x&trade_no=t&amount=1",
                "/account/balance/query?eid=x",
                "/account/record/query?eid=x",
                "/package/create?eid=x&sid=s&name=n&total=1",
                "/package/capacity/deduct?eid=x&sid=s&trade_no=t&num=1",
                "/admin/jobs",
                "/admin/wallet/ledger-check",
                "/actuator/prometheus",
                "/actuator/metrics");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("adminPaths")
    void without_a_valid_admin_token_every_wallet_and_admin_endpoint_is_401(String pathAndQuery) {
        long before = rows();
        for (Http client :
                List.of(http.withoutToken(), http.withToken("wrong-token-but-long-enough"), http.withToken("x"))) {
            Response response = client.getRaw(pathAndQuery);
            assertThat(response.status()).as(pathAndQuery + " " + response).isEqualTo(401);
            assertThat(response.json().get("code").asInt()).isEqualTo(401);
            assertThat(response.headers().get("www-authenticate")).isEqualTo("Bearer");
        }
        // A header beyond the server's limit is refused by the server itself, still as a 4xx.
        assertThat(http.withToken(HUGE).getRaw(pathAndQuery).status()).isBetween(400, 499);
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void a_basic_authorization_header_is_not_a_bearer_token() {
        String basic = "GET /account/query?eid=" + EID + " HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Basic " + Base64.getEncoder().encodeToString("admin:admin".getBytes())
                + "\r\nConnection: close\r\n\r\n";
        assertThat(http.rawStatus(basic)).isEqualTo(401);
    }

    @Test
    void malformed_requests_are_4xx_not_5xx() {
        long before = rows();
        String auth = "Authorization: Bearer " + TestDatabases.ADMIN_TOKEN + "\r\n";
        assertThat(http.rawStatus("GET /account/balance/add?eid=" + EID + "&trade_no=%zz&amount=1 HTTP/1.1\r\n"
                        + "Host: x\r\n" + auth + "Connection: close\r\n\r\n"))
                .isBetween(400, 499);
        assertThat(http.rawStatus("GET /account/balance/add?eid=" + EID + "&trade_no=\u00ff\u0001&amount=1 HTTP/1.1\r\n"
                        + "Host: x\r\n" + auth + "Connection: close\r\n\r\n"))
                .isBetween(400, 499);
        assertThat(http.rawStatus("POST /account/balance/add HTTP/1.1\r\nHost: x\r\n" + auth
                        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\n"
                        + "Connection: close\r\n\r\neid=%"))
                .isBetween(400, 499);
        assertThat(http.getRaw("/account/balance/add?eid=" + EID + "&trade_no=" + HUGE + "&amount=1")
                        .status())
                .isBetween(400, 499);
        assertThat(http.post("/account/balance/add", "application/json", "{\"eid\": [")
                        .status())
                .isBetween(400, 499);
        assertThat(http.post("/account/balance/add", "text/xml", "<x/>").status())
                .isBetween(400, 499);
        Response put = http.method("PUT", "/account/balance/add?eid=x");
        assertThat(put.status()).isEqualTo(405);
        assertThat(put.headers().get("allow")).as("the methods it takes").contains("GET", "POST");
        assertThat(http.method("DELETE", "/account/query?eid=x").status()).isEqualTo(405);
        Response xml = http.post("/admin/catalog/lines", "text/xml", "<x/>");
        assertThat(xml.status()).isEqualTo(415);
        assertThat(xml.headers().get("accept")).as("the content types it takes").contains("application/json");
        assertThat(http.rawStatus("GET /account/balance/query?eid=" + EID + " HTTP/1.1\r\nHost: x\r\n" + auth
                        + "Accept: text/csv\r\nConnection: close\r\n\r\n"))
                .as("no answer in a type it accepts")
                .isEqualTo(406);
        assertThat(http.get("/account/nothing-here").status()).isEqualTo(404);
        assertThat(rows()).isEqualTo(before);
    }
}
