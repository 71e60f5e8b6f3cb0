package dev.ordo.shared.internal;

import dev.ordo.shared.ErrorCode;
import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

/**
 * Tomcat's own answer to a request that never reached Ordo — a request line or headers over
 * {@code server.max-http-request-header-size}, a malformed request line — as problem details, like
 * every other error, instead of Tomcat's HTML page. Errors raised inside Ordo have been written by
 * {@link ProblemErrorController} by the time this valve looks, and are left alone.
 */
public class ContainerErrorValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        // What Tomcat refuses on its own is the caller's request, even where Tomcat would answer 501
        // (a transfer coding it does not take) or 505 (an HTTP version it does not speak): a 400,
        // never counted as Ordo's failure.
        String message = switch (status) {
            case 400 -> "malformed request: the request line or a header is invalid, or they are too large";
            case 501 ->
                "request not supported: a Transfer-Encoding other than chunked, or a feature of HTTP this"
                        + " server does not implement";
            case 505 -> "request not supported: the HTTP version (HTTP/1.0 and HTTP/1.1 are spoken here)";
            case 417 -> "request not supported: the Expect header (only 100-continue is understood)";
            default -> null;
        };
        if (status == 501 || status == 505) {
            status = 400;
            response.setStatus(status);
        }
        ErrorCode code = ProblemErrorController.errorCodeFor(status);
        if (message == null) {
            message = ProblemErrorController.messageFor(status, code);
        }
        String body = "{\"type\":\"" + code.type() + "\",\"title\":\"" + code.title() + "\",\"status\":" + status
                + ",\"detail\":\"" + message + "\",\"code\":" + code.code() + ",\"msg\":\"" + message + "\"}";
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("utf-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(body);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client has gone or the response is committed: there is no one left to tell.
        }
    }
}
