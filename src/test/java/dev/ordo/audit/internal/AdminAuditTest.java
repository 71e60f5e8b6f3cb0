package dev.ordo.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.audit.AuditEntry;
import dev.ordo.jobs.RecurringJob;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Http;
import dev.ordo.testing.Http.Response;
import dev.ordo.testing.Unique;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** SPEC K6: every admin change is audited — who, when, what, how it was answered — with secrets masked. */
@DatabaseTest
class AdminAuditTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JdbcAudit audit;

    @Autowired
    @Qualifier("auditRetention")
    RecurringJob retention;

    Http http;

    @BeforeEach
    void setUp() {
        http = new Http(port);
    }

    private Response postLine(long lineId, String name) {
        return http.post(
                "/admin/catalog/lines",
                "application/json",
                "{\"line_id\":%d,\"line_name\":\"%s\",\"can_package_delivery\":1}".formatted(lineId, name));
    }

    private JsonNode latest(String path) {
        Response found = http.get("/admin/audit", "path", path, "limit", "1");
        assertThat(found.status()).as(found.body()).isEqualTo(200);
        assertThat(found.json().size()).isEqualTo(1);
        return found.json().get(0);
    }

    @Test
    void an_admin_change_is_recorded_with_its_actor_body_and_status() {
        String name = Unique.id("line");
        Response saved = postLine(61, name);
        assertThat(saved.status()).isEqualTo(200);

        JsonNode entry = latest("/admin/catalog/lines");
        assertThat(entry.get("method").asString()).isEqualTo("POST");
        assertThat(entry.get("path").asString()).isEqualTo("/admin/catalog/lines");
        assertThat(entry.get("actor").asString()).isEqualTo("admin");
        assertThat(entry.get("status").asInt()).isEqualTo(200);
        assertThat(entry.get("body").asString()).contains(name);
        assertThat(Instant.parse(entry.get("at").asString()))
                .isBetween(Instant.now().minusSeconds(60), Instant.now());
    }

    @Test
    void a_refused_change_is_recorded_with_the_status_it_was_answered() {
        String name = Unique.id("bad");
        Response refused = postLine(-1, name);
        assertThat(refused.status()).isEqualTo(400);
        JsonNode entry = latest("/admin/catalog/lines");
        assertThat(entry.get("status").asInt()).isEqualTo(400);
        assertThat(entry.get("body").asString()).contains(name);
    }

    @Test
    void secrets_in_bodies_and_parameters_are_masked() {
        String secret = Unique.id("s3cret");
        String supplier = Unique.id("audsup");
        http.post("/admin/catalog/up-channels", "application/json", """
                {"channel_no":"%s","channel_name":"x","status":1,"service_class":10,"protocol":"reference-http",
                 "request_url":"http://ordo:%s@127.0.0.1:1/submit?n=1&key=%s","query_url":"http://127.0.0.1:1/query",
                 "return_url":"http://127.0.0.1:1/return","can_query":1,"first_query_time":1,
                 "query_replenish_time":1,"request_replenish_time":60,"timeout_ms":2000,"secret":"%s"}""".formatted(supplier, secret, secret, secret));
        JsonNode entry = latest("/admin/catalog/up-channels");
        assertThat(entry.get("body").asString())
                .contains(supplier)
                .contains("\"secret\":\"***\"")
                .contains("http://***@127.0.0.1:1/submit?n=1&key=***")
                .doesNotContain(secret);

        http.post("/admin/acquiring/units/987654321987/resolve?result=success&api_token=" + secret, "text/plain", "");
        JsonNode resolve = latest("/admin/acquiring/units/987654321987/resolve");
        assertThat(resolve.get("query").asString()).isEqualTo("result=success&api_token=***");
        assertThat(jdbc.sql("select count(*) from admin_audit where body like :s or query like :s")
                        .param("s", "%" + secret + "%")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void reads_and_requests_without_a_valid_token_are_not_recorded() {
        long before = count();
        http.get("/admin/catalog/lines");
        http.get("/admin/audit");
        assertThat(http.withoutToken()
                        .post("/admin/catalog/lines", "application/json", "{\"line_id\":62}")
                        .status())
                .isEqualTo(401);
        assertThat(count()).isEqualTo(before);
        assertThat(jdbc.sql("select count(*) from admin_audit where method = 'GET' and path like '/admin/%'")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void a_change_sent_to_an_escaped_spelling_of_its_path_is_recorded_under_the_path_it_reached() {
        String eid = Unique.id("esc");
        assertThat(http.get("/account/create", "eid", eid, "name", "escaped").status())
                .isBetween(200, 201);
        // %63 is 'c': the handler of /account/credit/set answers it
        assertThat(http.get("/account/%63redit/set", "eid", eid, "credit", "700")
                        .status())
                .isEqualTo(200);

        JsonNode credit = latest("/account/credit/set");
        assertThat(credit.get("path").asString()).isEqualTo("/account/credit/set");
        assertThat(credit.get("query").asString()).contains("eid=" + eid).contains("credit=700");
    }

    @Test
    void wallet_changes_of_an_accounts_terms_are_recorded_whatever_their_method_but_balance_moves_are_not() {
        String eid = Unique.id("aud");
        assertThat(http.get("/account/create", "eid", eid, "name", "audited").status())
                .isBetween(200, 201);
        assertThat(http.get("/account/credit/set", "eid", eid, "credit", "5000").status())
                .isEqualTo(200);
        assertThat(http.postForm("/account/lock", "eid", eid).status()).isEqualTo(200);

        JsonNode credit = latest("/account/credit/set");
        assertThat(credit.get("method").asString()).isEqualTo("GET");
        assertThat(credit.get("query").asString()).contains("eid=" + eid).contains("credit=5000");
        assertThat(credit.get("actor").asString()).isNotBlank();
        assertThat(credit.get("status").asInt()).isEqualTo(200);
        assertThat(latest("/account/lock").get("method").asString()).isEqualTo("POST");
        assertThat(latest("/account/create").get("query").asString()).contains("eid=" + eid);

        long before = count();
        http.get("/account/unlock", "eid", eid);
        http.get("/account/balance/add", "eid", eid, "trade_no", Unique.id("t"), "amount", "1");
        http.get("/account/balance/query", "eid", eid);
        assertThat(count())
                .as("the unlock only: a balance move is its ledger record, a read is not a change")
                .isEqualTo(before + 1);
    }

    @Test
    void bad_search_parameters_are_refused() {
        for (String[] bad : new String[][] {
            {"limit", "0"},
            {"limit", "1001"},
            {"limit", "x"},
            {"from", "yesterday"},
            {"to", "2026-13-01"},
            {"path", "admin"},
            {"path", "/" + "a".repeat(500)},
            {"path", "/admin\u0000"}
        }) {
            Response refused = http.get("/admin/audit", bad);
            assertThat(refused.status()).as(String.join("=", bad)).isEqualTo(400);
        }
    }

    @Test
    void a_search_by_time_finds_only_the_entries_in_its_window() {
        Instant start = Instant.now().minusMillis(5);
        postLine(63, Unique.id("w"));
        List<JsonNode> since = http.get("/admin/audit", "path", "/admin/catalog/lines", "from", start.toString())
                .json()
                .valueStream()
                .toList();
        assertThat(since).isNotEmpty();
        assertThat(http.get(
                                "/admin/audit",
                                "to",
                                start.minus(Duration.ofDays(3650)).toString())
                        .json()
                        .size())
                .isZero();
    }

    @Test
    void entries_older_than_the_retention_are_deleted_and_newer_ones_kept() throws Exception {
        String oldPath = "/admin/" + Unique.id("old");
        String newPath = "/admin/" + Unique.id("new");
        audit.begin(new AuditEntry(
                0, Instant.now().minus(Duration.ofDays(400)), "admin", null, "POST", oldPath, null, null, 200));
        audit.begin(new AuditEntry(
                0, Instant.now().minus(Duration.ofDays(300)), "admin", null, "POST", newPath, null, null, 200));
        retention.run();
        assertThat(audit.search(oldPath, null, null, 10)).isEmpty();
        assertThat(audit.search(newPath, null, null, 10)).hasSize(1);
    }

    private long count() {
        return jdbc.sql("select count(*) from admin_audit").query(Long.class).single();
    }
}
