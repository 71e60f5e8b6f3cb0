package dev.ordo.shared.internal;

import dev.ordo.shared.ErrorCode;
import dev.ordo.shared.Problems;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors raised outside Spring MVC (servlet container, filters) also answer as problem details
 * instead of the default error page. Called directly, with no error to report, it is no endpoint (404).
 */
@Hidden // where failures are rendered, not an endpoint to call
@RestController
class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        if (request.getDispatcherType() == DispatcherType.REQUEST) {
            return ResponseEntity.status(ErrorCode.NO_SUCH_ENDPOINT.status())
                    .body(Problems.of(ErrorCode.NO_SUCH_ENDPOINT, "no such endpoint", request.getRequestURI()));
        }
        Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int code = status instanceof Integer value ? value : 500;
        ErrorCode errorCode = errorCodeFor(code);
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        return ResponseEntity.status(code >= 400 && code < 600 ? code : 500)
                .body(Problems.of(errorCode, messageFor(code, errorCode), uri == null ? null : uri.toString()));
    }

    static ErrorCode errorCodeFor(int status) {
        return switch (status) {
            case 401 -> ErrorCode.UNAUTHORIZED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NO_SUCH_ENDPOINT;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 429 -> ErrorCode.RATE_LIMITED;
            case 503 -> ErrorCode.UNAVAILABLE;
            default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.BAD_PARAMETER;
        };
    }

    static String messageFor(int status, ErrorCode errorCode) {
        return status >= 500 ? "internal error" : errorCode.title().toLowerCase();
    }
}
