package dev.ordo.catalog.internal;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.ordo.catalog.Catalog;
import dev.ordo.catalog.CatalogAdmin;
import dev.ordo.catalog.CatalogEntries;
import dev.ordo.catalog.CatalogEntries.DownChannel;
import dev.ordo.catalog.CatalogEntries.DownProduct;
import dev.ordo.catalog.CatalogEntries.DownShelf;
import dev.ordo.catalog.CatalogEntries.ErrorCodeEntry;
import dev.ordo.catalog.CatalogEntries.ProductLine;
import dev.ordo.catalog.CatalogEntries.UpChannel;
import dev.ordo.catalog.CatalogEntries.UpProduct;
import dev.ordo.catalog.CatalogEntries.UpShelf;
import dev.ordo.catalog.ChannelSaved;
import dev.ordo.catalog.Flag;
import dev.ordo.shared.ErrorCode;
import dev.ordo.shared.Ids;
import dev.ordo.shared.OrdoException;
import dev.ordo.supplier.Suppliers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The catalog: reads from a cached snapshot, writes validated through {@link JdbcCatalog}. */
@Service
class DefaultCatalog implements Catalog, CatalogAdmin {

    private final JdbcCatalog jdbc;
    private final Ids ids;
    private final TransactionTemplate tx;
    private final Suppliers suppliers;
    private final LoadingCache<String, Loaded> snapshot;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final Object reloading = new Object();

    /** The catalog as read, and when its reading began (by this node's clock). */
    private record Loaded(CatalogSnapshot catalog, Instant readFrom) {}

    private static final String KEY = "catalog";

    DefaultCatalog(
            JdbcCatalog jdbc,
            Ids ids,
            TransactionTemplate tx,
            Suppliers suppliers,
            Clock clock,
            ApplicationEventPublisher events,
            @Value("${ordo.catalog.refresh:5s}") Duration refresh) {
        if (refresh.compareTo(Duration.ofMillis(10)) < 0) {
            throw new IllegalArgumentException("ordo.catalog.refresh must be at least 10ms, not " + refresh);
        }
        this.jdbc = jdbc;
        this.ids = ids;
        this.tx = tx;
        this.suppliers = suppliers;
        this.clock = clock;
        this.events = events;
        // Reloaded in the background when read after half the period, and never served older than
        // the period: a node that was idle for an hour does not answer its first reads from an
        // hour-old snapshot (refresh alone hands back the old one while it reloads).
        this.snapshot = Caffeine.newBuilder()
                // Reloads in the background on every machine (Caffeine's default, the common pool,
                // may run them on the reading thread where it has a single worker).
                .executor(task -> Thread.ofVirtual().name("catalog-reload").start(task))
                .refreshAfterWrite(refresh.dividedBy(2))
                .expireAfterWrite(refresh)
                .build(key -> {
                    Instant from = clock.instant();
                    return new Loaded(jdbc.load(), from);
                });
    }

    @Override
    public void readSince(Instant since) {
        Instant now = clock.instant();
        Instant wanted = since.isAfter(now) ? now : since;
        if (!snapshot.get(KEY).readFrom().isBefore(wanted)) {
            return;
        }
        synchronized (reloading) { // one reload for the callers waiting on it
            if (snapshot.get(KEY).readFrom().isBefore(wanted)) {
                snapshot.invalidate(KEY); // waits for a load under way, and discards a refresh
                snapshot.get(KEY);
            }
        }
    }

    private CatalogSnapshot now() {
        return snapshot.get(KEY).catalog();
    }

    // ---- reads ----

    @Override
    public Optional<ProductLine> line(long lineId) {
        return Optional.ofNullable(now().lines().get(lineId));
    }

    @Override
    public Optional<DownChannel> downChannel(String channelNo) {
        return Optional.ofNullable(now().downChannels().get(channelNo));
    }

    @Override
    public List<Offer> offers(OfferQuery query) {
        return now().offers(query);
    }

    @Override
    public Optional<DownProduct> downProduct(long productId) {
        return Optional.ofNullable(now().downProducts().get(productId));
    }

