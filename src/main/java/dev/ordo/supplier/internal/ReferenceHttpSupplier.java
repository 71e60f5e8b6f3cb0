package dev.ordo.supplier.internal;

import dev.ordo.shared.Signatures;
import dev.ordo.supplier.Delivery;
import dev.ordo.supplier.SupplierAdapter;
import dev.ordo.supplier.SupplierAnswer;
import dev.ordo.supplier.SupplierEndpoint;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.entity.UrlEncodedFormEntity;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.NameValuePair;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.message.BasicNameValuePair;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reference supplier protocol ({@code reference-http}, docs/supplier-protocol.md): signed form
 * POSTs answered with JSON {@code {"code","msg","order_no","supplier_order_no"}}.
 *
 * <p>The calls block their caller (a job worker) on a pooled keep-alive connection: Apache HttpClient's
 * classic client, see ADR 0008. No redirects and no automatic retries: a submission that may have left
 * is never sent again.
 */
@Component
class ReferenceHttpSupplier implements SupplierAdapter, DisposableBean {

    static final String PROTOCOL = "reference-http";

    private final CloseableHttpClient http = HttpClients.custom()
            .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                    .setMaxConnTotal(512)
                    .setMaxConnPerRoute(128)
                    .setDefaultConnectionConfig(ConnectionConfig.custom()
                            .setConnectTimeout(Timeout.ofSeconds(3))
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
    private final JsonMapper json;
    private final Clock clock;

    ReferenceHttpSupplier(JsonMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public SupplierAnswer submit(SupplierEndpoint supplier, Delivery d) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("channel_no", supplier.channelNo());
        form.put("order_no", d.orderNo());
        form.put("out_order_id", Long.toString(d.outOrderId()));
        form.put("face", Long.toString(d.face()));
        form.put("num", Integer.toString(d.pieces()));
        form.put("account", d.account());
        form.put("carrier_no", d.carrierNo());
        form.put("province_no", d.provinceNo());
        form.put("city_no", d.cityNo());
        form.put("notify_url", supplier.notifyUrl());
        return post(supplier, supplier.requestUrl(), form);
    }

    @Override
    public SupplierAnswer query(SupplierEndpoint supplier, String orderNo) {
        if (supplier.queryUrl() == null) {
            return SupplierAnswer.notSent("the supplier has no query_url");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("channel_no", supplier.channelNo());
        form.put("order_no", orderNo);
        return post(supplier, supplier.queryUrl(), form);
    }

    @Override
    public SupplierAnswer returnDelivery(SupplierEndpoint supplier, String orderNo, String returnNo) {
        if (supplier.returnUrl() == null) {
            return SupplierAnswer.notSent("the supplier has no return_url");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("channel_no", supplier.channelNo());
        form.put("order_no", orderNo);
        form.put("return_no", returnNo);
        return post(supplier, supplier.returnUrl(), form);
    }

    @Override
    public SupplierAnswer queryReturn(SupplierEndpoint supplier, String returnNo) {
        if (supplier.queryUrl() == null) {
            return SupplierAnswer.notSent("the supplier has no query_url");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("channel_no", supplier.channelNo());
        form.put("return_no", returnNo);
        return post(supplier, supplier.queryUrl(), form);
    }

    private SupplierAnswer post(SupplierEndpoint supplier, String url, Map<String, String> form) {
        form.values().removeIf(value -> value == null);
        form.put("timestamp", Long.toString(clock.instant().getEpochSecond()));
        form.put(Signatures.SIGN, Signatures.sign(supplier.secret(), form));
        List<NameValuePair> fields = new ArrayList<>(form.size());
        form.forEach((name, value) -> fields.add(new BasicNameValuePair(name, value)));
        HttpPost request = new HttpPost(url);
        request.setEntity(new UrlEncodedFormEntity(fields, StandardCharsets.UTF_8));
        request.setConfig(RequestConfig.custom()
                .setResponseTimeout(Timeout.ofMilliseconds(supplier.timeoutMs()))
                .build());
        Reply reply;
        try {
            reply = http.execute(
                    request,
                    response -> new Reply(
                            response.getCode(),
                            response.getEntity() == null
                                    ? ""
                                    : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8)));
        } catch (ConnectException | ConnectTimeoutException | UnknownHostException e) {
            return SupplierAnswer.notSent("could not connect: " + e);
        } catch (IOException | IllegalArgumentException e) {
            return SupplierAnswer.noAnswer("no answer: " + e);
        }
        if (reply.status() / 100 != 2) {
            return SupplierAnswer.answered("HTTP_" + reply.status(), abbreviate(reply.body()), null);
        }
        try {
            JsonNode answer = json.readTree(reply.body());
            String code = text(answer, "code");
            if (code == null) {
                return SupplierAnswer.noAnswer("answer without code: " + abbreviate(reply.body()));
            }
            return SupplierAnswer.answered(code, text(answer, "msg"), text(answer, "supplier_order_no"));
        } catch (RuntimeException e) {
            return SupplierAnswer.noAnswer("unreadable answer: " + abbreviate(reply.body()));
        }
    }

    private record Reply(int status, String body) {}

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static String abbreviate(String text) {
        return text == null || text.length() <= 200 ? text : text.substring(0, 200);
    }

    @Override
    public void destroy() throws IOException {
        http.close();
    }
}
