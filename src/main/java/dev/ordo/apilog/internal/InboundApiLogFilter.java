package dev.ordo.apilog.internal;

import dev.ordo.apilog.ApiCall;
import dev.ordo.apilog.ApiCallKind;
import dev.ordo.apilog.ApiLog;
import dev.ordo.shared.Masking;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingRequestWrapper;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Records each request it sees as an inbound call once it has been answered: the query string and
 * the body as received (a form posted is the body), the status and the body answered. Runs before
 * every other filter of the application, so that a request refused by any of them is recorded too.
 * Only the calls of a caller the endpoint admitted ({@link ApiLog#admitted}) are all kept; those of
 * anybody else, and every 429, are kept within a rate ({@link JdbcApiLog#recordRefused}).
 */
final class InboundApiLogFilter extends OncePerRequestFilter {

    private final JdbcApiLog log;
    private final Clock clock;
    private final ApiCallKind kind;
    private final Function<HttpServletRequest, String> party;
    private final int maxText;

    InboundApiLogFilter(
            JdbcApiLog log, Clock clock, ApiCallKind kind, Function<HttpServletRequest, String> party, int maxText) {
        this.log = log;
        this.clock = clock;
        this.kind = kind;
        this.party = party;
        this.maxText = maxText;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Instant at = clock.instant();
        long started = System.nanoTime();
        var noted = new ParsingNoted(request);
        // A form's parameters are read from the request; only another body is kept as it is read.
        HttpServletRequest cachedRequest = form(request) ? noted : new ContentCachingRequestWrapper(noted, maxText);
        var cachedResponse = new ContentCachingResponseWrapper(response);
        String failure = null;
        try {
            chain.doFilter(cachedRequest, cachedResponse);
        } catch (IOException | ServletException | RuntimeException e) {
            failure = e.toString();
            throw e;
        } finally {
            try {
                record(cachedRequest, noted, cachedResponse, at, started, failure);
            } catch (RuntimeException e) {
                // The answer matters, its log entry does not: the request goes on as if it had none.
            } finally {
                cachedResponse.copyBodyToResponse();
            }
        }
    }

    private void record(
            HttpServletRequest answered,
            ParsingNoted noted,
            ContentCachingResponseWrapper response,
            Instant at,
            long started,
            String failure) {
        boolean parsed = noted.parsed();
        HttpServletRequest request = parsed ? answered : new QueryAsItCame(answered);
        int status = failure == null ? response.getStatus() : 500;
        ApiCall call = ApiCall.of(
                at,
                kind,
                safely(party, request),
                request.getRequestURI(),
                safely(InboundApiLogFilter::reference, request),
                requestText(request, parsed),
                status,
                failure == null ? text(response.getContentAsByteArray()) : failure,
                (System.nanoTime() - started) / 1_000_000);
        // Anyone can send a call that is not admitted, whatever it is answered; a 429 is a flood.
        if (status == 429 || request.getAttribute(ApiLog.ADMITTED) == null) {
            log.recordRefused(call);
        } else {
            log.record(call);
        }
    }

    /** The channel's request number, or else Ordo's delivery a supplier reports on. */
    private static String reference(HttpServletRequest request) {
        String requestNo = request.getParameter("request_no");
        return requestNo != null && !requestNo.isBlank() ? requestNo : request.getParameter("order_no");
    }

    /**
     * Notes whether the request's parameters could not be parsed ({@code amount=%ZZ}, say): Tomcat
     * throws to the first who asks for them, and answers those it did parse to anybody asking after.
     */
    private static final class ParsingNoted extends HttpServletRequestWrapper {

        private volatile boolean unparsable;

        ParsingNoted(HttpServletRequest request) {
            super(request);
        }

        /** Whether the parameters were parsed whole: asks for them if nobody did. */
        boolean parsed() {
            if (!unparsable) {
                try {
                    getParameterMap();
                } catch (RuntimeException e) {
                    // noted
                }
            }
            return !unparsable;
        }

        private <T> T noted(Supplier<T> read) {
            try {
                return read.get();
            } catch (IllegalStateException e) {
                unparsable = true;
                throw e;
            }
        }

        @Override
        public String getParameter(String name) {
            return noted(() -> super.getParameter(name));
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            return noted(super::getParameterMap);
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return noted(super::getParameterNames);
        }

        @Override
        public String[] getParameterValues(String name) {
            return noted(() -> super.getParameterValues(name));
        }
    }

    /** A request whose parameters could not be parsed, its single parameters read from the query string as it came. */
    private static final class QueryAsItCame extends HttpServletRequestWrapper {

        QueryAsItCame(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getParameter(String name) {
            for (RawParameter parameter : RawParameter.of(getQueryString())) {
                if (parameter.hasValue() && parameter.name().equals(name)) {
                    String decoded = parameter.decodedValue();
                    return decoded != null ? decoded : parameter.value();
                }
            }
            return null;
        }
    }

    /** One {@code name=value} of a query string as it came. */
    private record RawParameter(String text, int equals) {

        static List<RawParameter> of(String query) {
            if (query == null) {
                return List.of();
            }
            return Arrays.stream(query.split("&", -1))
                    .map(text -> new RawParameter(text, text.indexOf('=')))
                    .toList();
        }

        boolean hasValue() {
            return equals >= 0;
        }

        String name() {
            return hasValue() ? text.substring(0, equals) : text;
        }

        String value() {
            return hasValue() ? text.substring(equals + 1) : "";
        }

        /** The value decoded, or null when it is not validly encoded. */
        String decodedValue() {
            try {
                return URLDecoder.decode(value(), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException undecodable) {
                return null;
            }
        }
    }

    private static String safely(Function<HttpServletRequest, String> read, HttpServletRequest request) {
        try {
            return read.apply(request);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The parameters as the request carried them, from the query string and a form body alike, in
     * their order, each value cut to what is kept (a URL given as a value without its user info and
     * the values of its secret-looking parameters, {@link Masking}) — or the query string as it came
     * when the parameters could not be parsed; another kind of body after them, on a line of its own,
     * with the values of its secret-looking parameters or JSON properties masked.
     */
    private String requestText(HttpServletRequest request, boolean parsed) {
        StringBuilder text = new StringBuilder();
        if (parsed) {
            parameters(request.getParameterMap(), text);
        } else {
            if (request.getQueryString() != null) {
                text.append(cut(urlsMasked(request.getQueryString())));
            }
            if (form(request)) {
                // Tomcat keeps a form it could not decode from everyone, this log included.
                text.append(text.isEmpty() ? "" : "\n").append("(a form that could not be decoded)");
            }
        }
        String body =
                request instanceof ContentCachingRequestWrapper cached ? text(cached.getContentAsByteArray()) : null;
        if (body != null) {
            boolean json = body.startsWith("{")
                    || body.startsWith("[")
                    || request.getContentType() != null
                            && request.getContentType().toLowerCase(Locale.ROOT).contains("json");
            text.append(text.isEmpty() ? "" : "\n").append(json ? Masking.json(body) : Masking.params(body));
        }
        return text.isEmpty() ? null : text.toString();
    }

    /** A query string as it came, but a value that decodes to a URL with its user info and secrets masked. */
    private static String urlsMasked(String query) {
        StringJoiner masked = new StringJoiner("&");
        for (RawParameter parameter : RawParameter.of(query)) {
            String decoded = parameter.hasValue() ? parameter.decodedValue() : null;
            masked.add(
                    decoded != null && decoded.contains("://")
                            ? parameter.name() + "=" + encode(Masking.url(decoded))
                            : parameter.text());
        }
        return masked.toString();
    }

    private void parameters(Map<String, String[]> parameters, StringBuilder text) {
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            for (String value : parameter.getValue()) {
                if (text.length() > maxText) {
                    return;
                }
                if (!text.isEmpty()) {
                    text.append('&');
                }
                text.append(encode(cut(parameter.getKey()))).append('=').append(encode(cut(Masking.url(value))));
            }
        }
    }

    private static boolean form(HttpServletRequest request) {
        String contentType = request.getContentType();
        return contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    private String cut(String text) {
        return text.length() > maxText ? text.substring(0, maxText) : text;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private String text(byte[] bytes) {
        int length = Math.min(bytes.length, maxText * 4);
        return length == 0 ? null : log.cut(new String(bytes, 0, length, StandardCharsets.UTF_8));
    }
}
