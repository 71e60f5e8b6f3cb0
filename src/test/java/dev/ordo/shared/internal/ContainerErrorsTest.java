package dev.ordo.shared.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.shared.ErrorCode;
import dev.ordo.testing.DatabaseTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
    void an_http_version_tomcat_does_not_speak_is_a_400_that_names_it_not_a_5xx() throws IOException {
        for (String version : List.of("HTTP/7.0", "HTTP/2.5")) {
            String answer =
                    send("GET /actuator/health " + version + "\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertRefused(answer, "request not supported: the HTTP version");
        }
    }

    @Test
    void a_transfer_coding_tomcat_does_not_take_is_a_400_that_names_it_not_a_501() throws IOException {
        String answer = send("POST /order/query HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\n");
        assertRefused(answer, "a Transfer-Encoding other than chunked");
    }

    @Test
    void an_expectation_tomcat_does_not_understand_is_refused_with_the_header_named() throws IOException {
        String answer = send("POST /order/query HTTP/1.1\r\nHost: localhost\r\nExpect: foo\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 417");
        assertThat(answer).contains("the Expect header");
    }

    @Test
    void a_path_or_method_the_firewall_refuses_is_a_400_that_says_why() throws IOException {
        for (String line : List.of(
                "GET /order//query?channel_no=test HTTP/1.1",
                "GET /order/query;jsessionid=1?channel_no=test HTTP/1.1",
                "FOO /order/query?channel_no=test HTTP/1.1",
                "GET /order/query?channel_no=test&request_no=r1&%01=1 HTTP/1.1",
                "GET /admin//orders HTTP/1.1")) {
            String answer = send(line + "\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertRefused(answer, "The request was rejected because");
        }
    }

    @Test
    void a_mistyped_reseller_path_is_no_such_endpoint_not_a_request_for_the_admin_token() throws IOException {
        for (String path : List.of("/refund/generel", "/order/requests?channel_no=test")) {
            String answer = send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertThat(answer).as(path).startsWith("HTTP/1.1 404");
            assertThat(answer).contains("\"code\":" + ErrorCode.NO_SUCH_ENDPOINT.code());
        }
    }

    @Test
    void errors_raised_inside_ordo_keep_their_own_problem() throws IOException {
        String answer = send("GET /no/such/path HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 401");
        assertThat(answer).contains("\"code\":" + ErrorCode.UNAUTHORIZED.code());
        assertThat(answer).contains("needs Authorization: Bearer");
    }

    @Test
    void a_form_the_server_cannot_take_is_a_400_that_says_what_is_wrong_with_it() throws IOException {
        assertRefused(
                post("channel_no=test&request_no=" + "a".repeat(3_000_000)),
                "the form is larger than this server takes");
        StringBuilder many = new StringBuilder("channel_no=test");
        for (int n = 0; n < 12_000; n++) {
            many.append("&p").append(n).append("=1");
        }
        assertRefused(post(many.toString()), "too many parameters");
        assertRefused(
                post("channel_no=test&request_no=test1200001&=x"),
                "a parameter is malformed: each must be name=value with a non-empty name");
        assertRefused(post("channel_no=test&request_no=%FF"), "not valid URL-encoded UTF-8");
    }

    @Test
    void a_multipart_body_that_cannot_be_read_is_a_400_not_an_internal_error() throws IOException {
        for (String type : List.of("multipart/form-data; boundary=zz", "multipart/form-data")) {
            String body = "--zz\r\nxxxx";
            String answer = send("POST /order/query HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + type
                    + "\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
            assertRefused(answer, "the multipart body cannot be read");
        }
    }

    private String post(String form) throws IOException {
        return send(
                "POST /order/query HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        + "Content-Length: " + form.length() + "\r\nConnection: close\r\n\r\n" + form);
    }

    private static void assertRefused(String answer, String message) {
        assertThat(answer).as(answer).startsWith("HTTP/1.1 400");
        assertThat(answer.toLowerCase()).contains("content-type: application/problem+json");
        assertThat(answer)
                .contains("\"code\":" + ErrorCode.BAD_PARAMETER.code())
                .contains(message)
                .doesNotContain("internal error");
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
