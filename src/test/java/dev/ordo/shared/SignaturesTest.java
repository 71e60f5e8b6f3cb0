package dev.ordo.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The signature of docs/channel-api.md, pinned to a value computed independently (Python hmac). */
class SignaturesTest {

    static Map<String, String> workedExample() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("request_no", "r20261122001");
        p.put("channel_no", "ycdown");
        p.put("line_id", "1");
        p.put("carrier_no", "");
        p.put("invoice_type", "1");
        p.put("num", "1");
        p.put("face", "100");
        p.put("amount", "99");
        p.put("rechage_account", "13800000000");
        p.put("timestamp", "1795300000");
        return p;
    }

    @Test
    void the_canonical_text_sorts_names_and_leaves_out_empty_values_and_the_sign() {
        Map<String, String> p = workedExample();
        p.put("sign", "whatever");
        assertThat(Signatures.canonical(p))
                .isEqualTo("amount=99&channel_no=ycdown&face=100&invoice_type=1&line_id=1"
                        + "&num=1&rechage_account=13800000000&request_no=r20261122001&timestamp=1795300000");
    }

    @Test
    void the_worked_example_of_the_documentation_signs_to_its_documented_value() {
        assertThat(Signatures.sign("0123456789abcdef0123456789abcdef", workedExample()))
                .isEqualTo("ace90c906956088481abbaa1ae698858adc0ee37e1f06a8833b0cd354fe9fd8a");
    }

    @Test
    void verification_accepts_the_right_sign_in_any_case_and_nothing_else() {
        Map<String, String> p = workedExample();
        String secret = "0123456789abcdef0123456789abcdef";
        String sign = Signatures.sign(secret, p);
        assertThat(Signatures.verify(secret, p, sign)).isTrue();
        assertThat(Signatures.verify(secret, p, sign.toUpperCase())).isTrue();
        assertThat(Signatures.verify(secret, p, sign.substring(1))).isFalse();
        assertThat(Signatures.verify("another-secret", p, sign)).isFalse();
        assertThat(Signatures.verify(secret, p, null)).isFalse();
        p.put("num", "2");
        assertThat(Signatures.verify(secret, p, sign)).isFalse();
    }
}
