package dev.ordo.shared.internal;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Method;
import java.sql.SQLTransientConnectionException;
import java.util.stream.Stream;
import org.apache.catalina.connector.ClientAbortException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.method.annotation.ExceptionHandlerMethodResolver;

/** SPEC K7: a database that cannot be reached is "busy, retry" (503), a key taken meanwhile a conflict (409). */
class ProblemDetailsAdviceTest {

    static Stream<Object[]> failures() {
        SQLTransientConnectionException timedOut = new SQLTransientConnectionException("pool: request timed out");
        return Stream.of(
                new Object[] {new CannotGetJdbcConnectionException("no connection", timedOut), 503},
                // What a TransactionTemplate throws when its transaction cannot get a connection.
                new Object[] {new CannotCreateTransactionException("could not open JDBC connection", timedOut), 503},
                new Object[] {new DuplicateKeyException("duplicate key value violates unique constraint"), 409},
                new Object[] {new IllegalStateException("a bug"), 500});
    }

    @ParameterizedTest
    @MethodSource("failures")
    void each_failure_gets_its_status(Exception failure, int status) throws Exception {
        ProblemDetailsAdvice advice = new ProblemDetailsAdvice();
        Method handler = new ExceptionHandlerMethodResolver(ProblemDetailsAdvice.class).resolveMethod(failure);
        Object[] args = Stream.of(handler.getParameterTypes())
                .map(type -> type.isInstance(failure)
                        ? failure
                        : type == HttpServletResponse.class
                                ? new MockHttpServletResponse()
                                : new MockHttpServletRequest("GET", "/x"))
                .toArray();
        var answer = (org.springframework.http.ResponseEntity<?>) handler.invoke(advice, args);
        assertThat(answer.getStatusCode().value()).isEqualTo(status);
    }

    @Test
    void a_caller_that_closed_its_connection_is_no_incident_and_gets_no_answer() throws Exception {
        ProblemDetailsAdvice advice = new ProblemDetailsAdvice();
        Exception hungUp = new AsyncRequestNotUsableException(
                "ServletOutputStream failed to flush", new ClientAbortException("Connection reset by peer"));
        MockHttpServletResponse response = new MockHttpServletResponse();

        assertThat(advice.unexpected(
                        hungUp, new MockHttpServletRequest("POST", "/mock/supplier/submit-batch"), response))
                .isNull();
        assertThat(response.getStatus()).as("recorded as the client's doing").isEqualTo(499);
        assertThat(advice.unexpected(
                        new IllegalStateException("wrapped", new ClientAbortException()),
                        new MockHttpServletRequest("GET", "/x"),
                        new MockHttpServletResponse()))
                .isNull();
        assertThat(advice.unexpected(
                                new IllegalStateException("a bug"),
                                new MockHttpServletRequest("GET", "/x"),
                                new MockHttpServletResponse())
                        .getStatusCode()
                        .value())
                .isEqualTo(500);
    }
}
