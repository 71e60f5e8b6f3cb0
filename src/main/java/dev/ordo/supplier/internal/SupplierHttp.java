package dev.ordo.supplier.internal;

import dev.ordo.apilog.ApiCall;
import dev.ordo.apilog.ApiCallKind;
import dev.ordo.apilog.ApiLog;
import dev.ordo.shared.BoundedDns;
import dev.ordo.shared.Deadlines;
import dev.ordo.shared.Signatures;
import dev.ordo.shared.Urls;
import dev.ordo.supplier.SupplierAnswer;
import dev.ordo.supplier.SupplierEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.entity.UrlEncodedFormEntity;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.NameValuePair;
import org.apache.hc.core5.http.message.BasicNameValuePair;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The transport of the reference protocols (docs/supplier-protocol.md): a signed form POST answered
 * with JSON, on a pool of keep-alive connections shared by every supplier.
 *
 * <p>The calls block their caller on a pooled connection: Apache HttpClient's classic client, see
 * ADR 0008. No redirects and no automatic retries: a submission that may have left is never sent again.
 */
@Component
class SupplierHttp implements DisposableBean {

    /**
     * What one POST gave: the answer's JSON, or an answer that stands for everything the request
     * carried; and the exchange as the API log keeps it.
     */
    record Reply(JsonNode json, SupplierAnswer whole, Exchange exchange) {}

    /**
     * One POST for the API log: when it began, how long it took, the status answered (null: none)
     * and the answer's text, or why there was none.
     */
    record Exchange(Instant at, long durationMs, Integer status, String answer) {}

    private final CloseableHttpClient http;
    private final JsonMapper json;
    private final Clock clock;
    private final ApiLog apiLog;

    /** The most of an answer that is read: a batch of 100 deliveries answers in about 15 KB. */
    static final int MAX_ANSWER = 1 << 20;

