package dev.ordo.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.shared.ErrorCode;
import dev.ordo.testing.Acquiring;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Http;
import dev.ordo.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** What is public and what needs the admin token, over real HTTP. */
@DatabaseTest
@ExtendWith(OutputCaptureExtension.class)
class SecurityHttpTest {

    @LocalServerPort
    int port;

    @Test
    void health_and_the_api_documentation_are_public() {
        Http anonymous = new Http(port).withoutToken();
        assertThat(anonymous.get("/actuator/health").status()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(anonymous.get("/v3/api-docs").status()).isEqualTo(200);
        assertThat(anonymous.get("/swagger-ui/index.html").status()).isEqualTo(200);
    }

    @Test
    void health_shows_its_details_only_with_the_admin_token() {
        Http http = new Http(port);
        JsonNode anonymous = http.withoutToken().get("/actuator/health").json();
        assertThat(anonymous.get("status").asString()).isEqualTo("UP");
        assertThat(anonymous.has("components")).as(anonymous.toString()).isFalse();
        JsonNode admin = http.get("/actuator/health").json();
        assertThat(admin.get("components").has("db")).as(admin.toString()).isTrue();
        assertThat(http.get("/actuator/health/readiness").status()).isEqualTo(200);
    }

    @Test
    void the_mock_suppliers_statistics_need_the_admin_token_its_calls_their_signature() {
        Http http = new Http(port);
        assertThat(http.withoutToken().get("/mock/supplier/stats").status()).isEqualTo(401);
        assertThat(http.withoutToken().method("POST", "/mock/supplier/reset").status())
                .isEqualTo(401);
        assertThat(http.get("/mock/supplier/stats").status()).isEqualTo(200);
        // A call without its signature passes the token check and is refused by the mock itself.
        assertThat(http.withoutToken().method("POST", "/mock/supplier/query").status())
                .isNotEqualTo(401);
    }

    @Test
    void metrics_need_the_admin_token() {
        Http http = new Http(port);
        assertThat(http.withoutToken().get("/actuator/prometheus").status()).isEqualTo(401);
        assertThat(http.get("/actuator/prometheus").status()).isEqualTo(200);
        assertThat(http.get("/actuator/prometheus").body())
                .contains("ordo_jobs_")
                .contains("http_server_requests");
    }

    @Test
    void the_signed_endpoints_need_no_admin_token_a_mistyped_one_is_not_found_and_the_admin_api_needs_it() {
        Acquiring.loadDemo(new Http(port)); // the channel, so that what is refused is the parameter
        Http anonymous = new Http(port).withoutToken();
        // Past Spring Security's chain, checked by the endpoint itself: a missing parameter, not a 401.
        Http.Response order = anonymous.get("/order/request", "channel_no", "test");
        assertThat(order.status()).isEqualTo(400);
        assertThat(order.json().get("code").asInt()).isEqualTo(ErrorCode.BAD_PARAMETER.code());
        assertThat(order.contentType()).startsWith("application/problem+json");
        assertThat(anonymous
                        .get("/order/query", "channel_no", "test", "request_no", "none")
                        .status())
                .isEqualTo(404);
        // Anything else under the reseller API's prefixes is no endpoint at all (no admin path lives
        // there): a reseller's typo is told so, not asked for a token. The admin API needs the token.
        for (String path :
                new String[] {"/order/request/list", "/order", "/refund/generel", "/supplier/notify/ycup/extra"}) {
            Http.Response typo = anonymous.get(path);
            assertThat(typo.status()).as(path).isEqualTo(404);
            assertThat(typo.json().get("code").asInt()).isEqualTo(ErrorCode.NO_SUCH_ENDPOINT.code());
        }
        assertThat(anonymous.get("/admin/jobs").status()).isEqualTo(401);
        assertThat(anonymous.get("/orders").status()).isEqualTo(401);
        // The firewall still stands in front of them.
        assertThat(anonymous
                        .getRaw("/order/request;jsessionid=x?channel_no=test")
                        .status())
                .isEqualTo(400);
    }

    @Test
    void the_token_never_appears_in_the_logs(CapturedOutput output) {
        Http http = new Http(port);
        http.get("/account/query", "eid", "nobody");
        http.withToken("a-wrong-token-of-some-length").get("/account/query", "eid", "nobody");
        assertThat(output.getAll()).doesNotContain(TestDatabases.ADMIN_TOKEN).doesNotContain("a-wrong-token-of-some");
    }
}
