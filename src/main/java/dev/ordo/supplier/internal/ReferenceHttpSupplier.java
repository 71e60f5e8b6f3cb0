package dev.ordo.supplier.internal;

import dev.ordo.shared.Signatures;
import dev.ordo.supplier.Delivery;
import dev.ordo.supplier.SupplierAdapter;
import dev.ordo.supplier.SupplierAnswer;
import dev.ordo.supplier.SupplierEndpoint;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reference supplier protocol ({@code reference-http}, docs/supplier-protocol.md): signed form
 * POSTs answered with JSON {@code {"code","msg","order_no","supplier_order_no"}}.
 */
@Component
class ReferenceHttpSupplier implements SupplierAdapter {

    static final String PROTOCOL = "reference-http";

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(3))
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(Executors.newVirtualThreadPerTaskExecutor())
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
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofMillis(supplier.timeoutMs()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            return SupplierAnswer.notSent("could not connect: " + e);
        } catch (IOException e) {
            return SupplierAnswer.noAnswer("no answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SupplierAnswer.noAnswer("interrupted while waiting for the supplier");
        }
        if (response.statusCode() / 100 != 2) {
            return SupplierAnswer.answered("HTTP_" + response.statusCode(), abbreviate(response.body()), null);
        }
        try {
            JsonNode answer = json.readTree(response.body());
            String code = text(answer, "code");
            if (code == null) {
                return SupplierAnswer.noAnswer("answer without code: " + abbreviate(response.body()));
            }
            return SupplierAnswer.answered(code, text(answer, "msg"), text(answer, "supplier_order_no"));
        } catch (RuntimeException e) {
            return SupplierAnswer.noAnswer("unreadable answer: " + abbreviate(response.body()));
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static String abbreviate(String text) {
        return text == null || text.length() <= 200 ? text : text.substring(0, 200);
    }
}
