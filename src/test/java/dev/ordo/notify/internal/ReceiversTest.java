package dev.ordo.notify.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A receiver that keeps failing is paused for its channel, and only for its channel, then probed again. */
class ReceiversTest {

    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger answer = new AtomicInteger(503);
    private final AtomicInteger delayMillis = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
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
                mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(delayMillis.get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    inFlight.decrementAndGet();
                }
                exchange.sendResponseHeaders(answer.get(), -1);
            }
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/notify");
        http = new NotifyHttp(new NotifyTargets(true, Set.of()), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() throws IOException {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
        http.close();
    }

    @Test
    void a_failing_receiver_is_paused_for_its_channel_without_calls_and_resumes_after_a_successful_probe()
            throws Exception {
        Duration openFor = Duration.ofSeconds(3);
        Receivers receivers = breakers(4, openFor);
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
        Receivers receivers = breakers(4, openFor);
        receivers.post("down", uri, "e1", "a=1");
        receivers.post("down", uri, "e2", "a=1");
        Thread.sleep(openFor.toMillis() + 200);
        assertThat(receivers.post("down", uri, "probe", "a=1").paused()).isFalse();
        assertThat(receivers.post("down", uri, "e3", "a=1").paused()).isTrue();
        assertThat(requests).hasValue(3);
    }

    @Test
    void a_receiver_that_answers_at_once_is_not_paused_whatever_it_answers() {
        Receivers receivers = breakers(4, Duration.ofSeconds(30));
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
        Receivers receivers = breakers(10, Duration.ofSeconds(30));
        for (int n = 0; n < 30; n++) {
            answer.set(n % 2 == 0 ? 503 : 200);
            assertThat(receivers.post("flaky", uri, "e" + n, "a=1").paused()).isFalse();
        }
        assertThat(requests).hasValue(30);
    }

    @Test
    void a_slow_receiver_gets_at_most_its_share_of_attempts_in_flight_and_the_rest_are_deferred() throws Exception {
        Receivers receivers = new Receivers(http, 10, Duration.ofSeconds(30), Duration.ofMillis(200), 2, 8);
        answer.set(200);
        delayMillis.set(1_000);
        assertThat(receivers.post("slow", uri, "first", "a=1").received())
                .as("one call to learn how long it takes")
                .isTrue();

        List<NotifyHttp.Outcome> outcomes = atOnce(6, n -> receivers.post("slow", uri, "e" + n, "a=1"));

        assertThat(outcomes.stream().filter(NotifyHttp.Outcome::received)).hasSize(2);
        assertThat(outcomes.stream().filter(NotifyHttp.Outcome::deferred))
                .hasSize(4)
                .allSatisfy(deferred -> {
                    assertThat(deferred.paused())
                            .as("not paused: the receiver answers")
                            .isFalse();
                    assertThat(deferred.error())
                            .startsWith("deferred: answers from http://127.0.0.1:")
                            .contains("2 attempts to it are in flight; its turn is in ");
                    assertThat(deferred.deferredFor())
                            .as("not before the calls under way are done: it answers after a second")
                            .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
                });
        assertThat(outcomes.stream()
                        .filter(NotifyHttp.Outcome::deferred)
                        .map(NotifyHttp.Outcome::deferredFor)
                        .distinct())
                .as("each its own turn")
                .hasSize(4);
        assertThat(mostInFlight).hasValue(2);
        assertThat(requests).hasValue(3);
        assertThat(receivers.post("other", uri, "o1", "a=1").paused())
                .as("another channel's receiver, not known to be slow")
                .isFalse();
    }

    @Test
    void a_channel_spreading_its_attempts_over_slow_receivers_gets_at_most_its_channel_share_in_flight()
            throws Exception {
        Receivers receivers = new Receivers(http, 10, Duration.ofSeconds(30), Duration.ofMillis(200), 2, 2);
        answer.set(200);
        delayMillis.set(1_000);
        assertThat(receivers.post("spread", uri, "first", "a=1").received())
                .as("one call to learn how long its receivers take")
                .isTrue();
        // Two receivers (one host by two names), each within its own share of two.
        URI otherName = URI.create(uri.toString().replace("127.0.0.1", "localhost"));

        List<NotifyHttp.Outcome> outcomes =
                atOnce(4, n -> receivers.post("spread", n % 2 == 0 ? uri : otherName, "e" + n, "a=1"));

        assertThat(outcomes.stream().filter(NotifyHttp.Outcome::received)).hasSize(2);
        assertThat(outcomes.stream().filter(NotifyHttp.Outcome::deferred))
                .hasSize(2)
                .allSatisfy(deferred -> assertThat(deferred.error())
                        .startsWith("deferred: answers from the receivers of channel spread take about")
                        .contains("2 attempts to them are in flight"));
        assertThat(mostInFlight).hasValue(2);
        assertThat(receivers.post("other", otherName, "o1", "a=1").received())
                .as("another channel's attempts are not held back")
                .isTrue();
    }

    @Test
    void a_receiver_that_answers_quickly_is_never_limited_however_many_attempts_are_in_flight() throws Exception {
        // Quick against the threshold however loaded the machine running the test is.
        Receivers receivers = new Receivers(http, 10, Duration.ofSeconds(30), Duration.ofSeconds(5), 2, 8);
        answer.set(200);
        delayMillis.set(300);
        receivers.post("busy", uri, "first", "a=1");

        List<NotifyHttp.Outcome> outcomes = atOnce(12, n -> receivers.post("busy", uri, "e" + n, "a=1"));

        assertThat(outcomes)
                .allSatisfy(outcome -> assertThat(outcome.received()).isTrue());
        assertThat(mostInFlight.get())
                .as("more than the slow receivers' share at once")
                .isGreaterThan(2);
    }

    @Test
    void a_receiver_that_became_quick_again_is_no_longer_limited() throws Exception {
        Receivers receivers = new Receivers(http, 10, Duration.ofSeconds(30), Duration.ofSeconds(1), 1, 8);
        answer.set(200);
        delayMillis.set(1_500);
        receivers.post("recovering", uri, "slow", "a=1");
        delayMillis.set(0);
        for (int n = 0; n < 12; n++) {
            receivers.post("recovering", uri, "quick" + n, "a=1"); // one at a time: never over the share
        }
        delayMillis.set(100);

        List<NotifyHttp.Outcome> outcomes = atOnce(4, n -> receivers.post("recovering", uri, "e" + n, "a=1"));

        assertThat(outcomes).hasSize(4).allSatisfy(outcome -> {
            assertThat(outcome.deferred())
                    .as("not held back: no share any more")
                    .isFalse();
            assertThat(outcome.received()).isTrue();
        });
    }

    @Test
    void a_receiver_never_measured_counts_as_slow_once_a_call_to_it_has_waited_too_long() throws Exception {
        Receivers receivers = new Receivers(http, 10, Duration.ofSeconds(30), Duration.ofMillis(300), 2, 8);
        answer.set(200);
        delayMillis.set(2_000);
        ExecutorService first = Executors.newFixedThreadPool(2);
        try {
            List<Future<NotifyHttp.Outcome>> waiting = new ArrayList<>();
            for (int n = 0; n < 2; n++) {
                int i = n;
                waiting.add(first.submit(() -> receivers.post("new", uri, "w" + i, "a=1")));
            }
            // Both calls under way (arrived at the receiver), then for longer than the threshold; none back yet.
            await().atMost(Duration.ofSeconds(1)).until(() -> inFlight.get() == 2);
            Thread.sleep(400);

            List<NotifyHttp.Outcome> later = atOnce(3, n -> receivers.post("new", uri, "e" + n, "a=1"));

            assertThat(later).allSatisfy(outcome -> assertThat(outcome.error()).startsWith("deferred: "));
            for (Future<NotifyHttp.Outcome> call : waiting) {
                assertThat(call.get().received()).isTrue();
            }
            assertThat(requests).hasValue(2);
        } finally {
            first.shutdownNow();
        }
    }

    @Test
    void deferred_attempts_get_turns_a_pace_apart_behind_the_calls_under_way_and_start_afresh_once_past() {
        long none = Long.MIN_VALUE;
        long cap = 10_000;
        long first = Receivers.nextTurn(none, 0, 1_000, 250, cap);
        long second = Receivers.nextTurn(first, 10, 1_000, 250, cap);
        long third = Receivers.nextTurn(second, 20, 1_000, 250, cap);
        assertThat(List.of(first, second, third))
                .as("the first once the calls under way are done, the next a pace apart")
                .containsExactly(1_000L, 1_250L, 1_500L);
        assertThat(Receivers.nextTurn(third, 5_000, 1_000, 250, cap))
                .as("long after the last turn: behind the calls under way now")
                .isEqualTo(6_000);
    }

    @Test
    void a_burst_larger_than_the_receiver_takes_within_the_cap_does_not_push_later_turns_further_out() {
        long last = Long.MIN_VALUE;
        long cap = 10_000;
        for (int n = 0; n < 1_000; n++) {
            last = Receivers.nextTurn(last, 0, 1_000, 250, cap);
        }
        assertThat(last)
                .as("a thousand turns a pace apart would end at 250 s: held at the cap")
                .isEqualTo(cap);
        assertThat(Receivers.nextTurn(last, 20_000, 1_000, 250, cap))
                .as("after the burst, a lone deferral waits for the calls under way, not for the backlog of turns")
                .isEqualTo(21_000);
    }

    @Test
    void the_slow_receiver_settings_are_checked() {
        assertThatThrownBy(() -> new Receivers(http, 10, Duration.ofSeconds(30), Duration.ZERO, 4, 8))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Receivers(http, 10, Duration.ofSeconds(30), Duration.ofSeconds(2), 0, 8))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Receivers(http, 10, Duration.ofSeconds(30), Duration.ofSeconds(2), 4, 3))
                .as("a channel's share below one receiver's")
                .isInstanceOf(IllegalArgumentException.class);
    }

    private Receivers breakers(int window, Duration openFor) {
        return new Receivers(http, window, openFor, Duration.ofSeconds(2), 4, 8);
    }

    private interface Post {
        NotifyHttp.Outcome post(int n) throws Exception;
    }

    /** Starts every post at the same moment and answers their outcomes. */
    private static List<NotifyHttp.Outcome> atOnce(int count, Post post) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(count);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<NotifyHttp.Outcome>> futures = new ArrayList<>();
            for (int n = 0; n < count; n++) {
                int i = n;
                Callable<NotifyHttp.Outcome> task = () -> {
                    start.await();
                    return post.post(i);
                };
                futures.add(threads.submit(task));
            }
            start.countDown();
            List<NotifyHttp.Outcome> outcomes = new ArrayList<>();
            for (Future<NotifyHttp.Outcome> future : futures) {
                outcomes.add(future.get());
            }
            return outcomes;
        } finally {
            threads.shutdownNow();
        }
    }
}
