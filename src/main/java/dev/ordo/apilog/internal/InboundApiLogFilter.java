package dev.ordo.apilog.internal;

import dev.ordo.apilog.ApiCall;
import dev.ordo.apilog.ApiCallKind;
import dev.ordo.apilog.ApiLog;
import dev.ordo.shared.Masking;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingRequestWrapper;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Records each request it sees as an inbound call once it has been answered: the query string and
 * the body as received (a form posted is the body), the status and the body answered. Runs before
 * every other filter of the application, so that a request refused by any of them is recorded too.
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
        var cachedRequest = new ContentCachingRequestWrapper(request, maxText);
        var cachedResponse = new ContentCachingResponseWrapper(response);
        String failure = null;
        try {
            chain.doFilter(cachedRequest, cachedResponse);
        } catch (IOException | ServletException | RuntimeException e) {
            failure = e.toString();
            throw e;
        } finally {
            try {
                record(cachedRequest, cachedResponse, at, started, failure);
            } catch (RuntimeException e) {
                // The answer matters, its log entry does not: the request goes on as if it had none.
            } finally {
                cachedResponse.copyBodyToResponse();
            }
        }
    }

    private void record(
            ContentCachingRequestWrapper request,
            ContentCachingResponseWrapper response,
            Instant at,
            long started,
            String failure) {
        int status = failure == null ? response.getStatus() : 500;
        ApiCall call = ApiCall.of(
                at,
                kind,
                safely(party, request),
                request.getRequestURI(),
                reference(request),
                requestText(request),
                status,
                failure == null ? text(response.getContentAsByteArray()) : failure,
                (System.nanoTime() - started) / 1_000_000);
        if (REFUSED_UNSERVED.contains(status)
                || status >= 400 && status < 500 && request.getAttribute(ApiLog.ADMITTED) == null) {
            log.recordRefused(call);
        } else {
            log.record(call);
        }
    }

    /**
     * Answers given before a request was served: anyone can cause them, so they are logged within a
     * limit — as is any other 4xx answered to a caller the endpoint did not admit ({@link ApiLog#admitted}).
     */
    private static final Set<Integer> REFUSED_UNSERVED = Set.of(401, 403, 404, 429);

    /** The channel's request number, or else Ordo's delivery a supplier reports on. */
    private static String reference(HttpServletRequest request) {
        String requestNo = request.getParameter("request_no");
        return requestNo != null && !requestNo.isBlank() ? requestNo : request.getParameter("order_no");
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
     * their order (a URL given as a value without its user info and the values of its secret-looking
     * parameters, {@link Masking}); another kind of body after them.
     */
    private String requestText(ContentCachingRequestWrapper request) {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
            for (String value : parameter.getValue()) {
                if (text.length() > maxText) {
                    return text.toString();
                }
                if (!text.isEmpty()) {
                    text.append('&');
                }
                text.append(encode(parameter.getKey())).append('=').append(encode(Masking.url(value)));
            }
        }
        String contentType = request.getContentType();
        boolean form = contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
        String body = form ? null : text(request.getContentAsByteArray());
        if (body != null) {
            text.append(text.isEmpty() ? "" : "\n").append(body);
        }
        return text.isEmpty() ? null : text.toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private String text(byte[] bytes) {
        int length = Math.min(bytes.length, maxText * 4);
        return length == 0 ? null : log.cut(new String(bytes, 0, length, StandardCharsets.UTF_8));
    }
}
