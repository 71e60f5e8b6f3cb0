package dev.ordo.apilog.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.apilog.ApiCall;
import dev.ordo.apilog.ApiCallKind;
import dev.ordo.apilog.ApiLog;
import dev.ordo.shared.Urls;
import dev.ordo.testing.SettableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The log never holds up a call: past its buffer, entries are dropped and counted. */
class ApiLogBufferTest {

    private static ApiCall call(int n) {
        return ApiCall.of(
                Instant.now(), ApiCallKind.CHANNEL_REQUEST, "test", "/order/request", "r" + n, null, 200, "{}", 1);
    }

    @Test
    void calls_past_a_full_buffer_are_dropped_and_counted_without_blocking_the_caller() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        // Not started: nothing drains the buffer of two.
        JdbcApiLog log = new JdbcApiLog(null, null, null, null, Clock.systemUTC(), meters, true, 2, 4000, 50);
        for (int n = 0; n < 5; n++) {
            log.record(call(n));
        }
        assertThat(meters.get("ordo.api.log.buffered").gauge().value()).isEqualTo(2);
        assertThat(meters.get("ordo.api.log.dropped").counter().count()).isEqualTo(3);
    }

    @Test
    void refused_calls_past_their_rate_are_skipped_and_counted_and_others_are_kept() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        SettableClock clock = new SettableClock(Instant.parse("2026-12-01T06:00:00.100Z"));
        JdbcApiLog log = new JdbcApiLog(null, null, null, null, clock, meters, true, 100, 4000, 3);
        for (int n = 0; n < 5; n++) {
            log.recordRefused(call(n));
        }
        log.record(call(5));
        assertThat(meters.get("ordo.api.log.buffered").gauge().value())
                .as("three refused, and the served call")
                .isEqualTo(4);
        assertThat(meters.get("ordo.api.log.refused.skipped").counter().count()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(1));
        log.recordRefused(call(6));
        assertThat(meters.get("ordo.api.log.buffered").gauge().value())
                .as("a new second, a new allowance")
                .isEqualTo(5);
    }

    @Test
    void a_disabled_log_keeps_nothing() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        JdbcApiLog log = new JdbcApiLog(null, null, null, null, Clock.systemUTC(), meters, false, 2, 4000, 50);
        log.record(call(1));
        assertThat(meters.get("ordo.api.log.buffered").gauge().value()).isZero();
        assertThat(meters.get("ordo.api.log.dropped").counter().count()).isZero();
    }

    @Test
    void an_outgoing_url_is_logged_without_its_query_fragment_and_user_info() {
        assertThat(ApiCall.endpointOf("https://user:pw@shop.example.com:8443/notify?token=t#x"))
                .isEqualTo("https://***@shop.example.com:8443/notify");
        assertThat(ApiCall.endpointOf("https://u:p@ss@host/n")).isEqualTo("https://***@host/n");
        assertThat(ApiCall.endpointOf("http://host/a@b?c=d")).isEqualTo("http://host/a@b");
        assertThat(ApiCall.endpointOf("http://host")).isEqualTo("http://host");
        assertThat(ApiCall.endpointOf(null)).isEmpty();
    }

    @Test
    void a_url_given_as_a_parameter_keeps_all_but_its_user_info() {
        assertThat(Urls.withoutUserInfo("http://ordo:pw@shop.example.com/n?key=k"))
                .isEqualTo("http://***@shop.example.com/n?key=k");
        assertThat(Urls.withoutUserInfo("http://shop.example.com/n?mail=a@b"))
                .isEqualTo("http://shop.example.com/n?mail=a@b");
        assertThat(Urls.withoutUserInfo("100011000000000")).isEqualTo("100011000000000");
    }

    @Test
    void texts_longer_than_the_limit_are_cut() {
        JdbcApiLog log =
                new JdbcApiLog(null, null, null, null, Clock.systemUTC(), new SimpleMeterRegistry(), true, 2, 100, 50);
        assertThat(log.cut("x".repeat(150))).hasSize(100);
        assertThat(log.cut("short")).isEqualTo("short");
        assertThat(log.cut(null)).isNull();
    }

    @Test
    void the_calls_of_a_caller_the_endpoint_did_not_admit_and_every_429_are_logged_within_the_refused_rate()
            throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        JdbcApiLog log = new JdbcApiLog(null, null, null, null, Clock.systemUTC(), meters, true, 100, 4000, 0);
        var filter = new InboundApiLogFilter(log, Clock.systemUTC(), ApiCallKind.CHANNEL_REQUEST, r -> "x", 4000);

        // Anybody: a parameter given twice, refused before the channel is known.
        filter.doFilter(
                new MockHttpServletRequest("GET", "/order/request"),
                new MockHttpServletResponse(),
                (request, response) -> ((HttpServletResponse) response).setStatus(400));
        // Anybody: an OPTIONS, answered without a channel.
        filter.doFilter(
                new MockHttpServletRequest("OPTIONS", "/order/request"),
                new MockHttpServletResponse(),
                (request, response) -> ((HttpServletResponse) response).setStatus(200));
        // A channel admitted, then over its rate.
        filter.doFilter(
                new MockHttpServletRequest("GET", "/order/request"),
                new MockHttpServletResponse(),
                (request, response) -> {
                    ApiLog.admitted(request);
                    ((HttpServletResponse) response).setStatus(429);
                });
        assertThat(meters.get("ordo.api.log.refused.skipped").counter().count()).isEqualTo(3);
        assertThat(meters.get("ordo.api.log.buffered").gauge().value()).isZero();

        // A channel admitted, its amount refused; a supplier's callback for a delivery Ordo does not know.
        filter.doFilter(
                new MockHttpServletRequest("GET", "/order/request"),
                new MockHttpServletResponse(),
                (request, response) -> {
                    ApiLog.admitted(request);
                    ((HttpServletResponse) response).setStatus(400);
                });
        filter.doFilter(
                new MockHttpServletRequest("POST", "/supplier/notify/ycup"),
                new MockHttpServletResponse(),
                (request, response) -> {
                    ApiLog.admitted(request);
                    ((HttpServletResponse) response).setStatus(404);
                });
        assertThat(meters.get("ordo.api.log.refused.skipped").counter().count()).isEqualTo(3);
        assertThat(meters.get("ordo.api.log.buffered").gauge().value()).isEqualTo(2);
    }

    @Test
    void a_request_whose_parameters_cannot_be_parsed_is_logged_with_its_query_string_as_it_came() throws Exception {
        JdbcApiLog log = new JdbcApiLog(
                null, null, null, null, Clock.systemUTC(), new SimpleMeterRegistry(), true, 10, 4000, 50);
        var filter = new InboundApiLogFilter(
                log, Clock.systemUTC(), ApiCallKind.CHANNEL_REQUEST, r -> r.getParameter("channel_no"), 4000);
        var request = new MockHttpServletRequest("GET", "/order/request");
        request.setQueryString("channel_no=te%73t&notify_url=http%3A%2F%2Fu%3Apw%40x%2Fcb&amount=%ZZ&sign=4f2a");
        var form = new MockHttpServletRequest("POST", "/order/request");
        form.setContentType("application/x-www-form-urlencoded");
        form.setContent("channel_no=test&amount=%ZZ".getBytes(StandardCharsets.UTF_8));

        filter.doFilter(
                unparsable(request),
                new MockHttpServletResponse(),
                (req, response) -> ((HttpServletResponse) response).setStatus(400));
        filter.doFilter(
                unparsable(form),
                new MockHttpServletResponse(),
                (req, response) -> ((HttpServletResponse) response).setStatus(400));

        ApiCall kept = log.buffered().getFirst();
        assertThat(kept.status()).isEqualTo(400);
        assertThat(kept.party()).isEqualTo("test");
        assertThat(kept.reference()).isNull();
        assertThat(kept.request())
                .as("a URL given keeps no user info")
                .isEqualTo("channel_no=te%73t&notify_url=http%3A%2F%2F***%40x%2Fcb&amount=%ZZ&sign=***");
        assertThat(log.buffered().getLast().request())
                .as("a form Tomcat keeps from everyone")
                .isEqualTo("(a form that could not be decoded)");
    }

    /** As Tomcat answers once it failed to decode the parameters. */
    private static HttpServletRequestWrapper unparsable(MockHttpServletRequest request) {
        return new HttpServletRequestWrapper(request) {
            @Override
            public String getParameter(String name) {
                throw new IllegalStateException("Invalid parameters");
            }

            @Override
            public Map<String, String[]> getParameterMap() {
                throw new IllegalStateException("Invalid parameters");
            }
        };
    }

    @Test
    void a_body_other_than_a_form_is_logged_on_its_own_line_with_its_secrets_masked() throws Exception {
        JdbcApiLog log = new JdbcApiLog(
                null, null, null, null, Clock.systemUTC(), new SimpleMeterRegistry(), true, 10, 4000, 50);
        var filter = new InboundApiLogFilter(log, Clock.systemUTC(), ApiCallKind.CHANNEL_REQUEST, r -> "x", 4000);
        var json = new MockHttpServletRequest("POST", "/order/request");
        json.setQueryString("sign=4f2a");
        json.addParameter("sign", "4f2a");
        json.setContentType("application/json");
        json.setContent("{\"channel_no\":\"test\",\"sign\":\"4f2a\",\"auth\":{\"api_key\":\"k3y\"},\"num\":1}"
                .getBytes(StandardCharsets.UTF_8));
        var text = new MockHttpServletRequest("POST", "/order/request");
        text.setContentType("text/plain");
        text.setContent("token=t0k&num=1".getBytes(StandardCharsets.UTF_8));

        for (var request : List.of(json, text)) {
            filter.doFilter(request, new MockHttpServletResponse(), (req, response) -> {
                req.getInputStream().readAllBytes();
                ((HttpServletResponse) response).setStatus(400);
            });
        }

        assertThat(log.buffered())
                .extracting(ApiCall::request)
                .containsExactly(
                        "sign=***\n{\"channel_no\":\"test\",\"sign\":\"***\",\"auth\":{\"api_key\":\"***\"},\"num\":1}",
                        "token=***&num=1");
    }

    @Test
    void a_form_value_longer_than_what_is_kept_is_cut_after_the_user_info_of_its_url_is_masked() throws Exception {
        JdbcApiLog log =
                new JdbcApiLog(null, null, null, null, Clock.systemUTC(), new SimpleMeterRegistry(), true, 10, 100, 50);
        var filter = new InboundApiLogFilter(log, Clock.systemUTC(), ApiCallKind.CHANNEL_REQUEST, r -> "x", 100);
        var form = new MockHttpServletRequest("POST", "/order/request");
        form.setContentType("application/x-www-form-urlencoded");
        // Cut first, the password would be kept without the @ that shows it is one.
        form.addParameter(
                "notify_url",
                "http://" + "u".repeat(80) + ":" + "p".repeat(30) + "@shop.example.com/n?" + "a".repeat(200_000));
        form.addParameter("num", "1");

        filter.doFilter(
                form,
                new MockHttpServletResponse(),
                (req, response) -> ((HttpServletResponse) response).setStatus(400));

        assertThat(log.buffered().getFirst().request())
                .startsWith("notify_url=http%3A%2F%2F***%40shop.example.com%2Fn%3Faaa")
                .doesNotContain("ppp")
                .hasSize(100);
    }

    @Test
    void the_values_of_sign_and_secret_looking_parameters_are_masked_whoever_records_the_call() {
        JdbcApiLog log =
                new JdbcApiLog(null, null, null, null, Clock.systemUTC(), new SimpleMeterRegistry(), true, 2, 4000, 50);
        log.record(ApiCall.of(
                Instant.now(),
                ApiCallKind.SUPPLIER_REQUEST,
                "ycup",
                "http://127.0.0.1/submit",
                "1",
                "order_no=1&timestamp=2&sign=4f2a9c&api_key=k3y",
                200,
                "{}",
                1));
        assertThat(log.buffered().getFirst().request()).isEqualTo("order_no=1&timestamp=2&sign=***&api_key=***");
    }
}
