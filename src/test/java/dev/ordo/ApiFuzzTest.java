package dev.ordo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Http;
import dev.ordo.testing.Http.Response;
import dev.ordo.testing.Unique;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * No endpoint answers hostile input with a 5xx, driven by the service's own OpenAPI document: every
 * documented path and method, each declared parameter in turn given hostile values while the other
 * required ones hold plausible values, and every JSON request body malformed or filled with hostile
 * values. Every answer is checked, so one run lists every 5xx at once.
 *
 * <p>Plausible values never name anything that exists: accounts (with their {@code ident}), trade,
 * request and refund numbers are new for each request, ids are numbers no table reaches, and the
 * reseller API talks to a channel of this test's own that sells nothing. So no request moves money or
 * changes an order, whatever a hostile value lets through; at most an account with a zero balance is
 * opened.
 */
@DatabaseTest
class ApiFuzzTest {

    /** The plan is checked against this before anything is sent: about a minute per database at most. */
    private static final int MAX_REQUESTS = 8_000;

    private static final String HUGE = "x".repeat(10_000);

    /** Sent in place of each parameter, one parameter at a time; a parameter is also sent twice. */
    private static final List<String> HOSTILE = List.of(
            "",
            HUGE,
            "\u0000",
            "-1",
            "0",
            "abc",
            "99999999999999999999999",
            "1.5",
            "\uD83D\uDE00\uD83D\uDCA5 \u20AC",
            "%",
            "' or 1=1 --",
            "../../etc",
            " \t ",
            "00000101",
            "99991231235959");

    /** JSON request bodies that are not JSON, or not the JSON of an object. */
    private static final List<String> MALFORMED_JSON = List.of("{", "[]", "{\"x\":");

    /** Each fills every property of a JSON request body's schema at once. */
    private static final List<String> HOSTILE_JSON_VALUES =
            List.of("\"" + HUGE + "\"", "-1", "1e309", "null", "{\"a\":{\"b\":[1,{}]}}");

    /** Operations not sent at all, each because it changes the shared test server whatever it is sent. */
    private static final Map<String, String> EXCLUDED = Map.of(
            "POST /admin/demo-data",
            "loads the demo data and points the demo supplier at this server",
            "POST /mock/supplier/reset",
            "forgets every delivery of the mock supplier, which other tests' orders are still using",
            "POST /admin/wallet/ledger-check",
            "runs the ledger check now; other tests read its latest report");

    @LocalServerPort
    int port;

    private Http http;
    private String channelNo;

    /** One request of the plan; {@code what} says which parameter holds which hostile value, and how it was sent. */
    private record Call(String method, String path, String query, String contentType, String body, String what) {

        @Override
        public String toString() {
            return method + " " + path + (query.isEmpty() ? "" : "?" + shown(query, 120)) + " " + what;
        }
    }

    /** A documented operation: its method, path template, declared parameters and JSON body schema (or missing). */
    private record Operation(String method, String path, List<JsonNode> parameters, JsonNode body) {

        boolean json() {
            return !body.isMissingNode();
        }
    }

