package dev.ordo.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Http;
import dev.ordo.testing.TestDatabases;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** SPEC K6, A5: under the prod profile the demo's mock supplier is not served; Ordo itself is. */
@DatabaseTest
class ProdProfileTest {

    @Test
    void the_prod_profile_does_not_serve_the_mock_supplier_nor_load_the_demo_data() {
        try (ConfigurableApplicationContext prod =
                TestDatabases.secondNode("prod-node", Map.of("spring.profiles.active", "prod"))) {
            Http http = new Http(Integer.parseInt(prod.getEnvironment().getProperty("local.server.port")));
            assertThat(prod.getEnvironment().getActiveProfiles()).contains("prod");
            assertThat(http.method("POST", "/mock/supplier/stats").status()).isEqualTo(404);
            assertThat(http.method("POST", "/mock/supplier/reset").status()).isEqualTo(404);
            assertThat(http.withoutToken()
                            .method("POST", "/mock/supplier/submit")
                            .status())
                    .isEqualTo(404);
            assertThat(http.get("/admin/catalog/lines").status()).isEqualTo(200);
            int channels = http.get("/admin/catalog/down-channels").json().size();
            Http.Response demo = http.method("POST", "/admin/demo-data");
            assertThat(demo.status()).as(demo.body()).isEqualTo(403);
            assertThat(demo.json().get("msg").asString()).contains("prod profile loads no demo data");
            assertThat(http.get("/admin/catalog/down-channels").json().size()).isEqualTo(channels);
        }
    }
}
