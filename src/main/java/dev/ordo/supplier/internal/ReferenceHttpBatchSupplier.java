package dev.ordo.supplier.internal;

import dev.ordo.shared.GroupCommit;
import dev.ordo.shared.GroupCommit.Outcome;
import dev.ordo.shared.OrdoException;
import dev.ordo.supplier.Delivery;
import dev.ordo.supplier.SupplierAdapter;
import dev.ordo.supplier.SupplierAnswer;
import dev.ordo.supplier.SupplierEndpoint;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The reference protocol with batched submissions ({@code reference-http-batch},
 * docs/supplier-protocol.md): the deliveries that callers submit at the same moment, to the same
 * supplier, go in one request — a JSON array {@code orders} — answered per delivery in
 * {@code results}. Queries and returns are those of {@code reference-http}.
 *
 * <p>Callers hand their deliveries in and wait (on a {@link GroupCommit} whose batch never throws): each lane
 * sends what has queued up while its previous request was out, so a burst of orders costs a few
 * requests instead of one per delivery, and a slow supplier gets bigger batches rather than fewer
 * orders. Nothing is ever sent twice: a request that fails leaves every delivery it carried
 * unanswered ({@link SupplierAnswer.Transport#NO_ANSWER}, resolved by query), except one that could
 * not connect, which was not sent. A request starts only with the deliveries that may still start
 * ({@code startBy}, a minute after their claim): a caller that stops waiting knows when the last
 * request that may carry its deliveries ends, so they are not queried — and failed as unknown to
 * the supplier — while a request still takes them there.
 */
@Component
class ReferenceHttpBatchSupplier implements SupplierAdapter, DisposableBean {

    static final String PROTOCOL = "reference-http-batch";

    /**
     * The deliveries of one caller, all to one supplier. Whoever comes first decides each delivery's
     * fate, once: a lane taking it into a request about to start, or its caller withdrawing it when it
     * stops waiting — then it was not sent. No request carrying one starts at or after {@code startBy}.
     */
    private record Submission(
            SupplierEndpoint supplier, List<Delivery> deliveries, Instant startBy, AtomicIntegerArray decided) {

        Submission(SupplierEndpoint supplier, List<Delivery> deliveries, Instant startBy) {
            this(supplier, deliveries, startBy, new AtomicIntegerArray(deliveries.size()));
        }

        /** By a lane, right before the request that carries it: true if it may send delivery {@code i}. */
        boolean take(int i) {
            return decided.compareAndSet(i, 0, 1);
        }

        /** By its caller: true if no lane took delivery {@code i}, so it will never be sent. */
        boolean withdraw(int i) {
            return decided.compareAndSet(i, 0, 1);
        }
    }

    /** One delivery of a submission on its way into a request. */
    private record Entry(Submission submission, int index) {

        Delivery delivery() {
            return submission.deliveries().get(index);
        }
    }

    /** How long a delivery may wait for a lane to take it before it is withdrawn, unsent. */
    static final Duration LANE_WAIT = Duration.ofMinutes(1);

    private final SupplierHttp http;
    private final ReferenceHttpSupplier single;
    private final Clock clock;
    private final int maxPerRequest;
    private final GroupCommit<Submission, List<SupplierAnswer>> batches;

    ReferenceHttpBatchSupplier(
            SupplierHttp http,
            ReferenceHttpSupplier single,
            Clock clock,
            MeterRegistry meters,
            @Value("${ordo.supplier.batch.lanes:2}") int lanes,
            @Value("${ordo.supplier.batch.max-deliveries:100}") int maxPerRequest) {
        if (maxPerRequest < 1) {
            throw new IllegalArgumentException("ordo.supplier.batch.max-deliveries must be at least 1");
        }
        this.http = http;
        this.single = single;
        this.clock = clock;
        this.maxPerRequest = maxPerRequest;
        // A caller waits LANE_WAIT at most: deliveries no lane took by then are withdrawn, not sent
        // (and sent again later); taken ones whose answer comes later are left to be queried once
        // their requests have ended (their answer dropped, never sent twice). No request starts
        // past a delivery's startBy, which is what lets a unit found SUBMITTING be queried a minute
        // and a call after its claim (longestSubmission), not ten. The batch never throws, so
        // GroupCommit's retry and one-by-one fallback never run.
        this.batches = new GroupCommit<>(
                "supplier-submit",
                lanes,
                maxPerRequest,
                LANE_WAIT,
                "the supplier's answer did not come in time",
                this::send,
                meters);
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    /** Its request leaves when a lane takes it, within {@link #LANE_WAIT}. */
    @Override
    public Duration startWindow(SupplierEndpoint supplier) {
        return LANE_WAIT;
    }

    @Override
    public List<SupplierAnswer> submitAll(SupplierEndpoint supplier, List<Delivery> deliveries, Instant startBy) {
        if (deliveries.isEmpty()) {
            return List.of();
        }
        Submission submission = new Submission(supplier, deliveries, startBy);
        try {
            return batches.submit(submission, deliveries.getFirst().orderNo().hashCode());
        } catch (OrdoException e) {
            // Shutting down, interrupted or a lane slow: a delivery withdrawn before a lane took it was
            // not sent, and never will be; one taken may be on its way (until startBy and a call).
            SupplierAnswer maybeSent = SupplierAnswer.noAnswerYet(e.getMessage(), startBy.plus(supplier.longestCall()));
            List<SupplierAnswer> answers = new ArrayList<>(deliveries.size());
            for (int i = 0; i < deliveries.size(); i++) {
                answers.add(submission.withdraw(i) ? SupplierAnswer.notSent(e.getMessage()) : maybeSent);
            }
            return answers;
        }
    }

    /**
     * One lane's batch: the deliveries of every caller that has not withdrawn, one request per
     * supplier and chunk, each delivery once. Never throws.
     */
    private List<Outcome<List<SupplierAnswer>>> send(List<Submission> submissions) {
        List<Entry> taken = new ArrayList<>();
        Map<String, SupplierAnswer> answers = new HashMap<>();
        try {
            sendAll(submissions, taken, answers);
        } catch (RuntimeException e) {
            // Not expected (each request answers for itself); whatever was sent is resolved by query.
            for (Entry t : taken) {
                answers.putIfAbsent(
                        key(t.submission().supplier(), t.delivery()), SupplierAnswer.noAnswer("no answer: " + e));
            }
        }
        List<Outcome<List<SupplierAnswer>>> outcomes = new ArrayList<>(submissions.size());
        for (Submission s : submissions) {
            outcomes.add(Outcome.of(s.deliveries().stream()
                    .map(d -> answers.getOrDefault(
                            key(s.supplier(), d), SupplierAnswer.notSent("withdrawn before it was sent")))
                    .toList()));
        }
        return outcomes;
    }

    /**
     * Per supplier, chunks of whole submissions up to {@code maxPerRequest} deliveries (a larger
     * submission alone, in several requests). Each delivery is taken right before the request that
     * carries it: a caller that stops waiting while earlier requests of the batch — or earlier parts
     * of its own submission — are out withdraws the deliveries not yet taken, and they are never sent
     * (taken at the batch's start, they would count as maybe sent, be queried, be found unknown to the
     * supplier — failed, the channel refunded — and then be sent). For the same reason no request
     * starts with a delivery past its {@code startBy} (a submission larger than a request, its later
     * parts behind a slow supplier): answered {@link SupplierAnswer#tooLate()}, it is claimed again.
     */
    private void sendAll(List<Submission> submissions, List<Entry> taken, Map<String, SupplierAnswer> answers) {
        Map<SupplierEndpoint, List<Submission>> bySupplier = new LinkedHashMap<>();
        for (Submission s : submissions) {
            bySupplier.computeIfAbsent(s.supplier(), k -> new ArrayList<>()).add(s);
        }
        Set<String> seen = new HashSet<>();
        bySupplier.forEach((supplier, queued) -> {
            for (int next = 0; next < queued.size(); ) {
                List<Entry> entries = new ArrayList<>();
                int count = 0;
                while (next < queued.size()
                        && (count == 0 || count + queued.get(next).deliveries().size() <= maxPerRequest)) {
                    Submission s = queued.get(next++);
                    count += s.deliveries().size();
                    for (int i = 0; i < s.deliveries().size(); i++) {
                        if (seen.add(key(supplier, s.deliveries().get(i)))) {
                            entries.add(new Entry(s, i));
                        } else {
                            // The same delivery twice: sent (or not) once, both answered alike.
                            s.take(i);
                        }
                    }
                }
                for (int from = 0; from < entries.size(); from += maxPerRequest) {
                    Instant now = clock.instant();
                    List<Delivery> part = new ArrayList<>(maxPerRequest);
                    for (Entry e : entries.subList(from, Math.min(entries.size(), from + maxPerRequest))) {
                        if (!now.isBefore(e.submission().startBy())) {
                            answers.put(key(supplier, e.delivery()), SupplierAnswer.tooLate());
                        } else if (e.submission().take(e.index())) {
                            taken.add(e);
                            part.add(e.delivery());
                        } // else withdrawn by its caller, who was answered: never sent
                    }
                    if (part.isEmpty()) {
                        continue;
                    }
                    List<SupplierAnswer> partAnswers = request(supplier, part);
                    for (int i = 0; i < part.size(); i++) {
                        answers.put(key(supplier, part.get(i)), partAnswers.get(i));
                    }
                }
            }
        });
    }

    private static String key(SupplierEndpoint supplier, Delivery delivery) {
        return supplier.channelNo() + '\u0000' + delivery.orderNo();
    }

    /** One request; an answer for every delivery, whatever happens. */
    List<SupplierAnswer> request(SupplierEndpoint supplier, List<Delivery> deliveries) {
        try {
            List<Map<String, Object>> orders = new ArrayList<>(deliveries.size());
            for (Delivery d : deliveries) {
                Map<String, Object> order = new LinkedHashMap<>();
                order.put("order_no", d.orderNo());
                order.put("out_order_id", d.outOrderId());
                order.put("face", d.face());
                order.put("num", d.pieces());
                order.put("account", d.account());
                order.put("carrier_no", d.carrierNo());
                order.put("province_no", d.provinceNo());
                order.put("city_no", d.cityNo());
                orders.add(order);
            }
            Map<String, String> form = new LinkedHashMap<>();
            form.put("channel_no", supplier.channelNo());
            form.put("orders", http.json().writeValueAsString(orders));
            form.put("notify_url", supplier.notifyUrl());
            SupplierHttp.Reply reply = http.exchange(supplier, supplier.requestUrl(), form);
            // One API log entry per request, as for every call; found by its delivery when it carries one.
            http.log(
                    supplier,
                    supplier.requestUrl(),
                    deliveries.size() == 1 ? deliveries.getFirst().orderNo() : null,
                    SupplierHttp.encode(form),
                    reply.exchange());
            if (reply.whole() != null) {
                return Collections.nCopies(deliveries.size(), reply.whole());
            }
            return answers(reply.json(), deliveries);
        } catch (RuntimeException e) {
            return Collections.nCopies(deliveries.size(), SupplierAnswer.noAnswer("no answer: " + e));
        }
    }

    /**
     * Each delivery's answer from {@code results}, by {@code order_no}; one left out is unknown. An
     * answer without {@code results} (a signature refused, say) confirms nothing of any delivery:
     * all are unknown, and their queries tell.
     */
    private static List<SupplierAnswer> answers(JsonNode reply, List<Delivery> deliveries) {
        JsonNode results = reply.get("results");
        if (results == null || !results.isArray()) {
            return Collections.nCopies(
                    deliveries.size(),
                    SupplierAnswer.noAnswer("answer without results: " + SupplierHttp.text(reply, "code") + " "
                            + SupplierHttp.text(reply, "msg")));
        }
        Map<String, SupplierAnswer> byOrderNo = new HashMap<>();
        for (JsonNode result : results) {
            String orderNo = result.isObject() ? SupplierHttp.text(result, "order_no") : null;
            if (orderNo != null) {
                SupplierAnswer answer = SupplierHttp.answer(result);
                // The same delivery answered twice, differently: neither can be believed; a query tells.
                byOrderNo.merge(
                        orderNo,
                        answer,
                        (first, second) -> first.equals(second)
                                ? first
                                : SupplierAnswer.noAnswer("delivery " + orderNo + " answered twice, differently"));
            }
        }
        return deliveries.stream()
                .map(d -> byOrderNo.getOrDefault(
                        d.orderNo(), SupplierAnswer.noAnswer("delivery " + d.orderNo() + " not in the batch's answer")))
                .toList();
    }

    @Override
    public SupplierAnswer query(SupplierEndpoint supplier, String orderNo) {
        return single.query(supplier, orderNo);
    }

    @Override
    public SupplierAnswer returnDelivery(SupplierEndpoint supplier, String orderNo, String returnNo) {
        return single.returnDelivery(supplier, orderNo, returnNo);
    }

    @Override
    public SupplierAnswer queryReturn(SupplierEndpoint supplier, String returnNo) {
        return single.queryReturn(supplier, returnNo);
    }

    @Override
    public void destroy() throws InterruptedException {
        batches.close();
    }
}
