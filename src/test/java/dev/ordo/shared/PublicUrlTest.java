package dev.ordo.shared;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** How suppliers reach this node for their callbacks. */
class PublicUrlTest {

    @Test
    void the_configured_url_wins_without_its_trailing_slash() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("ordo.public-url", "https://ordo.example.com/")
                .withProperty("local.server.port", "8600");

        assertThat(new PublicUrl(environment).get()).isEqualTo("https://ordo.example.com");
    }

    @Test
    void otherwise_the_port_the_server_listens_on_once_it_listens() {
        MockEnvironment environment = new MockEnvironment().withProperty("server.port", "0");
        PublicUrl url = new PublicUrl(environment);
        assertThat(url.get()).as("before the server listens").isEqualTo("http://127.0.0.1:0");

        environment.setProperty("local.server.port", "41234");
        assertThat(url.get()).isEqualTo("http://127.0.0.1:41234");

        environment.setProperty("local.server.port", "1");
        assertThat(url.get()).as("kept once known").isEqualTo("http://127.0.0.1:41234");
    }
}
