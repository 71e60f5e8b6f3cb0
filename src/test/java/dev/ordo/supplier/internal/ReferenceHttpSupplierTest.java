package dev.ordo.supplier.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpServer;
import dev.ordo.apilog.ApiCallKind;
import dev.ordo.supplier.Delivery;
import dev.ordo.supplier.SupplierAnswer;
import dev.ordo.supplier.SupplierAnswer.Transport;
import dev.ordo.supplier.SupplierEndpoint;
import dev.ordo.testing.RecordedCalls;
import dev.ordo.testing.SettableClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The reference protocol's client against a real HTTP server: what each kind of failure means for a resend. */
class ReferenceHttpSupplierTest {

    private final RecordedCalls calls = new RecordedCalls();
    private final SupplierHttp http = new SupplierHttp(new JsonMapper(), Clock.systemUTC(), calls);
    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-01T00:00:00Z"));
    private final ReferenceHttpSupplier client = new ReferenceHttpSupplier(http, clock);
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final AtomicReference<Answer> answer = new AtomicReference<>(new Answer(200, "{\"code\":\"0000\"}", 0));
    private HttpServer server;

    private record Answer(int status, String body, long delayMillis) {}

    private String start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/submit", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            clock.advance(Duration.ofSeconds(3)); // each submission takes three seconds of the client's time
            Answer a = answer.get();
            sleep(a.delayMillis());
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(a.status(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/submit";
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.stop(0);
        }
        http.destroy();
    }

    private static SupplierEndpoint supplier(String url, int timeoutMs) {
        return new SupplierEndpoint(
                "ycup", "reference-http", 1, url, url, url, "http://127.0.0.1/notify", "secret-1", timeoutMs);
    }

    private static Delivery delivery() {
        return new Delivery("u1001", 1001L, 1, 10000L, "100011000000000", "ZSH", null, null);
    }

    @Test
    void deliveriesSentOneByOneAreHeldBackOnceTheirTurnComesAtOrPastStartBy() throws IOException {
        String url = start();
        List<Delivery> three = List.of(
                new Delivery("u1", 1L, 1, 10000L, "100011000000000", "ZSH", null, null),
                new Delivery("u2", 1L, 1, 10000L, "100011000000000", "ZSH", null, null),
                new Delivery("u3", 1L, 1, 10000L, "100011000000000", "ZSH", null, null));

        // Turns at 0 s, 3 s and 6 s of the client's clock; a request may start until 5 s.
        List<SupplierAnswer> answers =
                client.submitAll(supplier(url, 2000), three, clock.instant().plusSeconds(5));

        assertThat(answers)
                .extracting(SupplierAnswer::transport)
                .containsExactly(Transport.ANSWERED, Transport.ANSWERED, Transport.NOT_SENT);
        assertThat(answers.get(2).wasTooLate()).isTrue();
        assertThat(bodies).hasSize(2).noneMatch(body -> body.contains("order_no=u3"));
    }

    @Test
    void aUrlNoRequestCanBeMadeToIsNotSentNotAnException() {
        for (String bad : new String[] {"https://127.0.0.1/q?k=a|b", "http://", "not a url"}) {
            assertThat(client.submit(supplier(bad, 2000), delivery()).transport())
                    .as(bad)
                    .isEqualTo(Transport.NOT_SENT);
            assertThat(client.query(supplier(bad, 2000), "u1001").transport())
                    .as(bad)
                    .isEqualTo(Transport.NOT_SENT);
        }
        assertThat(client.query(supplier(null, 2000), "u1001").transport()).isEqualTo(Transport.NOT_SENT);
    }

    @Test
    void aClientFailureOtherThanAnIoErrorLeavesTheDeliveryUnknownNotAnException() throws IOException {
        String url = start();
        http.destroy(); // its connection pool shut down, as at a node's shutdown: the client throws
        // IllegalStateException

        SupplierAnswer got = client.submit(supplier(url, 2000), delivery());

        // Whether the request left cannot be told: queried, never taken for not sent.
        assertThat(got.transport()).isEqualTo(Transport.NO_ANSWER);
    }

