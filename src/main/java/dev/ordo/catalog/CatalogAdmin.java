package dev.ordo.catalog;

import dev.ordo.catalog.CatalogEntries.DownChannel;
import dev.ordo.catalog.CatalogEntries.DownProduct;
import dev.ordo.catalog.CatalogEntries.DownShelf;
import dev.ordo.catalog.CatalogEntries.ErrorCodeEntry;
import dev.ordo.catalog.CatalogEntries.ProductLine;
import dev.ordo.catalog.CatalogEntries.UpChannel;
import dev.ordo.catalog.CatalogEntries.UpProduct;
import dev.ordo.catalog.CatalogEntries.UpShelf;
import java.util.List;

/**
 * Changes to the catalog. Every save validates the entry and its references and refuses with a 4xx
 * listing every problem; an id left out is assigned (never one that exists). {@code save} creates or
 * replaces the entry of its id — with a {@code version}, only the entry still at that version (409
 * otherwise, nothing changed); {@code create} refuses an id that exists. Every save answers the entry
 * at its new version. A downstream product can only be active when
 * an active upstream product can deliver it (its line, carrier, region and piece face).
 */
public interface CatalogAdmin {

    List<ProductLine> lines();

    ProductLine save(ProductLine line);

    /** Like save, but an id given must be new (409 when it exists). */
    ProductLine create(ProductLine line);

    List<DownChannel> downChannels();

    DownChannel save(DownChannel channel);

    List<DownShelf> downShelves();

    DownShelf save(DownShelf shelf);

    /** Like save, but an id given must be new (409 when it exists). */
    DownShelf create(DownShelf shelf);

    /** Downstream products with whether each can be sold now, and why not. */
    List<SellableProduct> downProducts();

    record SellableProduct(DownProduct product, boolean sellable, String reason) {}

    DownProduct save(DownProduct product);

    /** Like save, but an id given must be new (409 when it exists). */
    DownProduct create(DownProduct product);

    List<UpChannel> upChannels();

    UpChannel save(UpChannel channel);

    List<UpShelf> upShelves();

    UpShelf save(UpShelf shelf);

    /** Like save, but an id given must be new (409 when it exists). */
    UpShelf create(UpShelf shelf);

    List<UpProduct> upProducts();

    UpProduct save(UpProduct product);

    /** Like save, but an id given must be new (409 when it exists). */
    UpProduct create(UpProduct product);

    List<ErrorCodeEntry> errorCodes();

    ErrorCodeEntry save(ErrorCodeEntry entry);
}
