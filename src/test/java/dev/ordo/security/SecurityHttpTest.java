package dev.ordo.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Http;
import dev.ordo.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

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
    void metrics_need_the_admin_token() {
        Http http = new Http(port);
        assertThat(http.withoutToken().get("/actuator/prometheus").status()).isEqualTo(401);
        assertThat(http.get("/actuator/prometheus").status()).isEqualTo(200);
        assertThat(http.get("/actuator/prometheus").body())
                .contains("ordo_jobs_")
                .contains("http_server_requests");
    }

    @Test
    void the_token_never_appears_in_the_logs(CapturedOutput output) {
        Http http = new Http(port);
        http.get("/account/query", "eid", "nobody");
        http.withToken("a-wrong-token-of-some-length").get("/account/query", "eid", "nobody");
        assertThat(output.getAll()).doesNotContain(TestDatabases.ADMIN_TOKEN).doesNotContain("a-wrong-token-of-some");
    }
}
