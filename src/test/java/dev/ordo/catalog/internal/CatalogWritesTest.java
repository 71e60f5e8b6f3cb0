package dev.ordo.catalog.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordo.catalog.CatalogEntries.DownChannel;
import dev.ordo.catalog.CatalogEntries.UpChannel;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Unique;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A channel saved without a secret keeps the secret its row holds when it is written, not the one
 * the save read before: a secret changed in between (another admin rotating it) is not put back.
 */
@DatabaseTest
class CatalogWritesTest {

    @Autowired
    JdbcCatalog catalog;

    @Autowired
    JdbcClient jdbc;

    @Test
    void a_downstream_channel_saved_without_a_secret_leaves_the_rows_secret_as_it_is_then() {
        String channelNo = Unique.id("dsec").replace("-", "_");
        catalog.save(new DownChannel(channelNo, "before", 0, "the-first-secret-1234", 0, 10));
        rotate("oms_down_channel", channelNo, "rotated-meanwhile-5678");

        long version = catalog.save(new DownChannel(channelNo, "renamed", 0, null, 0, 20));

        assertThat(secretOf("oms_down_channel", channelNo)).isEqualTo("rotated-meanwhile-5678");
        assertThat(version).isEqualTo(1);
        assertThat(jdbc.sql("select channel_name from oms_down_channel where channel_no = :c")
                        .param("c", channelNo)
                        .query(String.class)
                        .single())
                .isEqualTo("renamed");
    }

    @Test
    void a_supplier_saved_without_a_secret_leaves_the_rows_secret_as_it_is_then() {
        String channelNo = Unique.id("usec").replace("-", "_");
        UpChannel supplier = new UpChannel(
                channelNo,
                "supplier",
                0,
                10,
                "reference-http",
                "http://127.0.0.1:1/submit",
                null,
                null,
                null,
                1,
                1,
                1,
                5,
                2000,
                "the-first-secret-1234");
        catalog.save(supplier);
        rotate("oms_up_channel", channelNo, "rotated-meanwhile-5678");

        catalog.save(supplier.withSecret(null));

        assertThat(secretOf("oms_up_channel", channelNo)).isEqualTo("rotated-meanwhile-5678");
    }

    private void rotate(String table, String channelNo, String secret) {
        jdbc.sql("update " + table + " set secret = :s where channel_no = :c")
                .param("s", secret)
                .param("c", channelNo)
                .update();
    }

    private String secretOf(String table, String channelNo) {
        return jdbc.sql("select secret from " + table + " where channel_no = :c")
                .param("c", channelNo)
                .query(String.class)
                .single();
    }
}
