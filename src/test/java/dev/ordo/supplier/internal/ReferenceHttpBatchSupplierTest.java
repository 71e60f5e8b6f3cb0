package dev.ordo.supplier.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.ordo.apilog.ApiCall;
import dev.ordo.apilog.ApiCallKind;
import dev.ordo.shared.Signatures;
import dev.ordo.supplier.Delivery;
import dev.ordo.supplier.SupplierAnswer;
import dev.ordo.supplier.SupplierAnswer.Transport;
import dev.ordo.supplier.SupplierEndpoint;
import dev.ordo.supplier.mock.MockSupplier;
import dev.ordo.supplier.mock.MockSupplierServer;
import dev.ordo.testing.RecordedCalls;
import dev.ordo.testing.SettableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The batched reference protocol against real HTTP servers: deliveries submitted at the same moment
 * share a request, each gets its own answer, and whatever goes wrong with a request leaves its
 * deliveries to a query — never to a second submission.
 */
class ReferenceHttpBatchSupplierTest {

    private static final JsonMapper JSON = new JsonMapper();
    private static final String SECRET = "batch-secret-0001";

    private final RecordedCalls calls = new RecordedCalls();
    private final SupplierHttp http = new SupplierHttp(JSON, Clock.systemUTC(), calls);
    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-01T00:00:00Z"));
    private ReferenceHttpBatchSupplier client = batchClient(2, 100);
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;

    private ReferenceHttpBatchSupplier batchClient(int lanes, int maxPerRequest) {
        return new ReferenceHttpBatchSupplier(
                http, new ReferenceHttpSupplier(http, clock), clock, new SimpleMeterRegistry(), lanes, maxPerRequest);
    }

    /** One delivery, claimed just now. */
    private SupplierAnswer submitOne(SupplierEndpoint supplier, Delivery delivery) {
        return submitAll(supplier, List.of(delivery)).getFirst();
    }

    /** Claimed just now: a lane may start them for a minute. */
    private List<SupplierAnswer> submitAll(SupplierEndpoint supplier, List<Delivery> deliveries) {
        return client.submitAll(supplier, deliveries, clock.instant().plus(ReferenceHttpBatchSupplier.LANE_WAIT));
    }

    /** A supplier answering each request with what {@code answer} makes of its form. */
    private String start(Function<Map<String, String>, String> answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/submit", exchange -> {
            Map<String, String> form =
                    form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            requests.add(form);
            byte[] body = answer.apply(form).getBytes(StandardCharsets.UTF_8);
            int status = body.length > 0 && body[0] == '!' ? 500 : 200;
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/submit";
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop(0);
        }
        client.destroy();
        http.destroy();
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            form.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    private static SupplierEndpoint supplier(String url, int timeoutMs) {
        return new SupplierEndpoint(
                "ycup", "reference-http-batch", 1, url, url, url, "http://127.0.0.1/notify", SECRET, timeoutMs);
    }

    private static Delivery delivery(int n) {
        return new Delivery("u" + n, 1000L + n, 1, 10000L, "10001100000000" + (n % 10), "ZSH", null, null);
    }

    /** Answers every delivery of the request with code "C" + its order_no. */
    private static String echo(Map<String, String> form) {
        List<Map<String, String>> results = new ArrayList<>();
        for (JsonNode order : JSON.readTree(form.get("orders"))) {
            String no = order.get("order_no").asString();
            results.add(Map.of("order_no", no, "code", "C" + no, "msg", "ok", "supplier_order_no", "S" + no));
        }
        return JSON.writeValueAsString(Map.of("code", "0000", "results", results));
    }

    private final CountDownLatch firstArrived = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    /**
     * One lane, and a supplier that holds its first request until {@link #release} (answering every
     * request with {@link #echo}): what callers hand in meanwhile queues on the lane.
     */
    private String startHoldingTheFirstRequest() throws Exception {
        client.destroy();
        client = batchClient(1, 100);
        return start(form -> {
            if (requests.size() == 1) {
                firstArrived.countDown();
                await(release);
            }
            return echo(form);
        });
    }

