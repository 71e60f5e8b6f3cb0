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
import java.util.concurrent.atomic.AtomicBoolean;
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
     * The deliveries of one caller, all to one supplier. Whoever comes first decides its fate, once:
     * a lane taking it to send it, or its caller withdrawing it when it stops waiting — then it was
     * not sent. No request carrying its deliveries starts at or after {@code startBy}.
     */
    private record Submission(
            SupplierEndpoint supplier, List<Delivery> deliveries, Instant startBy, AtomicBoolean decided) {

        Submission(SupplierEndpoint supplier, List<Delivery> deliveries, Instant startBy) {
            this(supplier, deliveries, startBy, new AtomicBoolean());
        }

        /** By a lane: true if it may send it. */
        boolean take() {
            return decided.compareAndSet(false, true);
        }

        /** By its caller: true if no lane took it, so it will never be sent. */
        boolean withdraw() {
            return decided.compareAndSet(false, true);
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
            // Shutting down, interrupted or a lane slow: withdrawn before a lane took it, it was not
            // sent; taken, its request may have left — or still leave, until startBy.
            SupplierAnswer answer = submission.withdraw()
                    ? SupplierAnswer.notSent(e.getMessage())
                    : SupplierAnswer.noAnswerYet(e.getMessage(), startBy.plus(supplier.longestCall()));
            return Collections.nCopies(deliveries.size(), answer);
        }
    }

    /**
     * One lane's batch: the deliveries of every caller that has not withdrawn, one request per
     * supplier and chunk, each delivery once. Never throws.
     */
    private List<Outcome<List<SupplierAnswer>>> send(List<Submission> submissions) {
        List<Submission> taken = new ArrayList<>();
        Map<String, SupplierAnswer> answers = new HashMap<>();
        try {
            sendAll(submissions, taken, answers);
        } catch (RuntimeException e) {
            // Not expected (each request answers for itself); whatever was sent is resolved by query.
            for (Submission s : taken) {
                for (Delivery d : s.deliveries()) {
                    answers.putIfAbsent(key(s.supplier(), d), SupplierAnswer.noAnswer("no answer: " + e));
                }
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
     * submission alone, in several requests). A submission is taken right before its chunk's request:
     * a caller that stops waiting while earlier requests of the batch are out withdraws it, and it is
     * never sent — taken at the batch's start, it would count as maybe sent, be queried, be found
     * unknown to the supplier (failed, the channel refunded), and then be sent. For the same reason
     * no request starts with a delivery past its {@code startBy} (a submission larger than a request,
     * its later parts behind a slow supplier): answered {@link SupplierAnswer#tooLate()}, it is
     * claimed again.
     */
    private void sendAll(List<Submission> submissions, List<Submission> taken, Map<String, SupplierAnswer> answers) {
        Map<SupplierEndpoint, List<Submission>> bySupplier = new LinkedHashMap<>();
        for (Submission s : submissions) {
            bySupplier.computeIfAbsent(s.supplier(), k -> new ArrayList<>()).add(s);
        }
        Set<String> seen = new HashSet<>();
        bySupplier.forEach((supplier, queued) -> {
            for (int next = 0; next < queued.size(); ) {
                List<Submission> chunk = new ArrayList<>();
                int count = 0;
                while (next < queued.size()
                        && (chunk.isEmpty()
                                || count + queued.get(next).deliveries().size() <= maxPerRequest)) {
                    count += queued.get(next).deliveries().size();
                    chunk.add(queued.get(next++));
                }
                List<Delivery> deliveries = new ArrayList<>(count);
                List<Instant> startBys = new ArrayList<>(count);
                for (Submission s : chunk) {
                    if (s.take()) {
                        taken.add(s);
                        for (Delivery d : s.deliveries()) {
                            if (seen.add(key(supplier, d))) {
                                deliveries.add(d);
                                startBys.add(s.startBy());
                            }
                        }
                    }
                }
                for (int from = 0; from < deliveries.size(); from += maxPerRequest) {
                    Instant now = clock.instant();
                    List<Delivery> part = new ArrayList<>(maxPerRequest);
                    for (int i = from; i < Math.min(deliveries.size(), from + maxPerRequest); i++) {
                        if (now.isBefore(startBys.get(i))) {
                            part.add(deliveries.get(i));
                        } else {
                            answers.put(key(supplier, deliveries.get(i)), SupplierAnswer.tooLate());
                        }
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
