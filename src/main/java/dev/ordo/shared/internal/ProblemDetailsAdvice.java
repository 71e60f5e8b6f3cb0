package dev.ordo.shared.internal;

import dev.ordo.shared.ErrorCode;
import dev.ordo.shared.OrdoException;
import dev.ordo.shared.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.UUID;
import org.apache.catalina.connector.ClientAbortException;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.apache.tomcat.util.http.fileupload.FileUploadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;

/** Turns every exception that leaves a controller into an RFC 9457 problem with code and msg. */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
class ProblemDetailsAdvice {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    /** The status proxies (nginx) record for a request its client gave up on; never sent to anyone. */
    static final int CLIENT_CLOSED_REQUEST = 499;

    @ExceptionHandler(OrdoException.class)
    ResponseEntity<ProblemDetail> refused(OrdoException e, HttpServletRequest request) {
        return answer(e.errorCode(), e.getMessage(), request);
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ProblemDetail> missing(MissingServletRequestParameterException e, HttpServletRequest request) {
        return answer(ErrorCode.BAD_PARAMETER, e.getParameterName() + " is required", request);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> mismatch(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
        return answer(ErrorCode.BAD_PARAMETER, e.getName() + " has the wrong type", request);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e, HttpServletRequest request) {
        String field = fieldOf(e);
        return answer(
                ErrorCode.BAD_PARAMETER,
                field == null
                        ? "the request body is not valid JSON of the expected shape"
                        : "the request body is not valid JSON of the expected shape: " + field
                                + " is missing or has the wrong type",
                request);
    }

    /** The JSON property a body failed on, as the JSON names it ({@code units[1].face}), or null. */
    static String fieldOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
                StringBuilder path = new StringBuilder();
                for (JacksonException.Reference ref : jackson.getPath()) {
                    if (ref.getPropertyName() != null) {
                        path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
                    } else if (ref.getIndex() >= 0) {
                        path.append('[').append(ref.getIndex()).append(']');
                    }
                }
                return path.isEmpty() ? null : path.toString();
            }
        }
        return null;
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ProblemDetail> method(HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
        // The methods it does support, as RFC 9110 asks of a 405.
        return ResponseEntity.status(ErrorCode.METHOD_NOT_ALLOWED.status())
                .headers(e.getHeaders())
                .body(Problems.of(
                        ErrorCode.METHOD_NOT_ALLOWED,
                        "method " + e.getMethod() + " is not supported here",
                        request.getRequestURI()));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> mediaType(HttpMediaTypeNotSupportedException e, HttpServletRequest request) {
        // The content types it does take, in Accept, as RFC 9110 suggests for a 415.
        return ResponseEntity.status(ErrorCode.UNSUPPORTED_MEDIA_TYPE.status())
                .headers(e.getHeaders())
                .body(Problems.of(
                        ErrorCode.UNSUPPORTED_MEDIA_TYPE, "unsupported content type", request.getRequestURI()));
    }

    /**
     * Tomcat refuses the parameters when they are read: a form larger than {@code
     * server.tomcat.max-http-form-post-size}, more parameters than {@code
     * server.tomcat.max-parameter-count}, a parameter without a name, or bad percent-encoding or
     * UTF-8. Its own messages are for operators; the caller is told which of these it was.
     */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<ProblemDetail> undecodable(
            InvalidParameterException e, HttpServletRequest request, HttpServletResponse response) {
        if (callerGone(e)) {
            return unexpected(e, request, response); // the body never came: 499, not the caller's bad form
        }
        return answer(ErrorCode.BAD_PARAMETER, parametersRefused(e), request);
    }

    static String parametersRefused(InvalidParameterException e) {
        String why = String.valueOf(e.getMessage());
        if (e.getErrorCode() == 413 || why.contains("too big") || why.contains("too large")) {
            return "the form is larger than this server takes; send the parameters as documented";
        }
        if (why.contains("maximum number of request parameters")) {
            return "too many parameters: send only the documented ones";
        }
        if (why.contains("not followed by an '='") || why.contains("Invalid chunk") || why.contains("empty name")) {
            return "a parameter is malformed: each must be name=value with a non-empty name";
        }
        return "a parameter is not valid URL-encoded UTF-8";
    }

    /**
     * A multipart body that cannot be read — cut short, without a boundary, too large: the parser's
     * own refusal ({@code FileUploadException}) is the caller's request. Anything else under a
     * {@code MultipartException} (a temporary upload directory gone) is the server's, and a caller
     * that hung up mid-body is neither.
     */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ProblemDetail> unreadableMultipart(
            MultipartException e, HttpServletRequest request, HttpServletResponse response) {
        if (callerGone(e) || !refusedByParser(e)) {
            return unexpected(e, request, response);
        }
        return answer(
                ErrorCode.BAD_PARAMETER,
                "the multipart body cannot be read (cut short, without a boundary, or too large); send the"
                        + " parameters in the query string or as application/x-www-form-urlencoded",
                request);
    }

    private static boolean refusedByParser(Throwable e) {
        if (e instanceof MaxUploadSizeExceededException) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FileUploadException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Spring Security's firewall checks parameter names only when they are read (a control character
     * in one), inside the handler: the same 400 as its refusals in front of it.
     */
    @ExceptionHandler(RequestRejectedException.class)
    ResponseEntity<ProblemDetail> rejected(RequestRejectedException e, HttpServletRequest request) {
        return answer(ErrorCode.BAD_PARAMETER, e.getMessage(), request);
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ProblemDetail> noEndpoint(HttpServletRequest request) {
        return answer(ErrorCode.NO_SUCH_ENDPOINT, "no such endpoint", request);
    }

    /**
     * A transaction that cannot begin: no connection to be had, in the transaction manager's words.
     * Its subclasses (nested transactions, suspension not supported) are programming errors.
     */
    @ExceptionHandler(CannotCreateTransactionException.class)
    ResponseEntity<ProblemDetail> noTransaction(
            CannotCreateTransactionException e, HttpServletRequest request, HttpServletResponse response) {
        return e.getClass() == CannotCreateTransactionException.class
                ? busy(e, request)
                : unexpected(e, request, response);
    }

    @ExceptionHandler({
        CannotGetJdbcConnectionException.class,
        PessimisticLockingFailureException.class,
        QueryTimeoutException.class,
        TransientDataAccessException.class
    })
    ResponseEntity<ProblemDetail> busy(Exception e, HttpServletRequest request) {
        log.warn("database busy on {}: {}", request.getRequestURI(), e.toString());
        return answer(ErrorCode.UNAVAILABLE, "the database is busy, retry shortly; nothing was changed", request);
    }

    /** Two requests created the same key at once (the loser's check found nothing): nothing of the loser's was written. */
    @ExceptionHandler(DuplicateKeyException.class)
    ResponseEntity<ProblemDetail> duplicate(DuplicateKeyException e, HttpServletRequest request) {
        // With the trace: a duplicate key the code should have foreseen is a bug to find.
        log.warn(
                "duplicate key on {}: {}",
                request.getRequestURI(),
                e.getMostSpecificCause().toString(),
                e);
        return answer(
                ErrorCode.CONFLICT,
                "another request created the same entry meanwhile; nothing was changed, read it and retry",
                request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request, HttpServletResponse response) {
        if (callerGone(e)) {
            // Not Ordo's failure, and no one is left to answer: a caller that gave up (its timeout)
            // while its request was read or its answer written. Recorded (metrics, access log) as
            // 499, "client closed request", unless an answer was already on its way.
            if (!response.isCommitted()) {
                response.setStatus(CLIENT_CLOSED_REQUEST);
            }
            log.debug(
                    "{} {}: the caller closed the connection before its answer was written: {}",
                    request.getMethod(),
                    request.getRequestURI(),
                    e.toString());
            return null;
        }
        if (e instanceof ErrorResponse framework) {
            // Spring MVC's own refusals (bad path variable, unreadable multipart, an Accept header no
            // answer can meet, ...) keep their status and headers, with code 900.
            HttpStatusCode status = framework.getStatusCode();
            if (status.is4xxClientError()) {
                String detail = framework.getBody().getDetail();
                ProblemDetail problem = Problems.of(
                        ErrorCode.BAD_PARAMETER, detail == null ? "bad request" : detail, request.getRequestURI());
                problem.setStatus(status.value());
                return ResponseEntity.status(status)
                        .headers(framework.getHeaders())
                        .body(problem);
            }
        }
        String incident = UUID.randomUUID().toString();
        log.error("incident {} on {} {}", incident, request.getMethod(), request.getRequestURI(), e);
        return answer(ErrorCode.INTERNAL_ERROR, "internal error, incident " + incident, request);
    }

    /** Whether writing the answer failed because the caller had closed the connection. */
    static boolean callerGone(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AsyncRequestNotUsableException || t instanceof ClientAbortException) {
                return true;
            }
        }
        return false;
    }

    static ResponseEntity<ProblemDetail> answer(ErrorCode code, String message, HttpServletRequest request) {
        return ResponseEntity.status(code.status()).body(Problems.of(code, message, request.getRequestURI()));
    }
}
