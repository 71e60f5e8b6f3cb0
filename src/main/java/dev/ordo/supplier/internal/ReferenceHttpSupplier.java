package dev.ordo.supplier.internal;

import dev.ordo.supplier.Delivery;
import dev.ordo.supplier.SupplierAdapter;
import dev.ordo.supplier.SupplierAnswer;
import dev.ordo.supplier.SupplierEndpoint;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The reference supplier protocol ({@code reference-http}, docs/supplier-protocol.md): signed form
 * POSTs answered with JSON {@code {"code","msg","order_no","supplier_order_no"}}, one delivery per
 * submission.
 */
@Component
class ReferenceHttpSupplier implements SupplierAdapter {

    static final String PROTOCOL = "reference-http";

    private final SupplierHttp http;
    private final Clock clock;

    ReferenceHttpSupplier(SupplierHttp http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    /** One delivery, in one request. */
    SupplierAnswer submit(SupplierEndpoint supplier, Delivery d) {
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

    /** One by one, each as its turn comes. */
    @Override
    public List<SupplierAnswer> submitAll(SupplierEndpoint supplier, List<Delivery> deliveries, Instant startBy) {
        List<SupplierAnswer> answers = new ArrayList<>(deliveries.size());
        for (Delivery d : deliveries) {
            answers.add(clock.instant().isBefore(startBy) ? submit(supplier, d) : SupplierAnswer.tooLate());
        }
        return answers;
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

    /**
     * An answer naming another delivery ({@code order_no} echoed but not the one asked about: a
     * misrouted URL, a gateway answering for someone else) confirms nothing of this one: unknown, and
     * its query tells. An answer that echoes no (or an empty) {@code order_no} is taken as this delivery's.
     */
    private SupplierAnswer post(SupplierEndpoint supplier, String url, Map<String, String> form) {
        SupplierHttp.Reply reply = http.post(supplier, url, form);
        if (reply.whole() != null) {
            return reply.whole();
        }
        String asked = form.get("order_no");
        String echoed = SupplierHttp.text(reply.json(), "order_no");
        if (asked != null && echoed != null && !echoed.isBlank() && !echoed.equals(asked)) {
            return SupplierAnswer.noAnswer("answer for another delivery (order_no " + abbreviate(echoed) + ")");
        }
        return SupplierHttp.answer(reply.json());
    }

    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64);
    }
}