    @Test
    void anAnswerNamingAnotherDeliveryConfirmsNothingOfThisOne() throws IOException {
        String url = start();
        answer.set(new Answer(200, "{\"code\":\"R0000\",\"order_no\":\"u9999\"}", 0));
        assertThat(client.submit(supplier(url, 2000), delivery()).transport()).isEqualTo(Transport.NO_ANSWER);
        assertThat(client.query(supplier(url, 2000), "u1001").transport()).isEqualTo(Transport.NO_ANSWER);

        answer.set(new Answer(200, "{\"code\":\"R0000\",\"order_no\":\"u1001\"}", 0));
        assertThat(client.query(supplier(url, 2000), "u1001").code()).isEqualTo("R0000");
    }

    @Test
    void anAnswerIsReadWithItsCodeAndTheFormIsSignedAndEncoded() throws IOException {
        answer.set(new Answer(200, "{\"code\":\"0000\",\"msg\":\"ok\",\"supplier_order_no\":\"S1\"}", 0));
        SupplierAnswer got = client.submit(supplier(start(), 2000), delivery());

        assertThat(got).isEqualTo(SupplierAnswer.answered("0000", "ok", "S1"));
        assertThat(bodies)
                .singleElement()
                .satisfies(body -> assertThat(body)
                        .contains("channel_no=ycup", "order_no=u1001", "face=10000", "account=100011000000000", "sign=")
                        .contains("notify_url=http%3A%2F%2F127.0.0.1%2Fnotify"));
    }

    @Test
    void callsInARowAreAllAnswered() throws IOException {
        String url = start();
        for (int i = 0; i < 20; i++) {
            assertThat(client.submit(supplier(url, 2000), delivery()).code()).isEqualTo("0000");
        }
        assertThat(bodies).hasSize(20);
    }

    @Test
    void aRefusedConnectionIsNotSentAndSoSafeToSendAgain() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        SupplierAnswer got = client.submit(supplier("http://127.0.0.1:" + closedPort + "/submit", 2000), delivery());

