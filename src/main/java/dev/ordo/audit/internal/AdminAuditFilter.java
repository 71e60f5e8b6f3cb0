package dev.ordo.audit.internal;

import dev.ordo.audit.AuditEntry;
import dev.ordo.shared.ErrorCode;
import dev.ordo.shared.Masking;
import dev.ordo.shared.Problems;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingRequestWrapper;
import org.springframework.web.util.ContentCachingResponseWrapper;
import org.springframework.web.util.UrlPathHelper;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Records every change asked of the admin API (any method but GET, HEAD and OPTIONS on
 * {@code /admin/**}, and the wallet's changes of account and package terms, {@link #WALLET_TERMS}),
 * refused ones included: the entry is written before the change is applied (a change that cannot be
 * audited is answered 503 and not applied) and completed with the body and the answer's status. Runs behind the security
 * filters: a request without a valid token never gets here. Values of parameters and JSON
 * properties that may hold a secret are masked, and so are the user info of URLs and the values of
 * such parameters in them ({@link Masking}).
 */
class AdminAuditFilter extends OncePerRequestFilter {

    static final int MAX_BODY = 16_000;
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    /**
     * A name is secret when one of its words begins or ends with one of these: {@code supplier_secret},
     * {@code apiKey}, {@code appsecret}, {@code signkey}, {@code sign} — but not {@code legacy_unsigned}.
     */
    private static final String MASK = Masking.MASK;

    private static final Logger log = LoggerFactory.getLogger(AdminAuditFilter.class);

    private final JdbcAudit audit;
    private final JsonMapper json;
    private final Clock clock;
    private final Counter failures;

    AdminAuditFilter(JdbcAudit audit, JsonMapper json, Clock clock, MeterRegistry meters) {
        this.audit = audit;
        this.json = json;
        this.clock = clock;
        this.failures = Counter.builder("ordo.audit.failures")
                .description("Admin changes that could not be written to the audit trail")
                .register(meters);
    }

    /**
     * Wallet requests that change an account's or a package's terms rather than its balance (which
     * is a ledger record under its trade number): recorded whatever their method, as the seed's
     * clients send them as GET too.
     */
    static final Set<String> WALLET_TERMS =
            Set.of("/account/create", "/account/lock", "/account/unlock", "/account/credit/set", "/package/create");

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !WALLET_TERMS.contains(path(request)) && READS.contains(request.getMethod());
    }

    /**
     * The path the request is served at, decoded as the handler mapping decodes it: a client that
     * spells {@code /account/credit/set} with an escape ({@code /account/%63redit/set}) reaches the
     * same handler, and is recorded under the same path.
     */
    static String path(HttpServletRequest request) {
        try {
            return UrlPathHelper.defaultInstance.getPathWithinApplication(request);
        } catch (IllegalArgumentException badEscape) {
            return request.getRequestURI(); // the server refuses such a path before it gets here
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var cached = new ContentCachingRequestWrapper(request, MAX_BODY);
        // The entry is written before the change is applied: a change that cannot be audited is refused
        // and not applied. Its body and the answer's status complete it afterwards; an entry left with
        // status 0 is a change whose answer was never recorded (the node stopped in between).
        long auditId;
        try {
            auditId = audit.begin(new AuditEntry(
                    0,
                    clock.instant(),
                    actor(),
                    truncate(request.getRemoteAddr(), 64),
                    request.getMethod(),
                    truncate(path(request), 500),
                    request.getQueryString() == null ? null : truncate(Masking.params(request.getQueryString()), 2000),
                    null,
                    UNANSWERED));
        } catch (RuntimeException e) {
            failures.increment();
            log.error("audit: could not record {} {}, refused", request.getMethod(), path(request), e);
            refuse(request, response);
            return;
        }
        // The answer is held until the entry is completed: a client that has its answer finds the
        // change in the trail with it.
        var answer = new ContentCachingResponseWrapper(response);
        int status = 500;
        try {
            chain.doFilter(cached, answer);
            status = answer.getStatus();
        } finally {
            answered(auditId, cached, status);
            answer.copyBodyToResponse();
        }
    }

    /** The status of an entry whose change has not been answered (yet). */
    static final int UNANSWERED = 0;

    private void answered(long auditId, ContentCachingRequestWrapper request, int status) {
        try {
            audit.answered(auditId, body(request), status);
        } catch (RuntimeException e) {
            failures.increment();
            log.error(
                    "audit: could not record the answer {} to {} {} (entry {})",
                    status,
                    request.getMethod(),
                    path(request),
                    auditId,
                    e);
        }
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response) throws IOException {
        var problem = Problems.of(
                ErrorCode.UNAVAILABLE,
                "the change could not be written to the audit trail and was not applied; try again",
                path(request));
        response.setStatus(ErrorCode.UNAVAILABLE.status().value());
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(json.writeValueAsString(problem));
    }

    private static String actor() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication == null ? "anonymous" : truncate(authentication.getName(), 64);
    }

    private String body(ContentCachingRequestWrapper request) {
        byte[] content = request.getContentAsByteArray();
        if (content.length == 0) {
            return null;
        }
        String text = new String(content, charset(request));
        String contentType = request.getContentType();
        if (contentType != null && contentType.toLowerCase().contains("json")) {
            try {
                JsonNode node = json.readTree(text);
                mask(node);
                text = node.toString();
            } catch (JacksonException notJson) {
                // Cut at the cache's limit, or not JSON at all: its secrets could not all be found.
                text = "(not JSON, " + content.length + " bytes)";
            }
        } else {
            text = Masking.params(text);
        }
        return truncate(text, MAX_BODY);
    }

    /** The body's charset as the request names it; UTF-8 when it names none or one unknown here. */
    private static Charset charset(HttpServletRequest request) {
        try {
            String name = request.getCharacterEncoding();
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
        } catch (IllegalArgumentException unknown) {
            return StandardCharsets.UTF_8;
        }
    }

    /**
     * Masks, in place, the values of JSON properties named like a secret, at any depth. A null or
     * empty one stays as it is: it shows that no secret was given (the catalog keeps the current one).
     */
    static void mask(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (String name : Set.copyOf(object.propertyNames())) {
                JsonNode value = object.get(name);
                boolean given = !value.isNull()
                        && !(value.isString() && value.asString().isEmpty());
                if (Masking.secretName(name)) {
                    if (given) {
                        object.put(name, MASK);
                    }
                } else if (object.get(name).isString()) {
                    object.put(name, Masking.url(object.get(name).asString()));
                } else {
                    mask(object.get(name));
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(AdminAuditFilter::mask);
        }
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
