package dev.ordo.wallet.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Http;
import dev.ordo.testing.Http.Response;
import dev.ordo.testing.Unique;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** SPEC B2 and B4 through seed 003's HTTP paths, on the real database. */
@DatabaseTest
class WalletHttpTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    Http http;
    String eid;

    @BeforeEach
    void setUp() {
        http = new Http(port);
        eid = Unique.id("acct");
        assertThat(http.get("/account/create", "eid", eid, "name", "colin").status())
                .isEqualTo(200);
    }

    private Response add(String tradeNo, long amount) {
        return http.get("/account/balance/add", "eid", eid, "trade_no", tradeNo, "amount", Long.toString(amount));
    }

    private Response deduct(String tradeNo, long amount) {
        return http.get("/account/balance/deduct", "eid", eid, "trade_no", tradeNo, "amount", Long.toString(amount));
    }

    private Response refund(String tradeNo, long amount) {
        return http.get("/account/balance/refund", "eid", eid, "trade_no", tradeNo, "amount", Long.toString(amount));
    }

    private long balance() {
        return http.get("/account/balance/query", "eid", eid)
                .json()
                .get("balance")
                .asLong();
    }

    private long records() {
        return jdbc.sql("select count(*) from wallet_record r join wallet_account a on a.account_id = r.account_id"
                        + " where a.eid = :eid")
                .param("eid", eid)
                .query(Long.class)
                .single();
    }

    @Test
    void the_seed_examples_work_as_written_with_default_ident_and_groups() {
        String seedEid = Unique.id("86001");
        Response created = http.getRaw("/account/create?eid=" + seedEid + "&name=colin");
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.json().get("account_name").asString()).isEqualTo("colin");
        assertThat(created.json().get("ident").asString()).isEqualTo("ordo");
        assertThat(created.json().get("groups").asString()).isEqualTo("default");
        assertThat(created.json().get("balance").asLong()).isZero();
        assertThat(created.json().get("credit").asLong()).isZero();

        Response added = http.getRaw("/account/balance/add?eid=" + seedEid + "&trade_no=8970&amount=200");
        assertThat(added.status()).isEqualTo(200);
        JsonNode record = added.json();
        assertThat(record.get("account_id").asLong())
                .isEqualTo(created.json().get("account_id").asLong());
        assertThat(record.get("amount").asLong()).isEqualTo(200);
        assertThat(record.get("balance").asLong()).isEqualTo(200);
        assertThat(record.get("change_type").asInt()).isEqualTo(1);
        assertThat(record.get("trade_no").asString()).isEqualTo("8970");
        assertThat(record.get("create_time").asString()).matches("\\d{14}");

        Response query = http.getRaw("/account/balance/query?eid=" + seedEid);
        assertThat(query.status()).isEqualTo(200);
        assertThat(query.json().get("balance").asLong()).isEqualTo(200);
    }

    @Test
    void post_form_works_like_get_query() {
        Response added = http.postForm("/account/balance/add", "eid", eid, "trade_no", "p1", "amount", "500");
        assertThat(added.status()).isEqualTo(200);
        Response deducted = http.postForm("/account/balance/deduct", "eid", eid, "trade_no", "p2", "amount", "200");
        assertThat(deducted.json().get("amount").asLong()).isEqualTo(-200);
        assertThat(deducted.json().get("balance").asLong()).isEqualTo(300);
        assertThat(http.postForm("/account/balance/query", "eid", eid)
                        .json()
                        .get("balance")
                        .asLong())
                .isEqualTo(300);
    }

    @Test
    void accounts_are_told_apart_by_ident_and_groups() {
        Response other = http.get("/account/create", "ident", "oms", "groups", "down_channel", "eid", eid, "name", "n");
        assertThat(other.status()).isEqualTo(200);
        assertThat(other.json().get("account_id").asLong())
                .isNotEqualTo(http.get("/account/query", "eid", eid)
                        .json()
                        .get("account_id")
                        .asLong());
        assertThat(http.get(
                                "/account/balance/add",
                                "ident",
                                "oms",
                                "groups",
                                "down_channel",
                                "eid",
                                eid,
                                "trade_no",
                                "x",
                                "amount",
                                "70")
                        .json()
                        .get("balance")
                        .asLong())
                .as("the other account took it")
                .isEqualTo(70);
        assertThat(balance()).isZero();
    }

    @Test
    void creating_an_existing_account_answers_201_with_it_and_another_name_is_a_conflict() {
        Response again = http.get("/account/create", "eid", eid, "name", "colin");
        assertThat(again.status()).isEqualTo(201);
        Response renamed = http.get("/account/create", "eid", eid, "name", "someone else");
        assertThat(renamed.status()).isEqualTo(409);
        assertThat(renamed.json().get("code").asInt()).isEqualTo(909);
    }

    @Test
    void creating_again_after_the_credit_was_set_answers_201_unless_another_credit_is_asked_for() {
        assertThat(http.get("/account/credit/set", "eid", eid, "credit", "50").status())
                .isEqualTo(200);

        Response again = http.get("/account/create", "eid", eid, "name", "colin");
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json().get("credit").asLong()).isEqualTo(50);
        assertThat(http.get("/account/create", "eid", eid, "name", "colin", "credit", "50")
                        .status())
                .isEqualTo(201);
        assertThat(http.get("/account/create", "eid", eid, "name", "colin", "credit", "0")
                        .status())
                .isEqualTo(409);
    }

    @Test
    void a_repeated_trade_number_answers_201_with_the_original_record() {
        Response first = add("t1", 300);
        Response again = add("t1", 300);
        assertThat(first.status()).isEqualTo(200);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json()).isEqualTo(first.json());
        assertThat(balance()).isEqualTo(300);
        assertThat(records()).isEqualTo(1);
    }

    @Test
    void a_trade_number_repeated_with_another_amount_is_refused_as_a_conflict() {
        add("t1", 300);
        Response conflict = add("t1", 301);
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.json().get("code").asInt()).isEqualTo(909);
        assertThat(balance()).isEqualTo(300);
        assertThat(records()).isEqualTo(1);
    }

    @Test
    void a_deduct_never_takes_balance_plus_credit_below_zero() {
        add("t1", 100);
        Response refused = deduct("d1", 101);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("code").asInt()).isEqualTo(904);
        assertThat(balance()).isEqualTo(100);
        assertThat(deduct("d2", 100).json().get("balance").asLong()).isZero();
    }

    @Test
    void a_deduct_may_use_the_credit() {
        http.get("/account/credit/set", "eid", eid, "credit", "50");
        add("t1", 100);
        assertThat(deduct("d1", 150).json().get("balance").asLong()).isEqualTo(-50);
        assertThat(deduct("d2", 1).status()).isEqualTo(422);
    }

    @Test
    void the_credit_cannot_be_lowered_below_what_is_already_spent() {
        http.get("/account/credit/set", "eid", eid, "credit", "50");
        deduct("d1", 40);
        assertThat(http.get("/account/credit/set", "eid", eid, "credit", "39").status())
                .isEqualTo(422);
        assertThat(http.get("/account/credit/set", "eid", eid, "credit", "40").status())
                .isEqualTo(200);
    }

    @Test
    void a_refund_carries_the_deducts_trade_number_and_never_exceeds_it() {
        add("t1", 500);
        deduct("d1", 200);
        Response tooMuch = refund("d1", 201);
        assertThat(tooMuch.status()).isEqualTo(422);
        assertThat(tooMuch.json().get("code").asInt()).isEqualTo(905);
        Response refunded = refund("d1", 200);
        assertThat(refunded.status()).isEqualTo(200);
        assertThat(refunded.json().get("change_type").asInt()).isEqualTo(3);
        assertThat(refunded.json().get("amount").asLong()).isEqualTo(200);
        assertThat(balance()).isEqualTo(500);
    }

    @Test
    void a_refund_without_a_deduct_is_refused() {
        add("t1", 500);
        Response refused = refund("t1", 100);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("code").asInt()).isEqualTo(905);
        assertThat(balance()).isEqualTo(500);
    }

    @Test
    void a_deduct_is_refunded_once_a_partial_refund_included() {
        add("t1", 500);
        deduct("d1", 200);
        assertThat(refund("d1", 50).status()).isEqualTo(200);
        assertThat(refund("d1", 50).status()).isEqualTo(201);
        assertThat(refund("d1", 150).status()).isEqualTo(409);
        assertThat(balance()).isEqualTo(350);
    }

    @Test
    void an_unknown_account_is_908_and_nothing_is_written() {
        String ghost = Unique.id("ghost");
        Response response = http.get("/account/balance/add", "eid", ghost, "trade_no", "t", "amount", "1");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("code").asInt()).isEqualTo(908);
        assertThat(http.get("/account/balance/query", "eid", ghost).status()).isEqualTo(404);
        assertThat(http.get("/account/record/query", "eid", ghost).status()).isEqualTo(404);
    }

    @Test
    void a_locked_account_refuses_changes_until_unlocked() {
        add("t1", 100);
        assertThat(http.get("/account/lock", "eid", eid).json().get("status").asInt())
                .isEqualTo(1);
        Response refused = deduct("d1", 10);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("code").asInt()).isEqualTo(907);
        assertThat(add("t1", 100).status()).isEqualTo(201);
        http.get("/account/unlock", "eid", eid);
        assertThat(deduct("d1", 10).status()).isEqualTo(200);
    }

    @Test
    void every_change_writes_a_record_with_the_balance_after_it_newest_first() {
        add("t1", 500);
        deduct("d1", 200);
        refund("d1", 200);
        deduct("d2", 100);
        JsonNode list = http.get("/account/record/query", "eid", eid).json();
        assertThat(list).hasSize(4);
        assertThat(list.get(0).get("trade_no").asString()).isEqualTo("d2");
        assertThat(list.get(0).get("balance").asLong()).isEqualTo(400);
        assertThat(list.get(1).get("change_type").asInt()).isEqualTo(3);
        assertThat(list.get(1).get("balance").asLong()).isEqualTo(500);
        assertThat(list.get(2).get("amount").asLong()).isEqualTo(-200);
        assertThat(list.get(3).get("balance").asLong()).isEqualTo(500);
    }

    @Test
    void records_are_queried_by_type_time_range_and_page() {
        for (int i = 0; i < 5; i++) {
            add("a" + i, 10);
        }
        deduct("d1", 5);
        assertThat(http.get("/account/record/query", "eid", eid, "change_type", "2")
                        .json())
                .hasSize(1);
        assertThat(http.get("/account/record/query", "eid", eid, "change_type", "1")
                        .json())
                .hasSize(5);
        JsonNode page0 = http.get("/account/record/query", "eid", eid, "pi", "0", "ps", "4")
                .json();
        JsonNode page1 = http.get("/account/record/query", "eid", eid, "pi", "1", "ps", "4")
                .json();
        assertThat(page0).hasSize(4);
        assertThat(page1).hasSize(2);
        assertThat(page1.get(1).get("trade_no").asString()).isEqualTo("a0");
        ZoneId zone = ZoneId.systemDefault();
        String today = LocalDate.now(zone).format(DateTimeFormatter.BASIC_ISO_DATE);
        String yesterday = LocalDate.now(zone).minusDays(1).format(DateTimeFormatter.BASIC_ISO_DATE);
        assertThat(http.get("/account/record/query", "eid", eid, "start_time", today, "end_time", today)
                        .json())
                .hasSize(6);
        assertThat(http.get("/account/record/query", "eid", eid, "start_time", yesterday, "end_time", yesterday)
                        .json())
                .isEmpty();
    }
}
