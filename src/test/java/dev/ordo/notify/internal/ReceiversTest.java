package dev.ordo.notify.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A receiver that keeps failing is paused for its channel, and only for its channel, then probed again. */
class ReceiversTest {

    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger answer = new AtomicInteger(503);
    private HttpServer server;
    private NotifyHttp http;
    private URI uri;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                requests.incrementAndGet();
                exchange.sendResponseHeaders(answer.get(), -1);
            }
        });
        server.start();
        uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/notify");
        http = new NotifyHttp(new NotifyTargets(true, Set.of()), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() throws IOException {
        server.stop(0);
        http.close();
    }

    @Test
    void a_failing_receiver_is_paused_for_its_channel_without_calls_and_resumes_after_a_successful_probe()
            throws Exception {
        Duration openFor = Duration.ofSeconds(3);
        Receivers receivers = new Receivers(http, 4, openFor);
        List<NotifyHttp.Outcome> outcomes = new ArrayList<>();
        for (int n = 0; n < 10; n++) {
            outcomes.add(receivers.post("down", uri, "e" + n, "a=1"));
        }
        assertThat(requests)
                .as("two failures of two (at least half the window) pause it")
                .hasValue(2);
        assertThat(outcomes.subList(2, 10)).allSatisfy(paused -> {
            assertThat(paused.paused()).isTrue();
            assertThat(paused.received()).isFalse();
            assertThat(paused.error()).startsWith("paused: the last attempts to http://127.0.0.1:");
        });

        NotifyHttp.Outcome other = receivers.post("other", uri, "o1", "a=1");
        assertThat(other.paused()).as("another channel's breaker").isFalse();
        assertThat(requests).hasValue(3);

        answer.set(200);
        Thread.sleep(openFor.toMillis() + 200);
        NotifyHttp.Outcome probe = receivers.post("down", uri, "e10", "a=1");
        assertThat(probe.received()).isTrue();
        assertThat(receivers.post("down", uri, "e11", "a=1").received())
                .as("resumed")
                .isTrue();
        assertThat(requests).hasValue(5);
    }

    @Test
    void a_failed_probe_pauses_the_receiver_again() throws Exception {
        Duration openFor = Duration.ofSeconds(2);
        Receivers receivers = new Receivers(http, 4, openFor);
        receivers.post("down", uri, "e1", "a=1");
        receivers.post("down", uri, "e2", "a=1");
        Thread.sleep(openFor.toMillis() + 200);
        assertThat(receivers.post("down", uri, "probe", "a=1").paused()).isFalse();
        assertThat(receivers.post("down", uri, "e3", "a=1").paused()).isTrue();
        assertThat(requests).hasValue(3);
    }

    @Test
    void a_receiver_that_answers_at_once_is_not_paused_whatever_it_answers() {
        Receivers receivers = new Receivers(http, 4, Duration.ofSeconds(30));
        for (int status : new int[] {404, 400, 500, 404, 401, 404, 500, 404}) {
            answer.set(status);
            NotifyHttp.Outcome outcome = receivers.post("wrongpath", uri, "e" + status, "a=1");
            assertThat(outcome.paused()).isFalse();
            assertThat(outcome.received()).isFalse();
        }
        assertThat(requests).hasValue(8);
    }

    @Test
    void receivers_are_told_apart_by_scheme_host_in_any_case_and_effective_port() {
        assertThat(Receivers.receiver(URI.create("http://Shop.Example.com/n"))).isEqualTo("http://shop.example.com:80");
        assertThat(Receivers.receiver(URI.create("https://shop.example.com/n")))
                .isEqualTo("https://shop.example.com:443");
        assertThat(Receivers.receiver(URI.create("http://shop.example.com:8080/n")))
                .isEqualTo("http://shop.example.com:8080");
    }

    @Test
    void a_receiver_failing_now_and_then_is_not_paused() {
        Receivers receivers = new Receivers(http, 10, Duration.ofSeconds(30));
        for (int n = 0; n < 30; n++) {
            answer.set(n % 2 == 0 ? 503 : 200);
            assertThat(receivers.post("flaky", uri, "e" + n, "a=1").paused()).isFalse();
        }
        assertThat(requests).hasValue(30);
    }
}
