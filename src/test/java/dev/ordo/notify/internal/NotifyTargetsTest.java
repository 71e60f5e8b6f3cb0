package dev.ordo.notify.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ordo.shared.OrdoException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
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
                "http://0.1.2.3/",
                "http://192.0.0.170/",
                "http://198.18.0.1/",
                "http://240.0.0.1/",
                "http://255.255.255.255/",
                "http://224.0.0.1/",
                "http://[::127.0.0.1]/x",
                "http://[64:ff9b::a00:1]/x",
                "http://[2002:7f00:1::1]/x",
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

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3.4.5", "999.1.1.1", "93.184.216.034", "93.184.216", "1..2.3", "2130706433"})
    void a_host_of_digits_and_dots_that_is_not_four_numbers_up_to_255_is_refused_as_an_invalid_address(String host) {
        // Never handed to a resolver, nor read as an address in one of the old spellings (127.1);
        // java.net.URI already finds no host in some.
        assertThatThrownBy(() -> strict.check("http://" + host + "/x"))
                .isInstanceOf(OrdoException.class)
                .hasMessageMatching(".*(invalid address|must name a host).*");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com:0/x", "http://example.com:65536/x", "https://example.com:70000/x"})
    void a_port_no_connection_can_be_made_to_is_refused_when_the_url_is_given(String url) {
        assertThatThrownBy(() -> strict.check(url))
                .isInstanceOf(OrdoException.class)
                .hasMessageContaining("invalid port");
        assertThatCode(() -> strict.check("http://example.com:65535/x")).doesNotThrowAnyException();
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
    @ValueSource(
            strings = {
                "00000000000000000000ffff7f000001", // ::ffff:127.0.0.1
                "00000000000000000000ffffa9fea9fe", // ::ffff:169.254.169.254, the cloud's metadata service
                "0064ff9b00000000000000000a000001", // 64:ff9b::10.0.0.1, NAT64
                "0064ff9b00010a000001000000000000", // 64:ff9b:1:a00:1::, local-use NAT64 /48 to 10.0.0.1
                "0000000000000000ffff00000a000001", // ::ffff:0:10.0.0.1, SIIT's translated form
                "2002c0a8000100000000000000000001", // 2002:c0a8:1::1, 6to4 of 192.168.0.1
                "000000000000000000000000ac100001" // ::172.16.0.1, IPv4-compatible
            })
    void a_name_whose_ipv6_address_carries_a_private_ipv4_address_is_refused_when_resolved(String hex) {
        NotifyTargets rebinding = new NotifyTargets(false, Set.of(), host -> new InetAddress[] {
            Inet6Address.getByAddress(host, HexFormat.of().parseHex(hex), -1)
        });

        assertThatThrownBy(() -> rebinding.resolve("evil.example")).isInstanceOf(NotifyTargets.RefusedTarget.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "00000000000000000000ffff5db8d822", // ::ffff:93.184.216.34
                "26062800022000010248189325c81946" // a public IPv6 address
            })
    void a_name_whose_ipv6_address_is_public_is_accepted(String hex) throws Exception {
        NotifyTargets dns = new NotifyTargets(false, Set.of(), host -> new InetAddress[] {
            Inet6Address.getByAddress(host, HexFormat.of().parseHex(hex), -1)
        });

        assertThat(dns.resolve("shop.example")).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "0x7f000001", "127.1", "[::1]"})
    void names_and_spellings_that_reach_a_private_address_are_refused_when_resolved(String host) {
        assertThatThrownBy(() -> strict.resolve(host)).isInstanceOf(UnknownHostException.class);
    }
}
