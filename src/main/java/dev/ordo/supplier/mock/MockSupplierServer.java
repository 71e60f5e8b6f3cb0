package dev.ordo.supplier.mock;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Function;
import tools.jackson.databind.json.JsonMapper;

/**
 * The mock supplier on its own, outside Ordo (so that it keeps counting while Ordo is killed and
 * restarted): {@code ./ordo mock-supplier [port]}. Same endpoints as inside Ordo, below
 * {@code /mock/supplier}. Settings: system properties {@code mock.secret}, {@code mock.latency-ms},
 * {@code mock.no-answer-delay-ms}, {@code mock.callback-delay-ms}.
 */
public final class MockSupplierServer implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final MockSupplier supplier;

    public MockSupplierServer(int port, MockSupplier supplier) throws IOException {
        this.supplier = supplier;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 512);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        route("/mock/supplier/submit", supplier::submit);
        route("/mock/supplier/submit-batch", supplier::submitBatch);
        route("/mock/supplier/query", supplier::query);
        route("/mock/supplier/return", supplier::returnDelivery);
        route("/mock/supplier/stats", p -> supplier.stats());
        route("/mock/supplier/reset", p -> {
            supplier.reset();
            return supplier.stats();
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public MockSupplier supplier() {
        return supplier;
    }

    private void route(String path, Function<Map<String, String>, Map<String, Object>> handler) {
        server.createContext(path, exchange -> {
            try (exchange) {
                byte[] body = toJson(handler.apply(params(exchange))).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
    }

    private static Map<String, String> params(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> params = new LinkedHashMap<>();
        for (String text : new String[] {query, form}) {
            if (text == null || text.isEmpty()) {
                continue;
            }
            for (String pair : text.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.putIfAbsent(
                            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return params;
    }

    static String toJson(Map<String, Object> map) {
        return JSON.writeValueAsString(map);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8610;
        MockSupplier supplier = new MockSupplier(
                System.getProperty("mock.secret", "mock-supplier-secret-0001"),
                Duration.ofMillis(Long.getLong("mock.latency-ms", 0)),
                Duration.ofMillis(Long.getLong("mock.no-answer-delay-ms", 5000)),
                Duration.ofMillis(Long.getLong("mock.callback-delay-ms", 0)),
                Integer.getInteger("mock.remembered", MockSupplier.REMEMBERED));
        MockSupplierServer server = new MockSupplierServer(port, supplier);
        System.out.println("mock supplier listening on http://127.0.0.1:" + server.port() + "/mock/supplier");
    }
}
