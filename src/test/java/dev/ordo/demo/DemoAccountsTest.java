package dev.ordo.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.testing.Http;
import dev.ordo.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Loading the demo data keeps what exists: an account an operator opened and funded before the first
 * load keeps its balance, and only the accounts the load opens are given money.
 */
class DemoAccountsTest {

    @Test
    void the_demo_data_gives_money_only_to_the_accounts_it_opens() throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("target"), "demo-accounts-");
        try (ConfigurableApplicationContext node = TestDatabases.secondNode(
                "demo-accounts",
                Map.of(
                        "ordo.data-dir",
                        dataDir.toAbsolutePath().toString(),
                        "spring.datasource.url",
                        "jdbc:h2:file:" + dataDir.toAbsolutePath() + "/ordo",
                        "spring.datasource.username",
                        "sa",
                        "ordo.demo.load",
                        "never"))) {
            Http http = new Http(Integer.parseInt(node.getEnvironment().getProperty("local.server.port")));
            assertThat(http.get(
                                    "/account/create",
                                    "ident",
                                    "oms",
                                    "groups",
                                    "down_channel",
                                    "eid",
                                    "test",
                                    "name",
                                    "mine")
                            .status())
                    .isEqualTo(200);
            assertThat(http.get(
                                    "/account/balance/add",
                                    "ident",
                                    "oms",
                                    "groups",
                                    "down_channel",
                                    "eid",
                                    "test",
                                    "trade_no",
                                    "own-funds",
                                    "amount",
                                    "500")
                            .status())
                    .isEqualTo(200);

            assertThat(http.method("POST", "/admin/demo-data").status()).isEqualTo(200);

            assertThat(balance(http, "down_channel", "test"))
                    .as("the operator's account keeps its balance")
                    .isEqualTo(500);
            assertThat(balance(http, "down_channel", "ycdown"))
                    .as("one the load opened is given money")
                    .isPositive();
            assertThat(balance(http, "down_payment_fee", "test"))
                    .as("one the catalog opened as the load saved its channel, too")
                    .isPositive();
        }
    }

    private static long balance(Http http, String groups, String eid) {
        return http.get("/account/balance/query", "ident", "oms", "groups", groups, "eid", eid)
                .json()
                .get("balance")
                .asLong();
    }
}