        assertThat(got.transport()).isEqualTo(Transport.NOT_SENT);
        assertThat(calls.calls()).singleElement().satisfies(call -> {
            assertThat(call.status()).as("no answer").isNull();
            assertThat(call.response()).startsWith("could not connect");
            assertThat(call.failed()).isTrue();
        });
    }

    @Test
    void everyCallIsLoggedWithWhatWasSentAndAnsweredUnderItsOrderNo() throws IOException {
        answer.set(new Answer(200, "{\"code\":\"0000\",\"msg\":\"ok\"}", 0));
        String url = start();
        client.submit(supplier(url + "?key=private", 2000), delivery());
        client.query(supplier(url, 2000), "u1001");

        assertThat(calls.calls()).hasSize(2).allSatisfy(call -> {
            assertThat(call.kind()).isEqualTo(ApiCallKind.SUPPLIER_REQUEST);
            assertThat(call.party()).isEqualTo("ycup");
            assertThat(call.endpoint()).as("without the query").isEqualTo(url);
            assertThat(call.reference()).isEqualTo("u1001");
            assertThat(call.status()).isEqualTo(200);
            assertThat(call.response()).isEqualTo("{\"code\":\"0000\",\"msg\":\"ok\"}");
            assertThat(call.failed()).isFalse();
        });
        assertThat(calls.calls().getFirst().request())
                .contains("order_no=u1001", "account=100011000000000", "timestamp=", "sign=");
    }

    @Test
    void aSupplierNameWhoseDnsNeverAnswersIsNotSentWithinTheConnectTimeout() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        SupplierHttp silentDns = new SupplierHttp(new JsonMapper(), Clock.systemUTC(), calls, host -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // given up by the call
            }
            throw new UnknownHostException(host);
        });
        try {
            SupplierAnswer got = assertTimeoutPreemptively(
                    Duration.ofSeconds(60),
                    () -> new ReferenceHttpSupplier(silentDns, clock)
                            .submit(supplier("http://slow-dns.test/submit", 30_000), delivery()));

            // Given up by the lookup's own bound (the connect timeout), not at the call's 35 s
            // deadline nor never; nothing can have left without an address: safe to send again.
            assertThat(got.transport()).isEqualTo(Transport.NOT_SENT);
            assertThat(got.message()).contains("no answer from DNS within PT3S");
        } finally {
            never.countDown();
            silentDns.destroy();
        }
    }

    @Test
    void noAnswerWithinTheTimeoutMayHaveReachedTheSupplier() throws IOException {
        answer.set(new Answer(200, "{\"code\":\"0000\"}", 1500));
        SupplierAnswer got = client.submit(supplier(start(), 300), delivery());

        assertThat(got.transport()).isEqualTo(Transport.NO_ANSWER);
        assertThat(bodies).hasSize(1); // it did arrive: only a query may tell what became of it
    }

    @Test
    void anHttpErrorIsAnAnswerCarryingItsStatus() throws IOException {
        answer.set(new Answer(503, "down for maintenance", 0));
        SupplierAnswer got = client.submit(supplier(start(), 2000), delivery());

        assertThat(got).isEqualTo(SupplierAnswer.answered("HTTP_503", "down for maintenance", null));
    }

    @Test
    void anUnreadableOrCodelessReplyIsNoAnswer() throws IOException {
        String url = start();
        answer.set(new Answer(200, "<html>gateway</html>", 0));
        assertThat(client.submit(supplier(url, 2000), delivery()).transport()).isEqualTo(Transport.NO_ANSWER);
        answer.set(new Answer(200, "{\"msg\":\"no code\"}", 0));
        assertThat(client.submit(supplier(url, 2000), delivery()).transport()).isEqualTo(Transport.NO_ANSWER);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aFieldHoldingAnObjectIsKeptAsItsJsonInsteadOfFailingTheCall() throws IOException {
        answer.set(new Answer(200, "{\"code\":\"R0000\",\"msg\":{\"text\":\"ok\"},\"supplier_order_no\":[1]}", 0));
        SupplierAnswer got = client.submit(supplier(start(), 2000), delivery());

        assertThat(got.code()).isEqualTo("R0000");
        assertThat(got.message()).isEqualTo("{\"text\":\"ok\"}");
    }

    /** A server of its own on /submit, answering as {@code handler} does. */
    private String serve(com.sun.net.httpserver.HttpHandler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/submit", handler);
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/submit";
    }

    @Test
    void aSupplierTricklingItsAnswerIsCutOffAtItsDeadlineAndLeftToAQuery() throws IOException {
        // A byte every 300 ms: each read is within the 1 s timeout, the answer never ends.
        String url = serve(exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 0);
            try {
                for (int i = 0; i < 200; i++) {
                    exchange.getResponseBody().write(' ');
                    exchange.getResponseBody().flush();
                    Thread.sleep(300);
                }
            } catch (IOException | InterruptedException gone) {
                // the client hung up
            } finally {
                exchange.close();
            }
        });
        SupplierAnswer got = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(40), () -> client.submit(supplier(url, 1000), delivery()));

        assertThat(got.transport()).isEqualTo(Transport.NO_ANSWER);
        assertThat(got.message()).contains("no complete answer within 6000 ms");
    }

    @Test
    void anAnswerLargerThanTheLimitIsNotReadWholeAndLeftToAQuery() throws IOException {
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'x');
        String url = serve(exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 0);
            try {
                for (int i = 0; i < 16 * 1024; i++) { // a gigabyte
                    exchange.getResponseBody().write(chunk);
                }
            } catch (IOException gone) {
                // the client hung up
            } finally {
                exchange.close();
            }
        });
        SupplierAnswer got = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(40), () -> client.submit(supplier(url, 5000), delivery()));

        assertThat(got.transport()).isEqualTo(Transport.NO_ANSWER);
        assertThat(got.message()).contains("answer longer than " + SupplierHttp.MAX_ANSWER);
    }
}
