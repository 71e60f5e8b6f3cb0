package dev.ordo.shared.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.shared.ErrorCode;
import dev.ordo.testing.DatabaseTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Requests Tomcat refuses before they reach Ordo answer as problem details too, over a raw socket
 * (an HTTP client would refuse to send most of them).
 */
@DatabaseTest
class ContainerErrorsTest {

    @LocalServerPort
    int port;

    @Test
    void a_request_line_over_the_header_size_limit_is_a_problem_with_code_900() throws IOException {
        String answer = send("GET /order/query?channel_no=" + "x".repeat(10_000) + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: close\r\n\r\n");
        assertProblem(answer);
    }

    @Test
    void a_header_over_the_size_limit_is_a_problem_with_code_900() throws IOException {
        String answer = send("GET /actuator/health HTTP/1.1\r\nHost: localhost\r\nX-Filler: " + "y".repeat(10_000)
                + "\r\nConnection: close\r\n\r\n");
        assertProblem(answer);
    }

    @Test
    void a_malformed_request_line_is_a_problem_with_code_900() throws IOException {
        String answer = send("GET /order/query?a=<script> HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertProblem(answer);
    }

    @Test
    void an_http_version_tomcat_does_not_speak_is_the_callers_problem_not_an_internal_error() throws IOException {
        String answer = send("GET /actuator/health HTTP/7.0\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 505");
        assertThat(answer)
                .contains("\"code\":" + ErrorCode.BAD_PARAMETER.code())
                .contains("request not supported: HTTP version")
                .doesNotContain("internal error");
    }

    @Test
    void errors_raised_inside_ordo_keep_their_own_problem() throws IOException {
        String answer = send("GET /no/such/path HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 401");
        assertThat(answer).contains("\"code\":" + ErrorCode.UNAUTHORIZED.code());
        assertThat(answer).contains("needs Authorization: Bearer");
    }

    private static void assertProblem(String answer) {
        assertThat(answer).startsWith("HTTP/1.1 400");
        assertThat(answer.toLowerCase()).contains("content-type: application/problem+json");
        String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        assertThat(body)
                .as(answer)
                .contains("\"status\":400")
                .contains("\"code\":" + ErrorCode.BAD_PARAMETER.code())
                .contains("\"msg\":\"malformed request")
                .doesNotContain("<html")
                .doesNotContain("Tomcat");
    }

    private String send(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
