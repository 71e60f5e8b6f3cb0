package dev.ordo.shared.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.shared.Dialect;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Unique;
import dev.ordo.wallet.AccountKey;
import dev.ordo.wallet.BalanceChange;
import dev.ordo.wallet.Wallet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * V5 renames the order flow's trade numbers of records written before they became Ordo's own
 * ({@code u<unit>} to {@code #u<unit>}, {@code r<refund>:u<unit>} to {@code #r<refund>:u<unit>}) on
 * the flow's accounts only, and nothing else — run here on each database's own regular expressions.
 */
@DatabaseTest
class FlowTradeNumberMigrationTest {

    @Autowired
    Wallet wallet;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Dialect dialect;

    @Test
    void the_flows_old_trade_numbers_get_their_hash_and_no_other_does() throws IOException {
        long n = ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_000_000_000L);
        AccountKey flow = new AccountKey("oms", "down_commission", Unique.id("mig"));
        AccountKey other = new AccountKey("ordo", "default", Unique.id("mig"));
        wallet.open(flow, "flow", null);
        wallet.open(other, "other", null);
        List<String> old = List.of("u" + n, "r" + n + ":u" + (n + 1));
        List<String> kept = List.of("u" + n + "x", "update-" + n, "ru" + n, "#u" + (n + 2));
        for (String trade : old) {
            wallet.apply(BalanceChange.add(flow, trade, 1));
        }
        for (String trade : kept) {
            wallet.apply(BalanceChange.add(flow, trade, 1));
        }
        wallet.apply(BalanceChange.add(other, "u" + n, 1));

        String sql = new ClassPathResource("db/migration/V5__flow_trade_numbers.sql")
                .getContentAsString(StandardCharsets.UTF_8)
                .replace(
                        "${regexp}",
                        SharedConfiguration.placeholdersFor(dialect).get("regexp"))
                .replaceAll("(?m)^--.*$", "")
                .replace(";", "");
        jdbc.sql(sql).update();

        assertThat(tradeNumbers(flow.eid()))
                .containsExactlyInAnyOrder(
                        "#u" + n, "#r" + n + ":u" + (n + 1), "u" + n + "x", "update-" + n, "ru" + n, "#u" + (n + 2));
        assertThat(tradeNumbers(other.eid())).containsExactly("u" + n);
    }

    private List<String> tradeNumbers(String eid) {
        return jdbc.sql("""
                        select r.trade_no from wallet_record r join wallet_account a on a.account_id = r.account_id
                        where a.eid = :eid""").param("eid", eid).query(String.class).list();
    }
}
