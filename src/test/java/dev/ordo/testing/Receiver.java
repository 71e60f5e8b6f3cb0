package dev.ordo.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/** A channel's notification endpoint: records every POST; can be down (stopped) and come back on the same port. */
public final class Receiver implements AutoCloseable {

    public record Received(Map<String, String> form, Map<String, List<String>> headers) {}

    private final int port;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Duration answerAfter = Duration.ZERO;
    private volatile byte[] answer = "{\"notify_msg\":\"ok\",\"status\":0}".getBytes(StandardCharsets.UTF_8);
    private HttpServer server;

    private Receiver(int port) {
        this.port = port;
    }

    /**
     * A receiver on a free port, not listening yet. The port is taken below the range the system
     * hands out to outgoing connections (32768 and up on Linux), so none of those can take it meanwhile.
     */
    public static Receiver down() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new InetSocketAddress("127.0.0.1", port));
                return new Receiver(port);
            } catch (IOException taken) {
                // try another one
            }
        }
        throw new IOException("no free port for a receiver");
    }

    public static Receiver up() throws IOException {
        Receiver receiver = down();
        receiver.start();
        return receiver;
    }

    public synchronized void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                Map<String, String> form = new LinkedHashMap<>();
                for (String pair : body.split("&")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        form.put(
                                URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                                URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                    }
                }
                received.add(new Received(form, Map.copyOf(exchange.getRequestHeaders())));
                try {
                    Thread.sleep(answerAfter);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                byte[] answer = this.answer;
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
            }
        });
        server.start();
    }

    /** Answers each POST only after {@code delay}, as a slow receiver does. */
    public void answerAfter(Duration delay) {
        answerAfter = delay;
    }

    /** Answers each POST with these bytes (200). */
    public void answer(byte[] body) {
        answer = body.clone();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public List<Received> received() {
        return received;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }
}
