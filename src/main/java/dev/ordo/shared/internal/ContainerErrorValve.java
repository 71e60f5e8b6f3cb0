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
        // What Tomcat refuses on its own is the caller's request, even as a 501 (an unknown method)
        // or a 505 (an HTTP version it does not speak): never Ordo's failure.
        ErrorCode code =
                status == 501 || status == 505 ? ErrorCode.BAD_PARAMETER : ProblemErrorController.errorCodeFor(status);
        String message = switch (status) {
            case 400 -> "malformed request: the request line or a header is invalid, or they are too large";
            case 501 -> "request not supported: unknown method";
            case 505 -> "request not supported: HTTP version";
            default -> ProblemErrorController.messageFor(status, code);
        };
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
