package dev.ordo.apilog.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ordo.apilog.ApiCall;
import dev.ordo.apilog.ApiCallKind;
import dev.ordo.jobs.RecurringJob;
import dev.ordo.order.Order;
import dev.ordo.order.Orders;
import dev.ordo.order.Unit;
import dev.ordo.testing.Acquiring;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Http;
import dev.ordo.testing.Http.Response;
import dev.ordo.testing.Receiver;
import dev.ordo.testing.Unique;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** SPEC K7: every integration call, in and out, is kept in a searchable API log with a retention limit. */
@DatabaseTest
class ApiLogTest {

    @LocalServerPort
    int port;

    @Autowired
    Orders orders;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JdbcApiLog apiLog;

    @Autowired
    @Qualifier("apiLogRetention")
    RecurringJob retention;

    Http http;
    Acquiring acquiring;

    @BeforeEach
    void setUp() {
        http = new Http(port);
        acquiring = new Acquiring(http, orders, jdbc);
    }

    /** The entries the admin API finds for these search parameters, once there are at least {@code atLeast}. */
    private List<JsonNode> awaitEntries(int atLeast, String... search) {
        return await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> {
                            Response found = http.get("/admin/api-log", search);
                            assertThat(found.status()).as(found.body()).isEqualTo(200);
                            return found.json().valueStream().toList();
                        },
                        entries -> entries.size() >= atLeast);
    }

    @Test
    void an_order_leaves_its_channel_request_its_supplier_submissions_and_its_notification_in_the_log()
            throws Exception {
        try (Receiver receiver = Receiver.up()) {
            String requestNo = Unique.id("apilog");
            Instant before = Instant.now().minusSeconds(1);
            Response accepted = acquiring.order(
                    requestNo, "100011000000000", "notify_url", receiver.url("/notify/" + requestNo + "?key=hidden"));
            assertThat(accepted.status()).isEqualTo(200);
            Order order = acquiring.awaitFinal(requestNo);

            JsonNode request = awaitEntries(1, "kind", "channel_request", "reference", requestNo)
                    .getFirst();
            assertThat(request.get("party").asString()).isEqualTo("test");
            assertThat(request.get("endpoint").asString()).isEqualTo("/order/request");
            assertThat(request.get("request").asString())
                    .contains("request_no=" + requestNo, "rechage_account=", "key%3D***")
                    .as("a secret in the notify_url's query is masked")
                    .doesNotContain("hidden");
            assertThat(request.get("status").asInt()).isEqualTo(200);
            assertThat(request.get("response").asString()).isEqualTo(accepted.body());
            assertThat(Instant.parse(request.get("at").asString())).isBetween(before, Instant.now());

            // The supplier's answers come back to each unit; the API log has the exchanges themselves.
            for (Unit unit : acquiring.units(order)) {
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> assertThat(http.get(
                                                "/admin/api-log",
                                                "kind",
                                                "supplier_request",
                                                "party",
                                                "ycup",
                                                "from",
                                                before.toString(),
                                                "limit",
                                                "1000")
                                        .json()
                                        .valueStream())
                                .as("a submission carrying unit " + unit.unitId())
                                .anySatisfy(submission -> {
                                    assertThat(submission.get("request").asString())
                                            .contains("%22order_no%22%3A%22" + unit.unitId() + "%22");
                                    assertThat(submission.get("status").asInt()).isEqualTo(200);
                                }));
            }

            JsonNode notification = awaitEntries(1, "kind", "notification", "reference", requestNo)
                    .getFirst();
            assertThat(notification.get("party").asString()).isEqualTo("test");
            assertThat(notification.get("endpoint").asString())
                    .as("without the query")
                    .isEqualTo(receiver.url("/notify/" + requestNo));
            assertThat(notification.get("request").asString())
                    .contains("request_no=" + requestNo, "status=0", "event_id=");
            assertThat(notification.get("status").asInt()).isEqualTo(200);
        }
    }

    @Test
    void a_refused_channel_request_is_logged_with_the_answer_it_got_and_found_among_the_failed() {
        String requestNo = Unique.id("refused");
        Response refused = http.withoutToken()
                .get("/order/request", Acquiring.exampleOrder("test", requestNo, "1", "amount", "-5"));
        assertThat(refused.body()).doesNotContain("\"status\":30");

        JsonNode entry = awaitEntries(1, "reference", requestNo).getFirst();
        assertThat(entry.get("kind").asString()).isEqualTo("channel_request");
        assertThat(entry.get("response").asString()).isEqualTo(refused.body());
        assertThat(entry.get("status").asInt()).isEqualTo(refused.status());
    }

    @Test
    void a_request_carrying_nul_characters_is_logged_with_them_replaced_and_does_not_cost_other_entries() {
        String requestNo = Unique.id("nul");
        Response refused = http.withoutToken().getRaw("/order/request?channel_no=x%00y&request_no=" + requestNo);
        assertThat(refused.status()).isBetween(400, 499);
        String other = Unique.id("next");
        http.withoutToken().get("/order/query", "channel_no", "test", "request_no", other);

        JsonNode entry = awaitEntries(1, "reference", requestNo).getFirst();
        assertThat(entry.get("party").asString()).isEqualTo("x\uFFFDy");
        assertThat(entry.get("request").asString()).contains("channel_no=x%00y");
        assertThat(awaitEntries(1, "reference", other)).hasSize(1);
    }

    @Test
    void a_request_whose_parameters_cannot_be_decoded_is_logged_as_it_came_under_its_channel_and_request_no() {
        String requestNo = Unique.id("undecodable");
        int refused = http.rawStatus("GET /order/request?channel_no=test&request_no=" + requestNo
                + "&amount=%ZZ&sign=4f2a HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(refused).isBetween(400, 499);

        JsonNode entry = awaitEntries(1, "reference", requestNo).getFirst();
        assertThat(entry.get("party").asString()).isEqualTo("test");
        assertThat(entry.get("request").asString())
                .isEqualTo("channel_no=test&request_no=" + requestNo + "&amount=%ZZ&sign=***");
        assertThat(entry.get("status").asInt()).isEqualTo(refused);
    }

    @Test
    void a_supplier_callback_is_logged_under_its_supplier_and_delivery_even_when_its_sign_is_refused() {
        String orderNo = Long.toString(System.nanoTime());
        Response refused = http.withoutToken()
                .postForm(
                        "/supplier/notify/ycup", "order_no", orderNo, "code", "0000", "timestamp", "1", "sign", "bad");
        assertThat(refused.status()).isBetween(400, 499);

        JsonNode entry = awaitEntries(1, "kind", "supplier_callback", "reference", orderNo, "failed", "true")
                .getFirst();
        assertThat(entry.get("party").asString()).isEqualTo("ycup");
        assertThat(entry.get("endpoint").asString()).isEqualTo("/supplier/notify/ycup");
        assertThat(entry.get("request").asString()).contains("order_no=" + orderNo, "code=0000");
        assertThat(entry.get("status").asInt()).isEqualTo(refused.status());
        assertThat(http.get("/admin/api-log", "reference", orderNo, "failed", "false")
                        .json()
                        .size())
                .isZero();
    }

    @Test
    void a_search_by_party_and_time_finds_only_the_entries_in_its_window_newest_first() throws Exception {
        String party = Unique.id("party");
        Instant now = Instant.now();
        for (int minutesAgo : new int[] {30, 10, 20}) {
            apiLog.write(List.of(ApiCall.of(
                    now.minus(Duration.ofMinutes(minutesAgo)),
                    ApiCallKind.NOTIFICATION,
                    party,
                    "http://example.com/n",
                    "r" + minutesAgo,
                    "a=1",
                    503,
                    "busy",
                    5)));
        }
        List<JsonNode> found = http.get(
                        "/admin/api-log",
                        "party",
                        party,
                        "from",
                        now.minus(Duration.ofMinutes(25)).toString(),
                        "to",
                        now.toString())
                .json()
                .valueStream()
                .toList();
        assertThat(found).extracting(e -> e.get("reference").asString()).containsExactly("r10", "r20");
        assertThat(http.get("/admin/api-log", "party", party, "limit", "1")
                        .json()
                        .get(0)
                        .get("reference")
                        .asString())
                .isEqualTo("r10");
    }

    @Test
    void pages_follow_each_other_without_losing_entries_of_the_same_instant() throws Exception {
        String party = Unique.id("paged");
        Instant at = Instant.now().minusSeconds(60);
        List<ApiCall> sameInstant = new ArrayList<>();
        for (int n = 0; n < 5; n++) {
            sameInstant.add(ApiCall.of(at, ApiCallKind.SUPPLIER_REQUEST, party, "/batch", "u" + n, null, 200, "{}", 3));
        }
        apiLog.write(sameInstant);
        List<String> seen = new ArrayList<>();
        String[] page = {"party", party, "limit", "2"};
        for (int pages = 0; pages < 5; pages++) {
            List<JsonNode> entries =
                    http.get("/admin/api-log", page).json().valueStream().toList();
            if (entries.isEmpty()) {
                break;
            }
            entries.forEach(e -> seen.add(e.get("reference").asString()));
            JsonNode last = entries.getLast();
            page = new String[] {
                "party",
                party,
                "limit",
                "2",
                "to",
                last.get("at").asString(),
                "before_id",
                last.get("log_id").asString()
            };
        }
        assertThat(seen).containsExactlyInAnyOrder("u0", "u1", "u2", "u3", "u4");
        assertThat(http.get("/admin/api-log", "before_id", "5").status())
                .as("before_id without to")
                .isEqualTo(400);
    }

    @Test
    void entries_older_than_the_retention_are_deleted_and_newer_ones_kept() throws Exception {
        String party = Unique.id("retained");
        apiLog.write(List.of(
                ApiCall.of(
                        Instant.now().minus(Duration.ofDays(15)),
                        ApiCallKind.SUPPLIER_REQUEST,
                        party,
                        "/old",
                        "old",
                        null,
                        null,
                        "no answer",
                        1),
                ApiCall.of(
                        Instant.now().minus(Duration.ofDays(13)),
                        ApiCallKind.SUPPLIER_REQUEST,
                        party,
                        "/new",
                        "new",
                        null,
                        200,
                        "{}",
                        1)));
        retention.run();
        assertThat(http.get("/admin/api-log", "party", party).json().valueStream())
                .extracting(e -> e.get("reference").asString())
                .containsExactly("new");
    }

    @Test
    void bad_search_parameters_are_refused_and_the_log_needs_the_admin_token() {
        for (String[] bad : new String[][] {
            {"kind", "phone_call"},
            {"failed", "maybe"},
            {"limit", "0"},
            {"limit", "1001"},
            {"limit", "x"},
            {"from", "yesterday"},
            {"to", "+100000-01-01T00:00:00Z"},
            {"reference", "r".repeat(2_000)},
            // PostgreSQL holds no NUL in text: it failed the search with a 500
            {"reference", "r\u0000"},
            {"party", "\u0000"}
        }) {
            Response refused = http.get("/admin/api-log", bad);
            assertThat(refused.status()).as(String.join("=", bad)).isEqualTo(400);
            assertThat(refused.json().get("detail").asString())
                    .as(String.join("=", bad))
                    .isNotBlank();
        }
        assertThat(http.withoutToken().get("/admin/api-log").status()).isEqualTo(401);
    }
}
