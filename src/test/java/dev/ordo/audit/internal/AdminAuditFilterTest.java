package dev.ordo.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.audit.AuditEntry;
import dev.ordo.shared.Masking;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Which names the audit trail masks: those with a word that begins or ends with a secret word (a few
 * harmless ones too, such as keyboard), not those where it only sits inside one (legacy_unsigned).
 */
class AdminAuditFilterTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "secret",
                "supplier_secret",
                "SECRET",
                "apiKey",
                "api-key",
                "api_key",
                "sign",
                "signKey",
                "X-Signature",
                "password",
                "admin_token",
                "accessToken",
                "client.credentials",
                "appkey",
                "appsecret",
                "accesskey",
                "secretkey",
                "signkey",
                "accesstoken",
                "clientsecret",
                "md5key",
                "APISecret",
                "app%5Fkey",
                "keyboard",
                "tokens_left"
            })
    void a_name_with_a_secret_word_is_masked(String name) {
        assertThat(Masking.secretName(name)).isTrue();
        assertThat(Masking.params("a=1&" + name + "=hidden&b=2")).isEqualTo("a=1&" + name + "=***&b=2");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"legacy_unsigned", "channel_no", "notify_url", "request_no", "order_id", "amount", "eid", "name"
            })
    void a_name_that_only_contains_the_letters_of_one_is_kept(String name) {
        assertThat(Masking.secretName(name)).isFalse();
        assertThat(Masking.params(name + "=0")).isEqualTo(name + "=0");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "?sign=abc&n=1",
                "sign=abc&n=1",
                "n=1&sign=abc",
                "redirect=https://x/cb?token=abc",
                "https://s/api?appkey=abc&appsecret=abc&n=1"
            })
    void a_query_string_keeps_its_shape_with_the_secret_masked(String query) {
        assertThat(Masking.params(query)).isEqualTo(query.replace("abc", "***"));
    }

    @Test
    void a_secrets_value_is_masked_whole_a_question_mark_in_it_included() {
        assertThat(Masking.params("secret=abc?def&n=1")).isEqualTo("secret=***&n=1");
        assertThat(Masking.params("n=1&token=a?b=c")).isEqualTo("n=1&token=***");
        assertThat(Masking.params("sign=")).isEqualTo("sign=***");
    }

    @Test
    void a_line_break_ends_a_secrets_value_as_an_ampersand_does() {
        assertThat(Masking.params("n=1&sign=4f2a\nnum=1&token=t")).isEqualTo("n=1&sign=***\nnum=1&token=***");
    }

    @Test
    void a_json_text_keeps_its_shape_with_the_string_values_of_secret_looking_properties_masked() {
        assertThat(Masking.json("{\"sign\" : \"4f\\\"2a\",\"num\":1,\"a\":[{\"apiKey\":\"k\"}],\"note\":\"sign\"}"))
                .isEqualTo("{\"sign\" : \"***\",\"num\":1,\"a\":[{\"apiKey\":\"***\"}],\"note\":\"sign\"}");
        assertThat(Masking.json("{\"legacy_unsigned\":\"1\",\"secret\":\"\"}"))
                .isEqualTo("{\"legacy_unsigned\":\"1\",\"secret\":\"***\"}");
        assertThat(Masking.json("{\"num\":1,\"secret\":\"s3cr"))
                .as("cut short")
                .isEqualTo("{\"num\":1,\"secret\":\"***");
        assertThat(Masking.json("not json")).isEqualTo("not json");
    }

    @Test
    void a_long_json_text_is_masked_without_exhausting_the_stack() {
        for (String note : new String[] {"a".repeat(200_000), "\\\"".repeat(100_000), " ".repeat(20_000)}) {
            assertThat(Masking.json("{\"note\":\"" + note + "\",\"sign\":\"4f2a\"}"))
                    .endsWith(",\"sign\":\"***\"}");
        }
        assertThat(Masking.json("{\"num\":1," + " ".repeat(20_000))).startsWith("{\"num\":1,");
    }

    @Test
    void a_secret_given_is_masked_and_one_left_out_shows_as_left_out() {
        ObjectNode body = (ObjectNode) JsonMapper.builder()
                .build()
                .readTree("{\"secret\":\"s3cr3t\",\"inner\":{\"app_secret\":null,\"token\":\"\"},\"name\":\"x\"}");

        AdminAuditFilter.mask(body);

        assertThat(body.toString())
                .isEqualTo("{\"secret\":\"***\",\"inner\":{\"app_secret\":null,\"token\":\"\"},\"name\":\"x\"}");
    }

    /** The body an entry was completed with, for a change applied through the filter. */
    private static String auditedBody(MockHttpServletRequest request) throws Exception {
        AtomicReference<String> body = new AtomicReference<>();
        JdbcAudit capturing = new JdbcAudit(null, null) {
            @Override
            long begin(AuditEntry entry) {
                return 1;
            }

            @Override
            void answered(long auditId, String text, int status) {
                body.set(text);
            }
        };
        var filter = new AdminAuditFilter(
                capturing, JsonMapper.builder().build(), Clock.systemUTC(), new SimpleMeterRegistry());
        filter.doFilter(
                request,
                new MockHttpServletResponse(),
                (req, res) -> req.getInputStream().readAllBytes());
        return body.get();
    }

    @Test
    void a_body_longer_than_the_trail_keeps_is_recorded_as_not_json_without_its_secrets() throws Exception {
        var request = new MockHttpServletRequest("PUT", "/admin/catalog/down-channels/ycdown");
        request.setContentType("application/json");
        request.setContent(("{\"secret\":\"s3cr3t\",\"legacy_unsigned\":0," + " ".repeat(20_000) + "\"x\":1}")
                .getBytes(StandardCharsets.UTF_8));

        assertThat(auditedBody(request)).isEqualTo("(not JSON, 16000 bytes)");
    }

    @Test
    void a_body_is_read_in_the_charset_its_request_names() throws Exception {
        var request = new MockHttpServletRequest("PUT", "/admin/catalog/down-channels/ycdown");
        request.setContentType("application/json;charset=UTF-16");
        request.setCharacterEncoding("UTF-16");
        request.setContent("{\"channel_name\":\"中\"}".getBytes(StandardCharsets.UTF_16));

        assertThat(auditedBody(request)).isEqualTo("{\"channel_name\":\"中\"}");
    }

    @Test
    void a_change_whose_audit_entry_cannot_be_written_is_refused_and_not_applied() throws Exception {
        JdbcAudit unwritable = new JdbcAudit(null, null) {
            @Override
            long begin(AuditEntry entry) {
                throw new CannotGetJdbcConnectionException("no connection within 10 s");
            }
        };
        var filter = new AdminAuditFilter(
                unwritable, JsonMapper.builder().build(), Clock.systemUTC(), new SimpleMeterRegistry());
        var request = new MockHttpServletRequest("POST", "/admin/catalog/lines");
        request.setContentType("application/json");
        request.setContent("{\"line_id\":1}".getBytes(StandardCharsets.UTF_8));
        var response = new MockHttpServletResponse();
        AtomicBoolean applied = new AtomicBoolean();

        filter.doFilter(request, response, (req, res) -> applied.set(true));

        assertThat(applied).isFalse();
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getContentType()).startsWith("application/problem+json");
        assertThat(response.getContentAsString()).contains("\"code\":503").contains("audit trail");
    }
}
