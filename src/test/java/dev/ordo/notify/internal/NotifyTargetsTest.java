package dev.ordo.notify.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ordo.shared.OrdoException;
import java.net.UnknownHostException;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SPEC K5: notifications go to http(s) targets that are not loopback, link-local or private. */
class NotifyTargetsTest {

    private final NotifyTargets strict = new NotifyTargets(false, Set.of());

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ftp://example.com/x",
                "file:///etc/passwd",
                "javascript:alert(1)",
                "http://",
                "example.com",
                "http://user:pass@example.com/",
                "http://127.0.0.1/x",
                "http://127.1.2.3/x",
                "http://10.1.2.3/x",
                "http://192.168.0.1/x",
                "http://172.16.5.4/x",
                "http://169.254.169.254/latest",
                "http://0.0.0.0/",
                "http://100.64.0.1/",
                "http://[::1]/x",
                "http://[fe80::1]/x",
                "http://[fd00::1]/x",
                "http://[::ffff:127.0.0.1]/x",
                "http://[::ffff:10.0.0.1]/x",
                "http://2130706433/x",
                "http://017700000001/x",
                "http://[::]/x",
                "http://localhost/x",
                "http://LOCALHOST:8080/x",
                "http://localhost./x",
                "http://api.localhost/x",
                "http://ip6-localhost/x"
            })
    void unacceptable_targets_are_refused(String url) {
        assertThatThrownBy(() -> strict.check(url)).isInstanceOf(OrdoException.class);
    }

    @Test
    void public_targets_pass_and_allowed_hosts_may_be_private() throws Exception {
        assertThatCode(() -> strict.check("https://example.com/notify?a=1")).doesNotThrowAnyException();
        assertThatCode(() -> strict.check("http://93.184.216.34:8080/x")).doesNotThrowAnyException();
        NotifyTargets lab = new NotifyTargets(false, Set.of("127.0.0.1"));
        assertThatCode(() -> lab.check("http://127.0.0.1:9000/x")).doesNotThrowAnyException();
        assertThatCode(() -> new NotifyTargets(false, Set.of("localhost")).check("http://localhost:9000/x"))
                .doesNotThrowAnyException();
        assertThatCode(() -> strict.check("http://localhost-shop.example/x")).doesNotThrowAnyException();
        assertThat(lab.resolve("127.0.0.1")).isNotEmpty();
        assertThatThrownBy(() -> strict.resolve("localhost")).isInstanceOf(NotifyTargets.RefusedTarget.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "0x7f000001", "127.1", "[::1]"})
    void names_and_spellings_that_reach_a_private_address_are_refused_when_resolved(String host) {
        assertThatThrownBy(() -> strict.resolve(host)).isInstanceOf(UnknownHostException.class);
    }
}