    @Override
    public Optional<DownShelf> downShelf(long shelfId) {
        return Optional.ofNullable(now().downShelves().get(shelfId));
    }

    @Override
    public List<SupplyOption> supply(SupplyQuery query) {
        return now().supply(query);
    }

    @Override
    public Optional<UpChannel> supplier(String channelNo) {
        return Optional.ofNullable(now().upChannels().get(channelNo));
    }

    @Override
    public Optional<UpProduct> upProduct(long productId) {
        return Optional.ofNullable(now().upProducts().get(productId));
    }

    @Override
    public Optional<UpShelf> upShelf(long shelfId) {
        return Optional.ofNullable(now().upShelves().get(shelfId));
    }

    @Override
    public int dealCode(String supplierNo, int serviceClass, String errorCode) {
        ErrorCodeEntry entry = now().errorCodes().get(CatalogSnapshot.errorKey(supplierNo, serviceClass, errorCode));
        return entry == null ? UNKNOWN : entry.dealCode();
    }

    // ---- admin ----

    private <T> T saved(List<String> problems, Supplier<T> save) {
        if (!problems.isEmpty()) {
            throw OrdoException.badParameter(String.join("; ", problems));
        }
        T result = inTransaction(save);
        snapshot.invalidate(KEY);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            // Saved in the caller's transaction: what was read meanwhile predates its commit.
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    snapshot.invalidate(KEY);
                }
            });
        }
        return result;
    }

    /** A create naming an id that exists is a conflict: PUT replaces. */
    private static void refuseExisting(boolean create, Long id, Map<Long, ?> existing, String what, String path) {
        if (create && id != null && existing.containsKey(id)) {
            throw new OrdoException(
                    ErrorCode.CONFLICT,
                    what + " " + id + " exists; PUT /admin/catalog/" + path + "/" + id + " replaces it");
        }
    }

    /**
     * Runs the save in a transaction of its own, again when it lost a deadlock: on MySQL two saves of
     * one new key (an update finding nothing, then an insert) deadlock on the gap they both locked, and
     * the one run again finds the other's row. In a caller's transaction it runs once, in it.
     */
    private <T> T inTransaction(Supplier<T> save) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            return tx.execute(status -> save.get());
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return tx.execute(status -> save.get());
            } catch (PessimisticLockingFailureException deadlock) {
                if (attempt == 3) {
                    throw deadlock;
                }
            }
        }
    }

    /**
     * A new id from the catalog's sequence, past any an admin chose: ids given in a create or a PUT
     * may lie ahead of the sequence.
     */
    private long freshId(Set<Long> taken) {
        long id = ids.next("oms_catalog");
        while (taken.contains(id)) {
            id = ids.next("oms_catalog");
        }
        return id;
    }

    private static <T, K extends Comparable<K>> List<T> sorted(Iterable<T> values, Function<T, K> key) {
        List<T> list = new ArrayList<>();
        values.forEach(list::add);
        list.sort(Comparator.comparing(key));
        return list;
    }

    private static void require(boolean condition, String problem, List<String> problems) {
        if (!condition) {
            problems.add(problem);
        }
    }

    @Override
    public List<ProductLine> lines() {
        return sorted(jdbc.load().lines().values(), ProductLine::lineId);
    }

    @Override
    public ProductLine save(ProductLine line) {
        return save(line, false);
    }

    @Override
    public ProductLine create(ProductLine line) {
        return save(line, true);
    }

    private ProductLine save(ProductLine line, boolean create) {
        refuseExisting(create, line.lineId(), jdbc.load().lines(), "line", "lines");
        ProductLine withId =
                line.lineId() == null ? line.withId(freshId(jdbc.load().lines().keySet())) : line;
        return saved(withId.problems(), () -> {
            return withId.withVersion(jdbc.save(withId, create || line.lineId() == null));
        });
    }

    @Override
    public List<DownChannel> downChannels() {
        return sorted(jdbc.load().downChannels().values(), DownChannel::channelNo).stream()
                .map(DownChannel::withoutSecret)
                .toList();
    }

    @Override
    public DownChannel save(DownChannel channel) {
        DownChannel kept = channel;
        DownChannel read = null;
        if (channel.secret() == null && channel.channelNo() != null) {
            // Saving without a secret keeps the one the channel has.
            read = jdbc.load().downChannels().get(channel.channelNo());
            if (read != null) {
                kept = channel.withSecret(read.secret());
            }
        }
        // Validated with the secret it keeps; written without it, and only while the row still holds
        // that secret: a secret changed since it was read here is neither put back nor kept unchecked.
        DownChannel validatedWith = read;
        List<String> problems = kept.problems();
        CatalogEntries.givenSecret(channel.secret(), problems);
        return saved(problems, () -> {
            DownChannel saved =
                    channel.withVersion(jdbc.save(channel, validatedWith)).withoutSecret();
            events.publishEvent(new ChannelSaved(false, saved.channelNo(), saved.channelName()));
            return saved;
        });
    }

    @Override
    public List<DownShelf> downShelves() {
        return sorted(jdbc.load().downShelves().values(), DownShelf::shelfId);
    }

    @Override
    public DownShelf save(DownShelf shelf) {
        return save(shelf, false);
    }

    @Override
    public DownShelf create(DownShelf shelf) {
        return save(shelf, true);
    }

    private DownShelf save(DownShelf shelf, boolean create) {
        refuseExisting(create, shelf.shelfId(), jdbc.load().downShelves(), "downstream shelf", "down-shelves");
        DownShelf withId = shelf.shelfId() == null
                ? shelf.withId(freshId(jdbc.load().downShelves().keySet()))
                : shelf;
        List<String> problems = withId.problems();
        require(
                known(jdbc.load().downChannels(), withId.channelNo()),
                "no downstream channel " + withId.channelNo(),
                problems);
        return saved(problems, () -> {
            if (Flag.yes(withId.status())) {
                // Enabled again, or moved to another channel: its active products must not become
                // twins of products active meanwhile (the product save checked only active shelves).
                jdbc.activeTwinsOnShelf(withId.shelfId(), withId.channelNo()).ifPresent(twins -> {
                    throw new OrdoException(
                            ErrorCode.CONFLICT,
                            "downstream products " + twins[0] + " and " + twins[1] + " would both be active on channel "
                                    + withId.channelNo() + " for the same line, carrier, region, face and invoice"
                                    + " type; disable one of them first, or save this shelf disabled");
                });
            }
            return withId.withVersion(jdbc.save(withId, create || shelf.shelfId() == null));
        });
    }

    @Override
    public List<SellableProduct> downProducts() {
        CatalogSnapshot current = jdbc.load();
        return sorted(current.downProducts().values(), DownProduct::productId).stream()
                .map(p -> {
                    String reason = Flag.yes(p.status()) ? current.unsellableReason(p) : "disabled";
                    return new SellableProduct(p, reason == null, reason == null ? "sellable" : reason);
                })
                .toList();
    }

    @Override
    public DownProduct save(DownProduct product) {
        return save(product, false);
    }

    @Override
    public DownProduct create(DownProduct product) {
        return save(product, true);
    }

    private DownProduct save(DownProduct product, boolean create) {
        refuseExisting(create, product.productId(), jdbc.load().downProducts(), "downstream product", "down-products");
        DownProduct p = product.productId() == null
                ? product.withId(freshId(jdbc.load().downProducts().keySet()))
                : product;
        List<String> problems = p.problems();
        CatalogSnapshot current = jdbc.load();
        require(known(current.downShelves(), p.shelfId()), "no downstream shelf " + p.shelfId(), problems);
        require(known(current.lines(), p.lineId()), "no product line " + p.lineId(), problems);
        if (problems.isEmpty() && Flag.yes(p.status())) {
            String reason = current.unsellableReason(p);
            if (reason != null) {
                throw new OrdoException(ErrorCode.OPERATION_FAILED, "the product cannot be active: " + reason);
            }
        }
        return saved(problems, () -> {
            if (Flag.yes(p.status())) {
                String channelNo = current.downShelves().get(p.shelfId()).channelNo();
                jdbc.activeTwin(p, channelNo).ifPresent(twin -> {
                    throw new OrdoException(
                            ErrorCode.CONFLICT,
                            "downstream product " + twin + " of channel " + channelNo
                                    + " is active for the same line, carrier, region, face and invoice type;"
                                    + " disable it first, or save this one disabled");
                });
            }
            return p.withVersion(jdbc.save(p, create || product.productId() == null));
        });
    }

    @Override
    public List<UpChannel> upChannels() {
        return sorted(jdbc.load().upChannels().values(), UpChannel::channelNo).stream()
                .map(UpChannel::withoutSecret)
                .toList();
    }

    @Override
    public UpChannel save(UpChannel channel) {
        UpChannel kept = channel;
        if (channel.secret() == null && channel.channelNo() != null) {
            UpChannel existing = jdbc.load().upChannels().get(channel.channelNo());
            if (existing != null) {
                kept = channel.withSecret(existing.secret());
            }
        }
        List<String> problems = kept.problems();
        CatalogEntries.givenSecret(channel.secret(), problems);
        require(
                channel.protocol() == null || suppliers.protocols().contains(channel.protocol()),
                "protocol must be one of " + new TreeSet<>(suppliers.protocols()),
                problems);
        // As for downstream channels: written without a secret it was not given.
        return saved(problems, () -> {
            UpChannel saved = channel.withVersion(jdbc.save(channel)).withoutSecret();
            events.publishEvent(new ChannelSaved(true, saved.channelNo(), saved.channelName()));
            return saved;
        });
    }

    @Override
    public List<UpShelf> upShelves() {
        return sorted(jdbc.load().upShelves().values(), UpShelf::shelfId);
    }

    @Override
    public UpShelf save(UpShelf shelf) {
        return save(shelf, false);
    }

    @Override
    public UpShelf create(UpShelf shelf) {
        return save(shelf, true);
    }

    private UpShelf save(UpShelf shelf, boolean create) {
        refuseExisting(create, shelf.shelfId(), jdbc.load().upShelves(), "upstream shelf", "up-shelves");
        UpShelf withId = shelf.shelfId() == null
                ? shelf.withId(freshId(jdbc.load().upShelves().keySet()))
                : shelf;
        List<String> problems = withId.problems();
        require(
                known(jdbc.load().upChannels(), withId.channelNo()),
                "no upstream channel " + withId.channelNo(),
                problems);
        return saved(problems, () -> {
            return withId.withVersion(jdbc.save(withId, create || shelf.shelfId() == null));
        });
    }

    @Override
    public List<UpProduct> upProducts() {
        return sorted(jdbc.load().upProducts().values(), UpProduct::productId);
    }

    @Override
    public UpProduct save(UpProduct product) {
        return save(product, false);
    }

    @Override
    public UpProduct create(UpProduct product) {
        return save(product, true);
    }

    private UpProduct save(UpProduct product, boolean create) {
        refuseExisting(create, product.productId(), jdbc.load().upProducts(), "upstream product", "up-products");
        UpProduct p = product.productId() == null
                ? product.withId(freshId(jdbc.load().upProducts().keySet()))
                : product;
        List<String> problems = p.problems();
        CatalogSnapshot current = jdbc.load();
        require(known(current.upShelves(), p.shelfId()), "no upstream shelf " + p.shelfId(), problems);
        require(known(current.lines(), p.lineId()), "no product line " + p.lineId(), problems);
        return saved(problems, () -> {
            return p.withVersion(jdbc.save(p, create || product.productId() == null));
        });
    }

    @Override
    public List<ErrorCodeEntry> errorCodes() {
        return sorted(jdbc.load().errorCodes().values(), e -> e.channelNo() + "|" + e.errorCode());
    }

    @Override
    public ErrorCodeEntry save(ErrorCodeEntry entry) {
        List<String> problems = entry.problems();
        require(
                known(jdbc.load().upChannels(), entry.channelNo()),
                "no upstream channel " + entry.channelNo(),
                problems);
        return saved(problems, () -> {
            jdbc.save(entry);
            return entry;
        });
    }

    /**
     * A key left out, which the entry's own checks report as missing, or one found (the catalog's
     * maps refuse to be asked for a null key).
     */
    private static boolean known(Map<?, ?> entries, Object key) {
        return key == null || entries.containsKey(key);
    }
}
