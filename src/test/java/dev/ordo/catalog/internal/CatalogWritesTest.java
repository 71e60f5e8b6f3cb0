package dev.ordo.catalog.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ordo.catalog.CatalogEntries.DownChannel;
import dev.ordo.catalog.CatalogEntries.UpChannel;
import dev.ordo.shared.ErrorCode;
import dev.ordo.shared.OrdoException;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Unique;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A channel saved without a secret keeps the secret its row holds: never one the save read before
 * and put back over a newer one, and, for a downstream channel, only the one the save was validated
 * with (a signed channel's secret must be long enough; another admin may have changed it since).
 */
@DatabaseTest
class CatalogWritesTest {

    @Autowired
    JdbcCatalog catalog;

    @Autowired
    JdbcClient jdbc;

    @Test
    void a_downstream_channel_saved_without_a_secret_keeps_the_one_it_was_validated_with() {
        String channelNo = Unique.id("dsec").replace("-", "_");
        DownChannel created = new DownChannel(channelNo, "before", 0, "the-first-secret-1234", 0, 10);
        catalog.save(created, null);

        long version = catalog.save(new DownChannel(channelNo, "renamed", 0, null, 0, 20), created);

        assertThat(version).isEqualTo(1);
        assertThat(secretOf("oms_down_channel", channelNo)).isEqualTo("the-first-secret-1234");
        assertThat(nameOf(channelNo)).isEqualTo("renamed");
    }

    @Test
    void a_downstream_channel_whose_secret_changed_after_the_save_read_it_is_a_conflict_and_changes_nothing() {
        String channelNo = Unique.id("dsec").replace("-", "_");
        DownChannel created = new DownChannel(channelNo, "before", 0, "the-first-secret-1234", 0, 10);
        catalog.save(created, null);
        // Another admin makes it unsigned with a secret a signed channel may not have, after this save
        // read the channel and validated it as signed with the first secret.
        rotate("oms_down_channel", channelNo, "abc");

        assertThatThrownBy(() -> catalog.save(new DownChannel(channelNo, "renamed", 0, null, 0, 20), created))
                .isInstanceOfSatisfying(
                        OrdoException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CONFLICT))
                .hasMessageContaining("secret");

        assertThat(secretOf("oms_down_channel", channelNo)).isEqualTo("abc");
        assertThat(nameOf(channelNo)).isEqualTo("before");
    }

    @Test
    void a_new_downstream_channel_saved_without_a_secret_is_created() {
        String channelNo = Unique.id("dsec").replace("-", "_");

        assertThat(catalog.save(new DownChannel(channelNo, "legacy", 0, null, 1, 10), null))
                .isZero();

        assertThat(nameOf(channelNo)).isEqualTo("legacy");
        assertThat(secretOf("oms_down_channel", channelNo)).isNull();
    }

    private String nameOf(String channelNo) {
        return jdbc.sql("select channel_name from oms_down_channel where channel_no = :c")
                .param("c", channelNo)
                .query(String.class)
                .single();
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
                .query((rs, n) -> rs.getString(1))
                .list()
                .getFirst();
    }
}