    @Test
    void every_documented_endpoint_answers_hostile_parameters_and_bodies_with_a_4xx_never_a_5xx() {
        http = new Http(port);
        channelNo = ownChannel();
        JsonNode doc = http.get("/v3/api-docs").json();

        List<Call> plan = new ArrayList<>();
        int operations = 0;
        for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> entry : path.getValue().properties()) {
                String method = entry.getKey().toUpperCase();
                if (!Set.of("GET", "POST", "PUT", "DELETE", "PATCH").contains(method)
                        || excluded(method, path.getKey())) {
                    continue;
                }
                List<JsonNode> parameters = new ArrayList<>();
                path.getValue().path("parameters").values().forEach(p -> parameters.add(resolve(doc, p)));
                entry.getValue().path("parameters").values().forEach(p -> parameters.add(resolve(doc, p)));
                JsonNode body = resolve(
                        doc,
                        entry.getValue()
                                .path("requestBody")
                                .path("content")
                                .path("application/json")
                                .path("schema"));
                plan.addAll(calls(doc, new Operation(method, path.getKey(), parameters, body)));
                operations++;
            }
        }
        assertThat(operations).as("operations in the OpenAPI document").isGreaterThan(40);
        assertThat(plan.size())
                .as("requests planned: raise MAX_REQUESTS only if the test still takes about a minute")
                .isBetween(1, MAX_REQUESTS);

        long started = System.nanoTime();
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (Call call : plan) {
            Response response;
            try {
                response = send(call);
            } catch (RuntimeException e) {
                failures.add(call + " -> no answer: " + e);
                continue;
            }
            statuses.merge(response.status(), 1, Integer::sum);
            if (response.status() >= 500) {
                failures.add(call + " -> " + response.status() + " " + shown(response.body(), 400));
            }
        }
        System.out.printf(
                "ApiFuzzTest: %d operations, %d requests in %.1f s, answered %s%n",
                operations, plan.size(), (System.nanoTime() - started) / 1e9, statuses);
        assertThat(failures)
                .as(
                        "%d of %d hostile requests answered with a 5xx or not at all:%n%s",
                        failures.size(), plan.size(), String.join("\n", failures))
                .isEmpty();
    }

    private Response send(Call call) {
        String target = call.path() + (call.query().isEmpty() ? "" : "?" + call.query());
        return switch (call.method()) {
            case "GET" -> http.getRaw(target);
            case "POST" -> http.post(target, call.contentType(), call.body());
            case "PUT" -> http.put(target, call.body());
            default -> http.method(call.method(), target);
        };
    }

    /**
     * Every request for one operation: each declared query and path parameter with each hostile
     * value, and each query parameter given twice; a JSON body malformed, or with every property
     * hostile; an operation without parameters or body once as it is.
     */
    private List<Call> calls(JsonNode doc, Operation operation) {
        List<Call> calls = new ArrayList<>();
        List<JsonNode> fuzzed = operation.parameters().stream()
                .filter(p -> Set.of("query", "path").contains(p.path("in").asString("")))
                .toList();
        for (JsonNode parameter : fuzzed) {
            String name = parameter.get("name").asString();
            boolean inPath = parameter.get("in").asString().equals("path");
            for (String value : HOSTILE) {
                // A path id that is a real number may name a real dead job or unit: never act on one.
                if (!(inPath && operation.method().equals("POST") && positiveNumber(value))) {
                    calls.addAll(sent(operation, name, value, false));
                }
            }
            if (!inPath) {
                calls.addAll(sent(operation, name, null, true));
            }
        }
        if (operation.json()) {
            List<String> bodies = new ArrayList<>(MALFORMED_JSON);
            for (String value : HOSTILE_JSON_VALUES) {
                List<String> properties = new ArrayList<>();
                resolve(doc, operation.body())
                        .path("properties")
                        .propertyNames()
                        .forEach(property -> properties.add("\"" + property + "\":" + value));
                bodies.add("{" + String.join(",", properties) + "}");
            }
            for (String body : bodies) {
                Map<String, String> baseline = baseline(operation);
                calls.add(new Call(
                        operation.method(),
                        path(operation.path(), baseline),
                        query(operation, baseline, null, null, false),
                        "application/json",
                        body,
                        "body " + shown(body, 60)));
            }
        }
        if (fuzzed.isEmpty() && !operation.json()) {
            calls.addAll(sent(operation, null, null, false));
        }
        return calls;
    }

    /**
     * One hostile value of parameter {@code name} (or the parameter given twice) in the query
     * string, and for a POST that takes a form, in a form too; each with plausible values of its own.
     */
    private List<Call> sent(Operation operation, String name, String value, boolean twice) {
        String what = name == null ? "(as it is)" : name + (twice ? " given twice" : "=" + shown(value, 40));
        boolean inPath = name != null && operation.path().contains("{" + name + "}");
        String contentType = operation.json() ? "application/json" : "application/x-www-form-urlencoded";
        List<Call> calls = new ArrayList<>();
        Map<String, String> baseline = baseline(operation);
        if (inPath) {
            baseline.put(name, value);
        }
        calls.add(new Call(
                operation.method(),
                path(operation.path(), baseline),
                query(operation, baseline, inPath ? null : name, value, twice),
                contentType,
                operation.json() ? "{}" : "",
                what + " [query]"));
        if (operation.method().equals("POST") && !operation.json()) {
            Map<String, String> again = baseline(operation);
            if (inPath) {
                again.put(name, value);
            }
            String form;
            if ("%".equals(value) && !inPath) {
                // As it is, a malformed escape, where the query string has it encoded.
                String rest = query(operation, again, name, null, false);
                form = (rest.isEmpty() ? "" : rest + "&") + encode(name) + "=%";
            } else {
                form = query(operation, again, inPath ? null : name, value, twice);
            }
            calls.add(new Call(
                    operation.method(), path(operation.path(), again), "", contentType, form, what + " [form]"));
        }
        return calls;
    }

    /** The required parameters with plausible values, and the wallet's ident always (see the class). */
    private Map<String, String> baseline(Operation operation) {
        Map<String, String> values = new LinkedHashMap<>();
        for (JsonNode parameter : operation.parameters()) {
            String name = parameter.get("name").asString();
            if (parameter.path("required").asBoolean(false) || name.equals("ident")) {
                values.put(name, plausible(parameter));
            }
        }
        return values;
    }

    /** A value a client could well send, that names nothing that exists. */
    private String plausible(JsonNode parameter) {
        return switch (parameter.get("name").asString()) {
            case "eid", "ident", "trade_no", "request_no", "refund_no", "sid", "order_no" -> Unique.id("fuzz");
            case "channel_no" -> channelNo;
            case "groups" -> "default";
            case "name" -> "fuzz";
            case "amount", "num", "refund_num", "total", "credit" -> "1";
            case "face" -> "100";
            case "line_id" -> "987654321";
            case "carrier_no" -> "ZSH";
            case "invoice_type" -> "1";
            case "notify_url" -> "http://127.0.0.1:9/fuzz";
            case "start_time", "end_time" -> "20250101";
            case "pi", "after_id" -> "0";
            case "ps", "limit" -> "10";
            // Neither success nor failure: a unit that a hostile id happens to name is never settled.
            case "result" -> "undecided";
            default ->
                Set.of("integer", "number")
                                .contains(parameter.path("schema").path("type").asString(""))
                        ? "987654321987"
                        : "fuzz-nothing";
        };
    }

    private static String path(String template, Map<String, String> values) {
        String path = template;
        for (Map.Entry<String, String> value : values.entrySet()) {
            path = path.replace(
                    "{" + value.getKey() + "}", encode(value.getValue()).replace("+", "%20"));
        }
        return path;
    }

    /** The baseline's query parameters, with {@code name} set to {@code value} (left out if null), or given twice. */
    private String query(Operation operation, Map<String, String> baseline, String name, String value, boolean twice) {
        Map<String, String> values = new LinkedHashMap<>();
        JsonNode named = null;
        for (JsonNode parameter : operation.parameters()) {
            String n = parameter.get("name").asString();
            if (parameter.path("in").asString("").equals("query") && baseline.containsKey(n)) {
                values.put(n, baseline.get(n));
            }
            if (n.equals(name)) {
                named = parameter;
            }
        }
        List<String> pairs = new ArrayList<>();
        if (twice) {
            String v = values.containsKey(name) ? values.get(name) : plausible(named);
            pairs.add(encode(name) + "=" + encode(v));
            values.put(name, v);
        } else if (name != null) {
            values.remove(name);
            if (value != null) {
                values.put(name, value);
            }
        }
        values.forEach((n, v) -> pairs.add(encode(n) + "=" + encode(v)));
        return String.join("&", pairs);
    }

    /** A channel of this test's own, unsigned and without products: requests pass its gate, but never order. */
    private String ownChannel() {
        String no = Unique.id("fuzz");
        Response created = http.post("/admin/catalog/down-channels", "application/json", """
                {"channel_no":"%s","channel_name":"fuzz","status":0,"legacy_unsigned":0,"rate_limit":1000000}""".formatted(no));
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        return no;
    }

    private static boolean excluded(String method, String path) {
        // The operations endpoints are not the API, and some act on the server (shutdown, loggers).
        return path.startsWith("/actuator/")
                || EXCLUDED.containsKey(method + " " + path)
                || path.matches(".*(shutdown|restart|pause|refresh).*");
    }

    private static JsonNode resolve(JsonNode doc, JsonNode node) {
        String ref = node.path("$ref").asString("");
        if (!ref.startsWith("#/")) {
            return node;
        }
        JsonNode target = doc;
        for (String part : ref.substring(2).split("/")) {
            target = target.path(part);
        }
        return target;
    }

    private static boolean positiveNumber(String value) {
        return value.matches("[0-9]{1,18}") && Long.parseLong(value) > 0;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** Text for a report: NUL and blanks escaped, the 10,000 characters abbreviated, at most {@code max} characters. */
    private static String shown(String text, int max) {
        String escaped = text.replace("\u0000", "\\u0000")
                .replace("\t", "\\t")
                .replace("\n", "\\n")
                .replace(HUGE, "x…(10000)")
                .replace(encode(HUGE), "x…(10000)");
        return escaped.length() <= max ? escaped : escaped.substring(0, max) + "…";
    }
}
