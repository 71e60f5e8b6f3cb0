package dev.ordo.catalog.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ordo.catalog.CatalogEntries.DownChannel;
import dev.ordo.shared.Ids;
import dev.ordo.supplier.Suppliers;
import dev.ordo.testing.DatabaseTest;
import dev.ordo.testing.Unique;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The catalog a node reads is at most {@code ordo.catalog.refresh} behind the changes other nodes
 * made, however long the node was idle, and a caller about to fail an order on a missing entry gets
 * a catalog read after the order was accepted.
 */
@DatabaseTest
class CatalogFreshnessTest {

    @Autowired
    JdbcCatalog jdbc;

    @Autowired
    Ids ids;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    Suppliers suppliers;

    /** A node of its own, reading the shared database with {@code refresh}. */
    private DefaultCatalog node(Duration refresh) {
        return new DefaultCatalog(jdbc, ids, tx, suppliers, Clock.systemUTC(), event -> {}, refresh);
    }

    /** A channel created as another node creates it: written, nothing invalidated here. */
    private String createdElsewhere() {
        String channelNo = Unique.id("fresh").replace("-", "_");
        jdbc.save(new DownChannel(channelNo, "elsewhere", 0, "a-secret-of-sixteen-chars", 0, 10), null);
        return channelNo;
    }

    @Test
    void a_node_idle_for_longer_than_the_refresh_period_reads_other_nodes_changes_at_its_first_read() {
        DefaultCatalog idle = node(Duration.ofMillis(300));
        assertThat(idle.downChannel("none")).isEmpty(); // the snapshot is loaded
        String channelNo = createdElsewhere();

        await().pollDelay(Duration.ofMillis(700)).until(() -> true);

        assertThat(idle.downChannel(channelNo))
                .as("the very first read after the idle time")
                .isPresent();
    }

    @Test
    void a_caller_missing_an_entry_another_node_created_just_before_gets_a_catalog_read_after_it() {
        DefaultCatalog node = node(Duration.ofHours(1));
        assertThat(node.downChannel("none")).isEmpty(); // the snapshot is read now
        String later = createdElsewhere();
        Instant acceptedThere = Instant.now();
        assertThat(node.downChannel(later)).as("an hour's snapshot").isEmpty();

        node.readSince(acceptedThere);

        assertThat(node.downChannel(later)).isPresent();
        String another = createdElsewhere();
        node.readSince(acceptedThere);
        assertThat(node.downChannel(another))
                .as("read after acceptedThere already: not again")
                .isEmpty();
    }

    @Test
    void a_refresh_period_below_ten_milliseconds_is_refused() {
        assertThatThrownBy(() -> node(Duration.ofNanos(1))).hasMessageContaining("ordo.catalog.refresh");
    }
}
