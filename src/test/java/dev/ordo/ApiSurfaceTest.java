package dev.ordo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Http;
import dev.ordo.testing.Http.Response;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** SPEC K7 and K8 as a client sees them: OpenAPI, problem details, operations endpoints. */
@DatabaseTest
class ApiSurfaceTest {

    @LocalServerPort
    int port;

    @Test
    void the_openapi_document_lists_every_seed_path_of_the_wallet() {
        JsonNode paths = new Http(port).get("/v3/api-docs").json().get("paths");
        for (String path : new String[] {
            "/account/create",
            "/account/balance/query",
            "/account/balance/add",
            "/account/balance/deduct",
            "/account/balance/refund",
            "/account/record/query",
            "/package/create",
            "/package/query",
            "/package/capacity/add",
            "/package/capacity/deduct",
            "/package/capacity/refund",
            "/package/capacity/query",
            "/package/record/query",
            "/admin/jobs",
            "/admin/wallet/ledger-check"
        }) {
            assertThat(paths.has(path)).as(path).isTrue();
        }
    }

    @Test
    void the_openapi_document_asks_for_the_admin_token_where_it_is_needed_and_only_there() {
        JsonNode doc = new Http(port).get("/v3/api-docs").json();
        assertThat(doc.get("info").get("title").asString()).isEqualTo("Ordo API");
        JsonNode scheme = doc.get("components").get("securitySchemes").get("admin-token");
        assertThat(scheme.get("type").asString()).isEqualTo("http");
        assertThat(scheme.get("scheme").asString()).isEqualTo("bearer");
        for (String path : new String[] {"/account/create", "/admin/jobs", "/admin/acquiring/review"}) {
            assertThat(doc.get("paths").get(path).get("get").get("security").toString())
                    .as(path)
                    .contains("admin-token");
        }
        for (String path : new String[] {"/order/request", "/refund/query"}) {
            assertThat(doc.get("paths").get(path).get("get").has("security"))
                    .as(path + " is signed, not authorized by the token")
                    .isFalse();
        }
    }

    @Test
    void the_openapi_document_lists_the_reseller_api_with_the_shape_of_its_answers() {
        JsonNode doc = new Http(port).get("/v3/api-docs").json();
        for (String path :
                new String[] {"/order/request", "/order/query", "/refund/general", "/refund/mandatory", "/refund/query"
                }) {
            JsonNode ok = doc.get("paths").get(path).get("get").get("responses").get("200");
            String schema = ok.findValue("$ref").asString();
            assertThat(schema).as(path).endsWith(path.startsWith("/order") ? "OrderAnswer" : "RefundAnswer");
        }
        assertThat(doc.get("components")
                        .get("schemas")
                        .get("OrderAnswer")
                        .get("properties")
                        .propertyNames())
                .containsExactlyInAnyOrder("channel_no", "request_no", "order_id", "status");
        // Every schema with the names the JSON carries (spring.jackson.property-naming-strategy).
        for (JsonNode schema : doc.get("components").get("schemas")) {
            if (schema.has("properties")) {
                assertThat(schema.get("properties").propertyNames()).allMatch(name -> name.matches("[a-z0-9_]+"));
            }
        }
    }

    @Test
    void errors_are_rfc_9457_problem_details_with_code_and_msg() {
        Response response = new Http(port).get("/account/balance/add", "eid", "x", "trade_no", "t", "amount", "-3");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("type").asString()).isEqualTo("urn:ordo:error:amount-invalid");
        assertThat(problem.get("title").asString()).isEqualTo("Invalid amount");
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("detail").asString()).contains("amount");
        assertThat(problem.get("instance").asString()).isEqualTo("/account/balance/add");
        assertThat(problem.get("code").asInt()).isEqualTo(903);
        assertThat(problem.get("msg").asString())
                .isEqualTo(problem.get("detail").asString());
    }

    @Test
    void json_answers_and_problems_carry_their_length_instead_of_being_chunked() {
        Http http = new Http(port);
        for (Response response : new Response[] {
            http.get("/account/create", "eid", "length-" + System.nanoTime(), "name", "colin"),
            http.get("/account/balance/add", "eid", "x", "trade_no", "t", "amount", "-3"),
            http.withoutToken().get("/order/query", "channel_no", "test", "request_no", "none"),
            http.get("/v3/api-docs")
        }) {
            assertThat(response.headers()).as(response.toString()).doesNotContainKey("transfer-encoding");
            assertThat(response.headers().get("content-length"))
                    .as(response.toString())
                    .isEqualTo(Integer.toString(response.body().getBytes(StandardCharsets.UTF_8).length));
        }
    }

    @Test
    void an_unknown_path_is_a_404_problem() {
        Response response = new Http(port).get("/no/such/thing");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("code").asInt()).isEqualTo(404);
    }

    @Test
    void readiness_and_liveness_probes_answer() {
        Http http = new Http(port).withoutToken();
        assertThat(http.get("/actuator/health/readiness").json().get("status").asString())
                .isEqualTo("UP");
    }
}
