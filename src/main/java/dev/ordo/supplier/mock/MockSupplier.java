package dev.ordo.supplier.mock;

import dev.ordo.shared.Signatures;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The mock supplier of SPEC A5, speaking the reference protocol. Its answer is chosen by the last
 * digit of the recharge account: {@code 1} failure (R5124); {@code 9} unknown (R9999) then success
 * on query; {@code 7} unknown then failure on query; {@code 8} no answer within the caller's timeout
 * then success on query; {@code 6} the first unit of an order succeeds and the others fail; anything
 * else success (R0000). Returns: {@code 5} refused, {@code 4} unknown then accepted on query, else
 * accepted. It counts submissions per unit, so that tests can prove none was sent twice.
 *
 * <p>It remembers the latest {@code remembered} deliveries (default {@value #REMEMBERED}) and as many
 * returns; older ones are forgotten (a query for one answers {@link #NOT_FOUND}), so that a demo
 * server taking orders for days keeps a bounded heap.
 */
public final class MockSupplier {

    public static final String SUCCESS = "R0000";
    public static final String FAILURE = "R5124";
    public static final String UNKNOWN = "R9999";
    public static final String NOT_FOUND = "R4040";
    public static final String BAD_SIGN = "R4010";
    public static final String BAD_REQUEST = "R4000";

    /** Deliveries remembered by default: about 150 MB of heap at most. */
    public static final int REMEMBERED = 500_000;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String secret;
    private final Duration latency;
    private final Duration noAnswerDelay;
    private final Duration callbackDelay;
    private final Map<String, MockDelivery> deliveries = new ConcurrentHashMap<>();
    private final Map<Long, AtomicBoolean> firstOfOrder = new ConcurrentHashMap<>();
    private final Map<String, MockReturn> returns = new ConcurrentHashMap<>();
    private final int remembered;
    /** The remembered deliveries' and returns' keys, oldest first. */
    private final Queue<MockDelivery> deliveriesInOrder = new ConcurrentLinkedQueue<>();

    private final Queue<String> returnsInOrder = new ConcurrentLinkedQueue<>();
    private final AtomicInteger returnSubmissions = new AtomicInteger();
    private final ScheduledExecutorService callbacks = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("mock-supplier-callbacks").factory());
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * @param callbackDelay after this delay, a delivery whose first answer was unknown is also
     *                      reported to its {@code notify_url}; zero for no callbacks
     */
    public MockSupplier(String secret, Duration latency, Duration noAnswerDelay, Duration callbackDelay) {
        this(secret, latency, noAnswerDelay, callbackDelay, REMEMBERED);
    }

    /** @param remembered how many of the latest deliveries (and returns) it remembers, at least 1 */
    public MockSupplier(
            String secret, Duration latency, Duration noAnswerDelay, Duration callbackDelay, int remembered) {
        if (remembered < 1) {
            throw new IllegalArgumentException("a mock supplier remembers at least one delivery");
        }
        this.remembered = remembered;
        this.secret = secret;
        this.latency = latency;
        this.noAnswerDelay = noAnswerDelay;
        this.callbackDelay = callbackDelay;
    }

    private record MockDelivery(
            String orderNo,
            long outOrderId,
            String account,
            String notifyUrl,
            String finalCode,
            AtomicInteger submissions) {}

    private record MockReturn(String returnNo, String orderNo, String finalCode) {}

    public Map<String, Object> submit(Map<String, String> p) {
        if (!Signatures.verify(secret, p, p.get(Signatures.SIGN))) {
            return answer(BAD_SIGN, "bad signature", p.get("order_no"));
        }
        pause(latency);
        Received received = receive(
                p.get("order_no"),
                p.getOrDefault("account", ""),
                parseLong(p.get("out_order_id")),
                p.get("notify_url"));
        if (received.late()) {
            pause(noAnswerDelay);
        }
        return received.answer();
    }

    /**
     * The batched submission of {@code reference-http-batch}: {@code orders} is a JSON array of
     * deliveries; each is answered in {@code results} as {@link #submit} would answer it alone. The
     * answer waits for the slowest of them (an account ending in 8 delays the whole batch).
     */
    public Map<String, Object> submitBatch(Map<String, String> p) {
        if (!Signatures.verify(secret, p, p.get(Signatures.SIGN))) {
            return answer(BAD_SIGN, "bad signature", null);
        }
        JsonNode orders;
        try {
            orders = JSON.readTree(p.getOrDefault("orders", ""));
        } catch (RuntimeException e) {
            orders = null;
        }
        if (orders == null || !orders.isArray()) {
            return answer(BAD_REQUEST, "orders must be a JSON array", null);
        }
        pause(latency);
        List<Map<String, Object>> results = new ArrayList<>(orders.size());
        boolean late = false;
        for (JsonNode order : orders) {
            Received received = receive(
                    text(order, "order_no"),
                    Objects.requireNonNullElse(text(order, "account"), ""),
                    parseLong(text(order, "out_order_id")),
                    p.get("notify_url"));
            results.add(received.answer());
            late |= received.late();
        }
        if (late) {
            pause(noAnswerDelay);
        }
        Map<String, Object> answer = answer(SUCCESS, "batch of " + results.size(), null);
        answer.remove("order_no");
        answer.remove("supplier_order_no");
        answer.put("results", results);
        return answer;
    }

    /** A delivery's answer, and whether it comes only after the no-answer delay. */
    private record Received(Map<String, Object> answer, boolean late) {}

    private Received receive(String orderNo, String account, long outOrderId, String notifyUrl) {
        if (orderNo == null || orderNo.isEmpty()) {
            return new Received(answer(BAD_REQUEST, "order_no is missing", orderNo), false);
        }
        MockDelivery delivery = deliveries.computeIfAbsent(orderNo, no -> {
            MockDelivery created = new MockDelivery(
                    no, outOrderId, account, notifyUrl, finalCode(account, outOrderId), new AtomicInteger());
            deliveriesInOrder.add(created);
            return created;
        });
        forgetOldDeliveries();
        int submission = delivery.submissions().incrementAndGet();
        char last = account.isEmpty() ? '0' : account.charAt(account.length() - 1);
        if (submission > 1) {
            // A real supplier would refuse the duplicate; the count is what matters here.
            return new Received(answer(delivery.finalCode(), "duplicate submission " + submission, orderNo), false);
        }
        return switch (last) {
            case '9', '7' -> {
                scheduleCallback(delivery);
                yield new Received(answer(UNKNOWN, "processing", orderNo), false);
            }
            case '8' -> new Received(answer(SUCCESS, "late success", orderNo), true);
            default ->
                new Received(
                        answer(
                                delivery.finalCode(),
                                delivery.finalCode().equals(SUCCESS) ? "success" : "failure",
                                orderNo),
                        false);
        };
    }

    private void forgetOldDeliveries() {
        while (deliveries.size() > remembered) {
            MockDelivery oldest = deliveriesInOrder.poll();
            if (oldest == null) {
                return;
            }
            deliveries.remove(oldest.orderNo(), oldest);
            firstOfOrder.remove(oldest.outOrderId());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.isObject() ? node.get(field) : null;
        return value == null || value.isNull() ? null : value.asString();
    }

    private String finalCode(String account, long outOrderId) {
        char last = account.isEmpty() ? '0' : account.charAt(account.length() - 1);
        return switch (last) {
            case '1', '7' -> FAILURE;
            case '6' ->
                firstOfOrder
                                .computeIfAbsent(outOrderId, id -> new AtomicBoolean())
                                .compareAndSet(false, true)
                        ? SUCCESS
                        : FAILURE;
            default -> SUCCESS;
        };
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    public Map<String, Object> query(Map<String, String> p) {
        if (!Signatures.verify(secret, p, p.get(Signatures.SIGN))) {
            return answer(BAD_SIGN, "bad signature", p.get("order_no"));
        }
        pause(latency);
        String returnNo = p.get("return_no");
        if (blank(returnNo) && blank(p.get("order_no"))) {
            return answer(BAD_REQUEST, "order_no or return_no is missing", null);
        }
        if (!blank(returnNo)) {
            MockReturn r = returns.get(returnNo);
            return r == null ? answer(NOT_FOUND, "no such return", null) : answer(r.finalCode(), "return", r.orderNo());
        }
        MockDelivery d = deliveries.get(p.get("order_no"));
        return d == null
                ? answer(NOT_FOUND, "no such order", p.get("order_no"))
                : answer(d.finalCode(), "query", d.orderNo());
    }

    public Map<String, Object> returnDelivery(Map<String, String> p) {
        if (!Signatures.verify(secret, p, p.get(Signatures.SIGN))) {
            return answer(BAD_SIGN, "bad signature", p.get("order_no"));
        }
        String returnNo = p.get("return_no");
        if (blank(returnNo) || blank(p.get("order_no"))) {
            return answer(BAD_REQUEST, "order_no and return_no are required", p.get("order_no"));
        }
        pause(latency);
        returnSubmissions.incrementAndGet();
        MockDelivery d = deliveries.get(p.get("order_no"));
        if (d == null || !d.finalCode().equals(SUCCESS)) {
            return answer(FAILURE, "nothing delivered to take back", p.get("order_no"));
        }
        char last = d.account().isEmpty() ? '0' : d.account().charAt(d.account().length() - 1);
        MockReturn r = returns.computeIfAbsent(returnNo, no -> {
            returnsInOrder.add(no);
            return new MockReturn(no, d.orderNo(), last == '5' ? FAILURE : SUCCESS);
        });
        while (returns.size() > remembered) {
            String oldest = returnsInOrder.poll();
            if (oldest == null) {
                break;
            }
            returns.remove(oldest);
        }
        return last == '4'
                ? answer(UNKNOWN, "return processing", d.orderNo())
                : answer(r.finalCode(), "return", d.orderNo());
    }

    private void scheduleCallback(MockDelivery delivery) {
        if (callbackDelay.isZero()
                || delivery.notifyUrl() == null
                || delivery.notifyUrl().isBlank()) {
            return;
        }
        callbacks.schedule(
                () -> {
                    Map<String, String> form = new LinkedHashMap<>();
                    form.put("order_no", delivery.orderNo());
                    form.put("code", delivery.finalCode());
                    form.put("msg", "callback");
                    form.put("timestamp", Long.toString(System.currentTimeMillis() / 1000));
                    form.put(Signatures.SIGN, Signatures.sign(secret, form));
                    String body = form.entrySet().stream()
                            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                            .collect(Collectors.joining("&"));
                    try {
                        http.send(
                                HttpRequest.newBuilder(URI.create(delivery.notifyUrl()))
                                        .header("Content-Type", "application/x-www-form-urlencoded")
                                        // one receiver that never answers must not hold up the others' callbacks
                                        .timeout(Duration.ofSeconds(5))
                                        .POST(HttpRequest.BodyPublishers.ofString(body))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding());
                    } catch (Exception e) {
                        // a mock: the caller queries anyway
                    }
                },
                callbackDelay.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** What the tests read: submissions per unit. */
    public Map<String, Object> stats() {
        int submissions = deliveries.values().stream()
                .mapToInt(d -> d.submissions().get())
                .sum();
        int max = deliveries.values().stream()
                .mapToInt(d -> d.submissions().get())
                .max()
                .orElse(0);
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("units", deliveries.size());
        stats.put("submissions", submissions);
        stats.put("duplicate_submissions", submissions - deliveries.size());
        stats.put("max_submissions_per_unit", max);
        stats.put("returns", returns.size());
        stats.put("return_submissions", returnSubmissions.get());
        return stats;
    }

    public int submissions(String orderNo) {
        MockDelivery d = deliveries.get(orderNo);
        return d == null ? 0 : d.submissions().get();
    }

    /** The final answer for a unit the mock received ({@link #SUCCESS} or {@link #FAILURE}); empty if it never did. */
    public Optional<String> outcome(String orderNo) {
        MockDelivery d = deliveries.get(orderNo);
        return d == null ? Optional.empty() : Optional.of(d.finalCode());
    }

    public void reset() {
        deliveries.clear();
        deliveriesInOrder.clear();
        firstOfOrder.clear();
        returns.clear();
        returnsInOrder.clear();
        returnSubmissions.set(0);
    }

    private static Map<String, Object> answer(String code, String msg, String orderNo) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("code", code);
        answer.put("msg", msg);
        answer.put("order_no", orderNo);
        answer.put("supplier_order_no", orderNo == null ? null : "M" + orderNo);
        return answer;
    }

    private static void pause(Duration duration) {
        if (duration.isZero() || duration.isNegative()) {
            return;
        }
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long parseLong(String text) {
        try {
            return text == null ? 0 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
