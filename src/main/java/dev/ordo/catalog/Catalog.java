package dev.ordo.catalog;

import dev.ordo.catalog.CatalogEntries.DownChannel;
import dev.ordo.catalog.CatalogEntries.DownProduct;
import dev.ordo.catalog.CatalogEntries.DownShelf;
import dev.ordo.catalog.CatalogEntries.ProductLine;
import dev.ordo.catalog.CatalogEntries.UpChannel;
import dev.ordo.catalog.CatalogEntries.UpProduct;
import dev.ordo.catalog.CatalogEntries.UpShelf;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The catalog as the order flow reads it: a snapshot held in memory and reloaded after every admin
 * change on this node; changes made on other nodes are seen within {@code ordo.catalog.refresh} (5 s).
 */
public interface Catalog {

    /**
     * Makes sure what is read next was read from the database at or after {@code since} (or now,
     * when that is earlier), reading it again if not: for a caller about to act on an entry missing
     * from this node's snapshot, which another node may have created just before {@code since}.
     */
    void readSince(Instant since);

    Optional<ProductLine> line(long lineId);

    Optional<DownChannel> downChannel(String channelNo);

    /**
     * The active products a channel sells for a request, on an active shelf of an active channel:
     * line, carrier and face equal, province and city equal or {@code *} on the product, invoice
     * types compatible; the most specific first, then the lowest id. Every match is listed, so that
     * a caller who finds the most specific one undeliverable can fall back to a wider one.
     */
    List<Offer> offers(OfferQuery query);

    record OfferQuery(
            String channelNo,
            long lineId,
            String carrierNo,
            String provinceNo,
            String cityNo,
            int invoiceType,
            long face) {}

    record Offer(DownProduct product, DownShelf shelf) {}

    Optional<DownProduct> downProduct(long productId);

    Optional<DownShelf> downShelf(long shelfId);

    /**
     * Every upstream product that could deliver a piece, usable ones first and cheapest first among
     * them, each with the reason it can or cannot be used (what a bind decision records).
     */
    List<SupplyOption> supply(SupplyQuery query);

    record SupplyQuery(
            long lineId, String carrierNo, String provinceNo, String cityNo, int invoiceType, long pieceFace) {}

    record SupplyOption(UpProduct product, UpShelf shelf, UpChannel supplier, boolean usable, String reason) {}

    Optional<UpChannel> supplier(String channelNo);

    Optional<UpProduct> upProduct(long productId);

    Optional<UpShelf> upShelf(long shelfId);

    /** What a supplier's answer code means: 0 success, 10 failure, 90 unknown (also for codes not configured). */
    int dealCode(String supplierNo, int serviceClass, String errorCode);

    /** Deal codes. */
    int SUCCESS = 0;

    int FAILURE = 10;

    int UNKNOWN = 90;
}