    @Test
    void deliveriesSubmittedAtTheSameMomentShareARequestAndEachGetsItsOwnAnswer() throws Exception {
        String url = startHoldingTheFirstRequest();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<List<SupplierAnswer>> first =
                    callers.submit(() -> submitAll(supplier(url, 5000), List.of(delivery(0), delivery(1))));
            assertThat(firstArrived.await(5, TimeUnit.SECONDS)).isTrue();
            // While the first request is out, ten callers queue up on the lane.
            List<Future<SupplierAnswer>> queued = IntStream.rangeClosed(2, 11)
                    .mapToObj(n -> callers.submit(() -> submitOne(supplier(url, 5000), delivery(n))))
                    .toList();
            Thread.sleep(300);
            release.countDown();

            assertThat(first.get()).extracting(SupplierAnswer::code).containsExactly("Cu0", "Cu1");
            for (int n = 2; n <= 11; n++) {
                assertThat(queued.get(n - 2).get()).isEqualTo(SupplierAnswer.answered("Cu" + n, "ok", "Su" + n));
            }
        }
        assertThat(requests).hasSize(2);
        assertThat(JSON.readTree(requests.get(1).get("orders"))).hasSize(10);
    }

    @Test
    void theBatchIsSignedAndCarriesEveryDeliveryField() throws IOException {
        String url = start(ReferenceHttpBatchSupplierTest::echo);
        submitAll(supplier(url, 2000), List.of(delivery(7)));

        Map<String, String> form = requests.getFirst();
        assertThat(Signatures.verify(SECRET, form, form.get(Signatures.SIGN))).isTrue();
        assertThat(form).containsEntry("channel_no", "ycup").containsEntry("notify_url", "http://127.0.0.1/notify");
        JsonNode order = JSON.readTree(form.get("orders")).get(0);
        assertThat(order.get("order_no").asString()).isEqualTo("u7");
        assertThat(order.get("out_order_id").asLong()).isEqualTo(1007L);
        assertThat(order.get("face").asLong()).isEqualTo(10000L);
        assertThat(order.get("num").asInt()).isEqualTo(1);
        assertThat(order.get("account").asString()).isEqualTo("100011000000007");
        assertThat(order.get("carrier_no").asString()).isEqualTo("ZSH");
    }

    @Test
    void aRequestCarriesAtMostTheConfiguredNumberOfDeliveries() throws Exception {
        client.destroy();
        client = batchClient(1, 2);
        String url = start(ReferenceHttpBatchSupplierTest::echo);
        List<SupplierAnswer> answers = submitAll(
                supplier(url, 2000),
                IntStream.range(0, 5)
                        .mapToObj(ReferenceHttpBatchSupplierTest::delivery)
                        .toList());

        assertThat(answers).extracting(SupplierAnswer::code).containsExactly("Cu0", "Cu1", "Cu2", "Cu3", "Cu4");
        assertThat(requests)
                .extracting(form -> JSON.readTree(form.get("orders")).size())
                .containsExactly(2, 2, 1);
    }

    @Test
    void aDeliveryLeftOutOfTheAnswerIsUnknownAndResolvedByQuery() throws IOException {
        String url = start(form ->
                "{\"code\":\"0000\",\"results\":[{\"order_no\":\"u1\",\"code\":\"0000\"},{\"code\":\"0000\"}]}");
        List<SupplierAnswer> answers = submitAll(supplier(url, 2000), List.of(delivery(1), delivery(2)));

        assertThat(answers.get(0)).isEqualTo(SupplierAnswer.answered("0000", null, null));
        assertThat(answers.get(1).transport()).isEqualTo(Transport.NO_ANSWER);
    }

    @Test
    void aBatchIsOneLogEntryFoundByItsDeliveryWhenItCarriesOnlyOne() throws IOException {
        String url = start(
                form -> "{\"code\":\"0000\",\"results\":[{\"order_no\":\"u1\",\"code\":\"0000\",\"msg\":\"one\"}]}");
        submitAll(supplier(url, 2000), List.of(delivery(1), delivery(2)));
        submitAll(supplier(url, 2000), List.of(delivery(3)));

        assertThat(calls.calls()).hasSize(2).allSatisfy(call -> {
            assertThat(call.kind()).isEqualTo(ApiCallKind.SUPPLIER_REQUEST);
            assertThat(call.party()).isEqualTo("ycup");
            assertThat(call.endpoint()).isEqualTo(url);
            assertThat(call.status()).isEqualTo(200);
            assertThat(call.response()).contains("\"msg\":\"one\"");
        });
        ApiCall both = calls.calls().get(0);
        assertThat(both.reference()).as("two deliveries: none of them").isNull();
        assertThat(both.request()).contains("u1", "u2", "sign=");
        assertThat(calls.calls().get(1).reference()).isEqualTo("u3");
    }

    @Test
    void anAnswerWithoutResultsConfirmsNothingAndLeavesEveryDeliveryUnknown() throws IOException {
        String url = start(form -> "{\"code\":\"0000\",\"msg\":\"ok\"}");
        List<SupplierAnswer> answers = submitAll(supplier(url, 2000), List.of(delivery(1), delivery(2)));

        assertThat(answers)
                .extracting(SupplierAnswer::transport)
                .containsExactly(Transport.NO_ANSWER, Transport.NO_ANSWER);
    }

    @Test
    void aCallerThatStopsWaitingBeforeALaneTookItsDeliveriesGetsNotSentAndTheyAreNeverSent() throws Exception {
        String url = startHoldingTheFirstRequest();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<List<SupplierAnswer>> first =
                    callers.submit(() -> submitAll(supplier(url, 5000), List.of(delivery(0))));
            assertThat(firstArrived.await(5, TimeUnit.SECONDS)).isTrue();
            List<SupplierAnswer> gaveUp = new CopyOnWriteArrayList<>();
            Thread waiting =
                    Thread.ofVirtual().start(() -> gaveUp.addAll(submitAll(supplier(url, 5000), List.of(delivery(1)))));
            Thread.sleep(300);
            waiting.interrupt(); // as at shutdown: the job's thread is interrupted while it waits
            waiting.join(5000);
            release.countDown();

            assertThat(gaveUp).extracting(SupplierAnswer::transport).containsExactly(Transport.NOT_SENT);
            assertThat(first.get()).extracting(SupplierAnswer::code).containsExactly("Cu0");
            Thread.sleep(500); // the lane has drained its queue: the withdrawn delivery stayed behind
        }
        assertThat(requests).hasSize(1);
    }

    @Test
    void anHttpErrorAnswersEveryDeliveryWithItsStatus() throws IOException {
        String url = start(form -> "!down");
        List<SupplierAnswer> answers = submitAll(supplier(url, 2000), List.of(delivery(1), delivery(2)));

        assertThat(answers).extracting(SupplierAnswer::code).containsExactly("HTTP_500", "HTTP_500");
    }

    @Test
    void aRefusedConnectionLeavesEveryDeliveryNotSentAndATimeoutLeavesThemUnknown() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertThat(submitAll(
                        supplier("http://127.0.0.1:" + closedPort + "/submit", 2000),
                        List.of(delivery(1), delivery(2))))
                .extracting(SupplierAnswer::transport)
                .containsExactly(Transport.NOT_SENT, Transport.NOT_SENT);

        String url = start(form -> {
            sleep(Duration.ofMillis(1500));
            return echo(form);
        });
        assertThat(submitAll(supplier(url, 300), List.of(delivery(1), delivery(2))))
                .extracting(SupplierAnswer::transport)
                .containsExactly(Transport.NO_ANSWER, Transport.NO_ANSWER);
        assertThat(requests).hasSize(1); // it did arrive: only a query may tell what became of it
    }

    @Test
    void theMockSupplierAnswersEachDeliveryOfABatchByItsAccountsLastDigit() throws IOException {
        MockSupplier mock = new MockSupplier(SECRET, Duration.ZERO, Duration.ofMillis(10), Duration.ZERO);
        try (MockSupplierServer mockServer = new MockSupplierServer(0, mock)) {
            String url = "http://127.0.0.1:" + mockServer.port() + "/mock/supplier/submit-batch";
            List<Delivery> deliveries = List.of(delivery(0), delivery(1), delivery(9));
            List<SupplierAnswer> answers = submitAll(supplier(url, 2000), deliveries);

            assertThat(answers)
                    .extracting(SupplierAnswer::code)
                    .containsExactly(MockSupplier.SUCCESS, MockSupplier.FAILURE, MockSupplier.UNKNOWN);
            assertThat(mock.stats()).containsEntry("units", 3).containsEntry("duplicate_submissions", 0);

            SupplierEndpoint wrongSecret = new SupplierEndpoint(
                    "ycup", "reference-http-batch", 1, url, url, url, null, "another-secret-0001", 2000);
            assertThat(submitAll(wrongSecret, List.of(delivery(5))))
                    .extracting(SupplierAnswer::transport)
                    .containsExactly(Transport.NO_ANSWER);
            assertThat(mock.submissions("u5")).isZero();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aSubmissionWhoseCallerGaveUpWhileEarlierRequestsOfItsBatchWereOutIsNeverSent() throws Exception {
        // One lane. The supplier holds the first request (C) and the one carrying u1 (A); B, to another
        // supplier, queued in the same batch as A, goes after A's request.
        client.destroy();
        client = batchClient(1, 100);
        CountDownLatch aOut = new CountDownLatch(1);
        CountDownLatch releaseA = new CountDownLatch(1);
        String url = start(form -> {
            if (requests.size() == 1) {
                firstArrived.countDown();
                await(release);
            }
            if (form.get("orders").contains("\"u1\"")) {
                aOut.countDown();
                await(releaseA);
            }
            return echo(form);
        });
        SupplierEndpoint other = new SupplierEndpoint(
                "ycup2", "reference-http-batch", 1, url, url, url, "http://127.0.0.1/notify", SECRET, 5000);
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<SupplierAnswer> c = callers.submit(() -> submitOne(supplier(url, 5000), delivery(0)));
            assertThat(firstArrived.await(5, TimeUnit.SECONDS)).isTrue();
            Future<SupplierAnswer> a = callers.submit(() -> submitOne(supplier(url, 5000), delivery(1)));
            Thread.sleep(100); // A queued before B: B's request goes after A's (B first, it would be out already)
            List<SupplierAnswer> bAnswer = new CopyOnWriteArrayList<>();
            Thread b = Thread.ofPlatform().start(() -> bAnswer.add(submitOne(other, delivery(2))));
            Thread.sleep(300); // A and B queued behind C
            release.countDown();
            assertThat(aOut.await(5, TimeUnit.SECONDS)).isTrue();
            b.interrupt(); // B's caller gives up while A's request is out
            b.join(5_000);
            releaseA.countDown();
            assertThat(c.get().code()).isEqualTo("Cu0");
            assertThat(a.get().code()).isEqualTo("Cu1");
            assertThat(bAnswer)
                    .singleElement()
                    .satisfies(answer -> assertThat(answer.transport()).isEqualTo(SupplierAnswer.Transport.NOT_SENT));
        }
        Thread.sleep(500);
        assertThat(requests).noneMatch(form -> form.get("orders").contains("\"u2\""));
    }

    @Test
    void aDeliveryAnsweredTwiceDifferentlyIsLeftToAQuery() throws IOException {
        String url = start(form -> JSON.writeValueAsString(Map.of(
                "code",
                "0000",
                "results",
                List.of(
                        Map.of("order_no", "u5", "code", "R5124", "msg", "failed"),
                        Map.of("order_no", "u5", "code", "R0000", "msg", "ok")))));
        SupplierAnswer got = submitOne(supplier(url, 2000), delivery(5));

        assertThat(got.transport()).isEqualTo(SupplierAnswer.Transport.NO_ANSWER);
        assertThat(got.message()).contains("answered twice, differently");
    }

    @Test
    void noRequestStartsWithADeliveryPastItsStartByThoughItsSubmissionWasTaken() throws Exception {
        client.destroy();
        client = batchClient(1, 1); // one delivery per request: a submission of three takes three
        String url = start(form -> {
            clock.advance(Duration.ofMinutes(1)); // each request takes a minute of the client's time
            return echo(form);
        });

        // Requests would start at 0, 1 and 2 minutes; the deliveries may start until 1.5 minutes.
        List<SupplierAnswer> answers = client.submitAll(
                supplier(url, 5000),
                List.of(delivery(0), delivery(1), delivery(2)),
                clock.instant().plusSeconds(90));

        assertThat(answers).extracting(SupplierAnswer::code).containsExactly("Cu0", "Cu1", null);
        assertThat(answers.get(2).wasTooLate()).isTrue();
        assertThat(requests).hasSize(2).noneMatch(form -> form.get("orders").contains("\"u2\""));
    }

    @Test
    void aCallerThatStopsWaitingAfterALaneTookItsDeliveriesLearnsUntilWhenTheyMayBeOnTheirWay() throws Exception {
        String url = startHoldingTheFirstRequest();
        SupplierEndpoint supplier = supplier(url, 5000);
        Instant startBy = clock.instant().plusSeconds(30);
        List<SupplierAnswer> gaveUp = new CopyOnWriteArrayList<>();
        Thread waiting = Thread.ofVirtual()
                .start(() -> gaveUp.addAll(client.submitAll(supplier, List.of(delivery(0)), startBy)));
        assertThat(firstArrived.await(5, TimeUnit.SECONDS)).isTrue();
        waiting.interrupt(); // its request is out
        waiting.join(5000);
        release.countDown();

        assertThat(gaveUp).singleElement().satisfies(answer -> {
            assertThat(answer.transport()).isEqualTo(Transport.NO_ANSWER);
            assertThat(answer.onItsWayUntil()).isEqualTo(startBy.plus(supplier.longestCall()));
        });
    }

    @Test
    void theLaterPartsOfASubmissionWhoseCallerGaveUpAreNeverSentAndItsCallerLearnsWhichMayBeOnTheirWay()
            throws Exception {
        client.destroy();
        client = batchClient(1, 1); // one delivery per request: a submission of three takes three
        String url = start(form -> {
            if (requests.size() == 1) {
                firstArrived.countDown();
                await(release);
            }
            return echo(form);
        });
        SupplierEndpoint supplier = supplier(url, 5000);
        Instant startBy = clock.instant().plus(ReferenceHttpBatchSupplier.LANE_WAIT);
        List<SupplierAnswer> gaveUp = new CopyOnWriteArrayList<>();
        Thread waiting = Thread.ofVirtual()
                .start(() -> gaveUp.addAll(
                        client.submitAll(supplier, List.of(delivery(0), delivery(1), delivery(2)), startBy)));
        assertThat(firstArrived.await(5, TimeUnit.SECONDS)).isTrue();
        waiting.interrupt(); // its first part is out, the others wait their turn
        waiting.join(5000);
        release.countDown();

        // Not sent, the others are claimed again and sent on their own — not queried, found unknown
        // to the supplier and failed, as they would be if taken for maybe sent.
        assertThat(gaveUp)
                .extracting(SupplierAnswer::transport)
                .containsExactly(Transport.NO_ANSWER, Transport.NOT_SENT, Transport.NOT_SENT);
        Thread.sleep(500);
        assertThat(requests).hasSize(1).allMatch(form -> form.get("orders").contains("\"u0\""));
    }
}
