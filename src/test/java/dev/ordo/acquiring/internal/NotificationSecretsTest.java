package dev.ordo.acquiring.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ordo.catalog.Catalog;
import dev.ordo.notify.Notifications;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Http;
import dev.ordo.testing.Http.Response;
import dev.ordo.testing.Unique;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** A notification is signed with its channel's secret; one for a channel this node does not know yet is not sent unsigned. */
@DatabaseTest
class NotificationSecretsTest {

    @Autowired
    Catalog catalog;

    @LocalServerPort
    int port;

    @Test
    void a_channel_unknown_to_this_nodes_catalog_fails_the_attempt_instead_of_going_unsigned() {
        Notifications.Secrets secrets = AcquiringConfiguration.secrets(catalog);

        assertThatThrownBy(() -> secrets.of("ghost-channel")).hasMessageContaining("not in this node's catalog");
        String channelNo = Unique.id("sec").replace("-", "_");
        Response saved =
                new Http(port).post("/admin/catalog/down-channels", "application/json", """
                        {"channel_no":"%s","channel_name":"x","status":0,"legacy_unsigned":0,"rate_limit":10}""".formatted(channelNo));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> catalog.downChannel(channelNo).isPresent());
        assertThatCode(() -> secrets.of(channelNo)).as("a known channel").doesNotThrowAnyException();
    }
}
