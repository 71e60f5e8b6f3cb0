package dev.ordo.security;

import dev.ordo.shared.ErrorCode;
import dev.ordo.shared.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/** Writes 400, 401 and 403 as problem details, since they are answered before Spring MVC runs. */
class ProblemResponses {

    private final JsonMapper json;

    ProblemResponses(JsonMapper json) {
        this.json = json;
    }

    void unauthorized(HttpServletRequest request, HttpServletResponse response, String message) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer");
        write(request, response, ErrorCode.UNAUTHORIZED, message);
    }

    void badRequest(HttpServletRequest request, HttpServletResponse response, String message) throws IOException {
        write(request, response, ErrorCode.BAD_PARAMETER, message);
    }

    void forbidden(HttpServletRequest request, HttpServletResponse response, String message) throws IOException {
        write(request, response, ErrorCode.FORBIDDEN, message);
    }

    private void write(HttpServletRequest request, HttpServletResponse response, ErrorCode code, String message)
            throws IOException {
        response.setStatus(code.status().value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        json.writeValue(response.getOutputStream(), Problems.of(code, message, request.getRequestURI()));
    }
}
