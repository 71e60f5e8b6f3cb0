package dev.ordo.apilog;

import jakarta.servlet.Filter;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.function.Function;

/** Keeps integration calls (SPEC K7) and finds them again. */
public interface ApiLog {

    /**
     * Keeps the call, written shortly after in a batch with others. Never blocks and never throws:
     * a call must not fail or wait because its log entry could not be written.
     */
    void record(ApiCall call);

    /** Newest first. */
    List<ApiCall> search(ApiLogQuery query);

    /**
     * A servlet filter that records every request it sees as a call of {@code kind} — the parameters
     * and the body as received, the status and the body answered — its party read from the request,
     * its reference from the {@code request_no} or else the {@code order_no} parameter.
     */
    Filter inbound(ApiCallKind kind, Function<HttpServletRequest, String> party);

    /**
     * Marks the request as coming from a caller the endpoint has admitted — a known channel, its
     * signature verified. Only such a caller's calls, refusals included (a bad parameter, say), are
     * all logged, 429s aside; those of anybody else, who can send them without a secret, are logged
     * within a limit per second whatever they were answered.
     */
    static void admitted(ServletRequest request) {
        request.setAttribute(ADMITTED, Boolean.TRUE);
    }

    /** The request attribute {@link #admitted} sets. */
    String ADMITTED = "dev.ordo.apilog.admitted";
}