    /** How long connecting may take, and so may looking up the supplier's name before it. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    @Autowired
    SupplierHttp(JsonMapper json, Clock clock, ApiLog apiLog) {
        this(json, clock, apiLog, InetAddress::getAllByName);
    }

    /** With the name lookup given (tests: a DNS server that never answers). */
    SupplierHttp(JsonMapper json, Clock clock, ApiLog apiLog, BoundedDns.Lookup lookup) {
        this.json = json;
        this.clock = clock;
        this.apiLog = apiLog;
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(512)
                        .setMaxConnPerRoute(128)
                        // A name whose DNS server keeps waiting fails like a connection not made
                        // (nothing was sent), instead of holding the caller past the call's deadline.
                        .setDnsResolver(new BoundedDns(lookup, CONNECT_TIMEOUT, "supplier-dns"))
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(CONNECT_TIMEOUT))
                                // A connection idle this long is checked before use: the supplier may have closed it.
                                .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                                .build())
                        .build())
                // Below the keep-alive timeouts of common servers, so that a closed connection is rarely met.
                .evictIdleConnections(TimeValue.ofSeconds(15))
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
    }

    JsonMapper json() {
        return json;
    }

    /**
     * Signs and posts the form (null values left out). A connection that could not be opened is
     * {@link SupplierAnswer.Transport#NOT_SENT}; a timeout, a broken connection or an answer that is
     * not JSON is {@link SupplierAnswer.Transport#NO_ANSWER}; a status other than 2xx is answered with
     * the code {@code HTTP_<status>}.
     */
    Reply post(SupplierEndpoint supplier, String url, Map<String, String> form) {
        Reply reply = exchange(supplier, url, form);
        String reference = form.containsKey("order_no") ? form.get("order_no") : form.get("return_no");
        log(supplier, url, reference, encode(form), reply.exchange());
        return reply;
    }

    /** Keeps a call to a supplier in the API log; never throws. */
    void log(SupplierEndpoint supplier, String url, String reference, String request, Exchange exchange) {
        try {
            apiLog.record(ApiCall.of(
                    exchange.at(),
                    ApiCallKind.SUPPLIER_REQUEST,
                    supplier.channelNo(),
                    ApiCall.endpointOf(url),
                    reference,
                    request,
                    exchange.status(),
                    exchange.answer(),
                    exchange.durationMs()));
        } catch (RuntimeException e) {
            // what the supplier answered stands whether or not it could be logged
        }
    }

    /** {@link #post} without the API log: the caller keeps what it sent and got. */
    Reply exchange(SupplierEndpoint supplier, String url, Map<String, String> form) {
        form.values().removeIf(value -> value == null);
        form.put("timestamp", Long.toString(clock.instant().getEpochSecond()));
        form.put(Signatures.SIGN, Signatures.sign(supplier.secret(), form));
        List<NameValuePair> fields = new ArrayList<>(form.size());
        form.forEach((name, value) -> fields.add(new BasicNameValuePair(name, value)));
        URI target = Urls.requestTarget(url);
        if (target == null) {
            // Not a URL a request can be made to (a character the catalog's check of old let by):
            // nothing was sent, and sending again will not help until the catalog is corrected.
            SupplierAnswer notSent = SupplierAnswer.notSent("not a usable URL: " + url);
            return new Reply(null, notSent, new Exchange(clock.instant(), 0, null, notSent.message()));
        }
        HttpPost request = new HttpPost(target);
        request.setEntity(new UrlEncodedFormEntity(fields, StandardCharsets.UTF_8));
        request.setConfig(RequestConfig.custom()
                .setResponseTimeout(Timeout.ofMilliseconds(supplier.timeoutMs()))
                .build());
        Instant at = clock.instant();
        long started = System.nanoTime();
        Raw raw = null;
        SupplierAnswer failed = null;
        // The whole call is bounded (a supplier trickling its answer would hold the worker, or a batch
        // lane, for ever: the response timeout bounds each read only), and so is what it reads.
        ScheduledFuture<?> deadline = Deadlines.after(supplier.longestCall(), request::cancel);
        try {
            raw = http.execute(request, response -> {
                if (response.getEntity() == null) {
                    return new Raw(response.getCode(), "");
                }
                InputStream body = response.getEntity().getContent();
                byte[] read = body.readNBytes(MAX_ANSWER);
                if (body.read() >= 0) {
                    request.cancel(); // the rest is not read: the connection is dropped
                    throw new IOException("answer longer than " + MAX_ANSWER + " bytes");
                }
                return new Raw(response.getCode(), new String(read, StandardCharsets.UTF_8));
            });
        } catch (ConnectException | ConnectTimeoutException | UnknownHostException e) {
            failed = SupplierAnswer.notSent("could not connect: " + e);
        } catch (IOException | RuntimeException e) {
            // Any other failure of the client (a request cancelled at its deadline while its host was
            // still being looked up, the pool closed at shutdown) may have come after the request
            // left: unknown, never "not sent".
            failed = SupplierAnswer.noAnswer(
                    request.isCancelled() && !String.valueOf(e.getMessage()).startsWith("answer longer")
                            ? "no complete answer within "
                                    + supplier.longestCall().toMillis() + " ms: " + e
                            : "no answer: " + e);
        } finally {
            deadline.cancel(false);
        }
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        if (failed != null) {
            return new Reply(null, failed, new Exchange(at, durationMs, null, failed.message()));
        }
        Exchange exchange = new Exchange(at, durationMs, raw.status(), raw.body());
        if (raw.status() / 100 != 2) {
            return new Reply(
                    null, SupplierAnswer.answered("HTTP_" + raw.status(), abbreviate(raw.body()), null), exchange);
        }
        try {
            JsonNode answer = json.readTree(raw.body());
            if (answer != null && answer.isObject()) {
                return new Reply(answer, null, exchange);
            }
        } catch (RuntimeException e) {
            // unreadable, as below
        }
        return new Reply(null, SupplierAnswer.noAnswer("unreadable answer: " + abbreviate(raw.body())), exchange);
    }

    private record Raw(int status, String body) {}

    /** The form as sent, for the API log. */
    static String encode(Map<String, String> form) {
        StringBuilder encoded = new StringBuilder();
        form.forEach((name, value) -> {
            if (!encoded.isEmpty()) {
                encoded.append('&');
            }
            encoded.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        });
        return encoded.toString();
    }

    /** One delivery's answer in JSON {@code {"code","msg","supplier_order_no"}}; no code means no usable answer. */
    static SupplierAnswer answer(JsonNode answer) {
        String code = text(answer, "code");
        if (code == null) {
            return SupplierAnswer.noAnswer("answer without code: " + abbreviate(answer.toString()));
        }
        return SupplierAnswer.answered(code, text(answer, "msg"), text(answer, "supplier_order_no"));
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        // An object or an array where a text belongs is kept as its JSON, not a reason to throw.
        return value.isValueNode() ? value.asString() : value.toString();
    }

    private static String abbreviate(String text) {
        return text == null || text.length() <= 200 ? text : text.substring(0, 200);
    }

    @Override
    public void destroy() throws IOException {
        http.close();
    }
}
