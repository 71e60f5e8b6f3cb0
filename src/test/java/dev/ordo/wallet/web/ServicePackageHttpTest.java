package dev.ordo.wallet.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.testing.AtOnce;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Http;
import dev.ordo.testing.Http.Response;
import dev.ordo.testing.Unique;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** SPEC B3 through seed 003's package paths, on the real database. */
@DatabaseTest
class ServicePackageHttpTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    Http http;
    String eid;

    @BeforeEach
    void setUp() {
        http = new Http(port);
        eid = Unique.id("pkg");
        http.get("/account/create", "eid", eid, "name", "colin");
    }

    private Response open(String sid, String total, String... extra) {
        List<String> params = new ArrayList<>(List.of("eid", eid, "sid", sid, "name", "sms", "total", total));
        params.addAll(List.of(extra));
        return http.get("/package/create", params.toArray(String[]::new));
    }

    private Response op(String path, String sid, String tradeNo, long num) {
        return http.get(
                "/package/capacity/" + path, "eid", eid, "sid", sid, "trade_no", tradeNo, "num", Long.toString(num));
    }

    private long remain(String sid) {
        return http.get("/package/query", "eid", eid, "sid", sid)
                .json()
                .get("total_remain")
                .asLong();
    }

    @Test
    void the_seed_example_opens_a_package_with_its_capacity_as_the_first_record() {
        Response created = http.getRaw("/package/create?eid=" + eid + "&sid=1000&name=colin&total=1000");
        assertThat(created.status()).isEqualTo(200);
        JsonNode p = created.json();
        assertThat(p.get("spkg_id").asString()).isEqualTo("1000");
        assertThat(p.get("pkg_name").asString()).isEqualTo("colin");
        assertThat(p.get("total_capacity").asLong()).isEqualTo(1000);
        assertThat(p.get("total_remain").asLong()).isEqualTo(1000);
        assertThat(p.get("capacity_daily").asLong()).isZero();
        assertThat(p.get("expires").asString()).isEqualTo("20991231000000");
        JsonNode records =
                http.get("/package/record/query", "eid", eid, "sid", "1000").json();
        assertThat(records).hasSize(1);
        assertThat(records.get(0).get("num").asLong()).isEqualTo(1000);
        assertThat(records.get(0).get("change_type").asInt()).isEqualTo(1);
    }

    @Test
    void opening_again_answers_201_and_other_terms_are_a_conflict() {
        assertThat(open("s1", "100").status()).isEqualTo(200);
        assertThat(open("s1", "100").status()).isEqualTo(201);
        assertThat(open("s1", "200").status()).isEqualTo(409);
    }

    @Test
    void the_records_of_an_unknown_account_or_package_are_not_found() {
        Response noAccount = http.get("/package/record/query", "eid", Unique.id("nobody"));
        assertThat(noAccount.status()).isEqualTo(404);
        assertThat(noAccount.json().get("code").asInt()).isEqualTo(908);
        Response noPackage = http.get("/package/record/query", "eid", eid, "sid", "never-opened");
        assertThat(noPackage.status()).isEqualTo(404);
        assertThat(noPackage.json().get("code").asInt()).isEqualTo(908);
        open("s1", "100");
        assertThat(http.get("/package/record/query", "eid", eid).status()).isEqualTo(200);
    }

    @Test
    void a_package_needs_an_existing_account() {
        Response response =
                http.get("/package/create", "eid", Unique.id("nobody"), "sid", "s", "name", "n", "total", "1");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("code").asInt()).isEqualTo(908);
    }

    @Test
    void a_locked_account_gets_no_new_package_nor_capacity_moves_but_its_repeats_are_answered() {
        open("s1", "100");
        op("deduct", "s1", "d1", 10);
        assertThat(http.get("/account/lock", "eid", eid).status()).isEqualTo(200);

        Response opened = open("s2", "1000");
        assertThat(opened.status()).isEqualTo(422);
        assertThat(opened.json().get("code").asInt()).isEqualTo(907);
        assertThat(http.get("/package/query", "eid", eid, "sid", "s2").status())
                .as("nothing written")
                .isEqualTo(404);
        assertThat(open("s1", "100").status())
                .as("the existing package, as it was opened")
                .isEqualTo(201);
        assertThat(op("add", "s1", "a1", 5).json().get("code").asInt()).isEqualTo(907);
        assertThat(op("deduct", "s1", "d2", 5).json().get("code").asInt()).isEqualTo(907);
        assertThat(op("deduct", "s1", "d1", 10).status()).as("a repeat").isEqualTo(201);
        assertThat(remain("s1")).isEqualTo(90);
    }

    @Test
    void add_raises_capacity_and_remain_deduct_lowers_remain_never_below_zero() {
        open("s1", "100");
        Response added = op("add", "s1", "a1", 50);
        assertThat(added.status()).isEqualTo(200);
        assertThat(added.json().get("remain").asLong()).isEqualTo(150);
        assertThat(http.get("/package/query", "eid", eid, "sid", "s1")
                        .json()
                        .get("total_capacity")
                        .asLong())
                .isEqualTo(150);
        Response refused = op("deduct", "s1", "d1", 151);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("code").asInt()).isEqualTo(904);
        Response deducted = op("deduct", "s1", "d2", 150);
        assertThat(deducted.json().get("num").asLong()).isEqualTo(-150);
        assertThat(deducted.json().get("remain").asLong()).isZero();
    }

    @Test
    void capacity_operations_are_idempotent_by_trade_number() {
        open("s1", "100");
        Response first = op("deduct", "s1", "d1", 30);
        Response again = op("deduct", "s1", "d1", 30);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json()).isEqualTo(first.json());
        assertThat(op("deduct", "s1", "d1", 31).status()).isEqualTo(409);
        assertThat(remain("s1")).isEqualTo(70);
    }

    @Test
    void one_trade_number_sent_twenty_times_at_once_deducts_once_and_every_repeat_answers_it() throws Exception {
        open("s1", "100");
        List<Response> answers = AtOnce.call(20, 20, i -> op("deduct", "s1", "same", 7));
        assertThat(answers.stream().filter(r -> r.status() == 200))
                .as("one new record (200), repeats answering it (201)")
                .hasSize(1);
        assertThat(answers).extracting(Response::status).containsOnly(200, 201);
        assertThat(remain("s1")).isEqualTo(93);
    }

    /** B3 under load: capacity is never deducted below zero, and every record's remain follows from the last. */
    @Test
    void a_thousand_deducts_of_one_from_32_threads_take_exactly_the_remain() throws Exception {
        open("s1", "300");
        List<Response> answers = AtOnce.call(1_000, 32, i -> op("deduct", "s1", "c" + i, 1));
        assertThat(answers).extracting(Response::status).containsOnly(200, 422);
        assertThat(answers.stream().filter(r -> r.status() == 200)).hasSize(300);
        assertThat(answers.stream().filter(r -> r.status() == 422))
                .allSatisfy(r -> assertThat(r.json().get("code").asInt()).isEqualTo(904));
        assertThat(remain("s1")).isZero();
        assertRecordsChain("s1", 0);
    }

    @Test
    void concurrent_deducts_never_pass_the_daily_limit() throws Exception {
        open("s1", "1000", "daily", "100");
        List<Response> answers = AtOnce.call(400, 32, i -> op("deduct", "s1", "c" + i, 1));
        assertThat(answers.stream().filter(r -> r.status() == 200)).hasSize(100);
        assertThat(answers.stream().filter(r -> r.status() != 200))
                .allSatisfy(r -> assertThat(r.json().get("code").asInt()).isEqualTo(906));
        assertThat(http.get("/package/capacity/query", "eid", eid, "sid", "s1")
                        .json()
                        .get("deduct_today")
                        .asLong())
                .isEqualTo(100);
        assertThat(remain("s1")).isEqualTo(900);
        assertRecordsChain("s1", 900);
    }

    @Test
    void a_capacity_deduct_refunded_by_twenty_concurrent_requests_is_refunded_once() throws Exception {
        open("s1", "100");
        op("deduct", "s1", "d1", 30);
        List<Response> answers = AtOnce.call(20, 20, i -> op("refund", "s1", "d1", 30));
        assertThat(answers.stream().filter(r -> r.status() == 200)).hasSize(1);
        assertThat(answers).extracting(Response::status).containsOnly(200, 201);
        assertThat(remain("s1")).isEqualTo(100);
        assertRecordsChain("s1", 100);
    }

    /** The package's records, in version order, each leave the remain the previous one left plus its change. */
    private void assertRecordsChain(String sid, long remain) {
        List<Map<String, Object>> records =
                jdbc.sql("""
                        select r.change_type, r.num, r.remain from wallet_package_record r
                        join wallet_package p on p.pkg_id = r.pkg_id
                        join wallet_account a on a.account_id = p.account_id
                        where a.eid = :eid and p.spkg_id = :sid order by r.pkg_version""").param("eid", eid).param("sid", sid).query().listOfRows();
        assertThat(records).as("the package has records").isNotEmpty();
        long running = 0;
        for (Map<String, Object> r : records) {
            long num = ((Number) r.get("num")).longValue();
            running += ((Number) r.get("change_type")).intValue() == 2 ? -Math.abs(num) : Math.abs(num);
            assertThat(((Number) r.get("remain")).longValue()).isEqualTo(running);
        }
        assertThat(running).isEqualTo(remain);
    }

    @Test
    void a_refund_returns_at_most_its_deduct_once() {
        open("s1", "100");
        op("deduct", "s1", "d1", 30);
        assertThat(op("refund", "s1", "d1", 31).status()).isEqualTo(422);
        assertThat(op("refund", "s1", "nothing", 1).json().get("code").asInt()).isEqualTo(905);
        assertThat(op("refund", "s1", "d1", 30).status()).isEqualTo(200);
        assertThat(op("refund", "s1", "d1", 30).status()).isEqualTo(201);
        assertThat(remain("s1")).isEqualTo(100);
    }

    @Test
    void the_daily_limit_counts_todays_deducts_net_of_their_refunds() {
        open("s1", "1000", "daily", "100");
        op("deduct", "s1", "d1", 60);
        Response over = op("deduct", "s1", "d2", 41);
        assertThat(over.status()).isEqualTo(422);
        assertThat(over.json().get("code").asInt()).isEqualTo(906);
        op("refund", "s1", "d1", 60);
        assertThat(http.get("/package/capacity/query", "eid", eid, "sid", "s1")
                        .json()
                        .get("deduct_today")
                        .asLong())
                .isZero();
        assertThat(op("deduct", "s1", "d2", 100).status()).isEqualTo(200);
    }

    @Test
    void an_expired_package_refuses_deducts() {
        String yesterday = LocalDate.now().minusDays(1).format(DateTimeFormatter.BASIC_ISO_DATE);
        open("s1", "100", "expires", yesterday);
        Response refused = op("deduct", "s1", "d1", 1);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("code").asInt()).isEqualTo(906);
        assertThat(remain("s1")).isEqualTo(100);
    }

    @Test
    void records_of_all_packages_of_an_account_or_of_one() {
        open("s1", "10");
        open("s2", "20");
        op("deduct", "s2", "d1", 5);
        assertThat(http.get("/package/record/query", "eid", eid).json()).hasSize(3);
        JsonNode s2 = http.get("/package/record/query", "eid", eid, "sid", "s2").json();
        assertThat(s2).hasSize(2);
        assertThat(s2.get(0).get("trade_no").asString()).isEqualTo("d1");
        assertThat(http.get("/package/record/query", "eid", eid, "sid", "s2", "change_type", "2")
                        .json())
                .hasSize(1);
    }

    @Test
    void an_unknown_package_is_908_and_reserved_trade_numbers_are_refused() {
        assertThat(op("deduct", "nope", "d1", 1).json().get("code").asInt()).isEqualTo(908);
        open("s1", "10");
        Response reserved = op("add", "s1", "#open", 10);
        assertThat(reserved.status()).isEqualTo(400);
        assertThat(remain("s1")).isEqualTo(10);
    }
}
