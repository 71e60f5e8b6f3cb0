package dev.ordo.testing;

import static org.awaitility.Awaitility.await;

import dev.ordo.order.Order;
import dev.ordo.order.OrderStatus;
import dev.ordo.order.Orders;
import dev.ordo.order.Unit;
import dev.ordo.testing.Http.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Places orders through the seed API of the demo data and reads what became of them. */
public final class Acquiring {

    private static volatile boolean demoLoaded;

    private final Http http;
    private final Orders orders;
    private final JdbcClient jdbc;

    public Acquiring(Http http, Orders orders, JdbcClient jdbc) {
        this.http = http;
        this.orders = orders;
        this.jdbc = jdbc;
        loadDemo(http);
    }

    /** The demo data of SPEC A7, once per test run (it is idempotent anyway). */
    public static synchronized void loadDemo(Http http) {
        if (!demoLoaded) {
            Response loaded = http.post("/admin/demo-data", "application/x-www-form-urlencoded", "");
            if (loaded.status() != 200) {
                throw new IllegalStateException("demo data: " + loaded);
            }
            // Plenty of money for the tests (the demo's 9,999,999 cents are ~500 orders).
            for (String[] account : new String[][] {{"down_channel", "test"}, {"up_channel", "ycup"}}) {
                http.get(
                        "/account/balance/add",
                        "ident",
                        "oms",
                        "groups",
                        account[0],
                        "eid",
                        account[1],
                        "trade_no",
                        "tests-topup",
                        "amount",
                        "500000000000");
            }
            demoLoaded = true;
        }
    }

    /**
     * The parameters of the seed's example order (line, carrier ZSH, one product of face 200 for
     * 198) on a channel, with {@code more} name/value pairs replacing the example's or added.
     */
    public static String[] exampleOrder(String channelNo, String requestNo, String lineId, String... more) {
        List<String> params = new ArrayList<>(List.of(
                "channel_no",
                channelNo,
                "request_no",
                requestNo,
                "line_id",
                lineId,
                "carrier_no",
                "ZSH",
                "invoice_type",
                "1",
                "num",
                "1",
                "face",
                "200",
                "amount",
                "198"));
        for (int i = 0; i < more.length; i += 2) {
            int at = params.indexOf(more[i]);
            if (at >= 0 && at % 2 == 0) {
                params.set(at + 1, more[i + 1]);
            } else {
                params.add(more[i]);
                params.add(more[i + 1]);
            }
        }
        return params.toArray(String[]::new);
    }

    /** A face-200 order of the seed's example on channel test, with this recharge account. */
    public Response order(String requestNo, String account, String... extra) {
        List<String> more = new ArrayList<>(List.of("rechage_account", account));
        more.addAll(List.of(extra));
        return http.get("/order/request", exampleOrder("test", requestNo, "1", more.toArray(String[]::new)));
    }

    public Order awaitFinal(String channelNo, String requestNo) {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> orders.findByRequest(channelNo, requestNo)
                        .map(o -> o.status().isFinal())
                        .orElse(false));
        return orders.findByRequest(channelNo, requestNo).orElseThrow();
    }

    public Order awaitFinal(String requestNo) {
        return awaitFinal("test", requestNo);
    }

    public List<Unit> units(Order order) {
        return orders.units(order.orderId());
    }

    /** The net of the wallet records of this account carrying this trade number (any type). */
    public long net(String groups, String eid, String tradeNo) {
        return jdbc.sql("""
                        select coalesce(sum(r.amount), 0) from wallet_record r
                        join wallet_account a on a.account_id = r.account_id
                        where a.ident = 'oms' and a.account_group = :groups and a.eid = :eid and r.trade_no = :trade""")
                .param("groups", groups)
                .param("eid", eid)
                .param("trade", tradeNo)
                .query(Long.class)
                .single();
    }

    public long balance(String groups, String eid) {
        return http.get("/account/query", "ident", "oms", "groups", groups, "eid", eid)
                .json()
                .get("balance")
                .asLong();
    }

    public static boolean successful(OrderStatus status) {
        return status == OrderStatus.SUCCEEDED || status == OrderStatus.PARTLY_SUCCEEDED;
    }

    /**
     * The seed's example order (face 200 for 198, recharge account ending in 0) as the intake would
     * store it, for a test that drives the flow's steps itself.
     */
    public static Orders.NewOrder exampleNewOrder(String channelNo, String requestNo, long downProductId) {
        return exampleNewOrder(channelNo, requestNo, downProductId, 20_000);
    }

    /** The seed's example order as stored, at another face (its amount still the example's). */
    public static Orders.NewOrder exampleNewOrder(String channelNo, String requestNo, long downProductId, long face) {
        return new Orders.NewOrder(
                channelNo,
                requestNo,
                "hash",
                1,
                "ZSH",
                "*",
                "*",
                1,
                1,
                face,
                19_800,
                null,
                "100010000000000",
                downProductId,
                Instant.now().plusSeconds(600));
    }
}
