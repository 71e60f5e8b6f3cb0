package dev.ordo.catalog.web;

import dev.ordo.catalog.CatalogAdmin;
import dev.ordo.catalog.CatalogAdmin.SellableProduct;
import dev.ordo.catalog.CatalogEntries.DownChannel;
import dev.ordo.catalog.CatalogEntries.DownProduct;
import dev.ordo.catalog.CatalogEntries.DownShelf;
import dev.ordo.catalog.CatalogEntries.ErrorCodeEntry;
import dev.ordo.catalog.CatalogEntries.ProductLine;
import dev.ordo.catalog.CatalogEntries.UpChannel;
import dev.ordo.catalog.CatalogEntries.UpProduct;
import dev.ordo.catalog.CatalogEntries.UpShelf;
import dev.ordo.shared.OrdoException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Objects;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The catalog's admin JSON API (admin token). POST creates (ids may be left out; an id that exists
 * is a conflict, 409), PUT replaces — or creates — the entry with the id of the path; channels are
 * keyed by their number and POST creates or replaces them. Field names are the seed's; money in cents, discounts as rates.
 */
@RestController
@Tag(name = "Catalog admin", description = "Product lines, channels, shelves, products, supplier codes (SPEC A1)")
@RequestMapping("/admin/catalog")
class CatalogAdminController {

    private final CatalogAdmin admin;

    CatalogAdminController(CatalogAdmin admin) {
        this.admin = admin;
    }

    private static void samePath(Object pathId, Object bodyId) {
        if (bodyId != null && !Objects.equals(String.valueOf(pathId), String.valueOf(bodyId))) {
            throw OrdoException.badParameter("the id in the body differs from the id in the path");
        }
    }

    @GetMapping("/lines")
    List<ProductLine> lines() {
        return admin.lines();
    }

    @PostMapping("/lines")
    ProductLine createLine(@RequestBody ProductLine line) {
        return admin.create(line);
    }

    @PutMapping("/lines/{id}")
    ProductLine updateLine(@PathVariable long id, @RequestBody ProductLine line) {
        samePath(id, line.lineId());
        return admin.save(line.withId(id));
    }

    @GetMapping("/down-channels")
    List<DownChannel> downChannels() {
        return admin.downChannels();
    }

    @Operation(
            summary =
                    "Create or replace a downstream channel; a missing secret keeps the current one; with a version, only the channel at that version (else 409)")
    @PostMapping("/down-channels")
    DownChannel createDownChannel(@RequestBody DownChannel channel) {
        return admin.save(channel);
    }

    @PutMapping("/down-channels/{channelNo}")
    DownChannel updateDownChannel(@PathVariable String channelNo, @RequestBody DownChannel c) {
        samePath(channelNo, c.channelNo());
        return admin.save(c.withChannelNo(channelNo));
    }

    @GetMapping("/down-shelves")
    List<DownShelf> downShelves() {
        return admin.downShelves();
    }

    @PostMapping("/down-shelves")
    DownShelf createDownShelf(@RequestBody DownShelf shelf) {
        return admin.create(shelf);
    }

    @PutMapping("/down-shelves/{id}")
    DownShelf updateDownShelf(@PathVariable long id, @RequestBody DownShelf s) {
        samePath(id, s.shelfId());
        return admin.save(s.withId(id));
    }

    @Operation(summary = "Downstream products, each with whether it can be sold now and why not")
    @GetMapping("/down-products")
    List<SellableProduct> downProducts() {
        return admin.downProducts();
    }

    @PostMapping("/down-products")
    DownProduct createDownProduct(@RequestBody DownProduct product) {
        return admin.create(product);
    }

    @PutMapping("/down-products/{id}")
    DownProduct updateDownProduct(@PathVariable long id, @RequestBody DownProduct p) {
        samePath(id, p.productId());
        return admin.save(p.withId(id));
    }

    @GetMapping("/up-channels")
    List<UpChannel> upChannels() {
        return admin.upChannels();
    }

    @PostMapping("/up-channels")
    UpChannel createUpChannel(@RequestBody UpChannel channel) {
        return admin.save(channel);
    }

    @PutMapping("/up-channels/{channelNo}")
    UpChannel updateUpChannel(@PathVariable String channelNo, @RequestBody UpChannel c) {
        samePath(channelNo, c.channelNo());
        return admin.save(c.withChannelNo(channelNo));
    }

    @GetMapping("/up-shelves")
    List<UpShelf> upShelves() {
        return admin.upShelves();
    }

    @PostMapping("/up-shelves")
    UpShelf createUpShelf(@RequestBody UpShelf shelf) {
        return admin.create(shelf);
    }

    @PutMapping("/up-shelves/{id}")
    UpShelf updateUpShelf(@PathVariable long id, @RequestBody UpShelf s) {
        samePath(id, s.shelfId());
        return admin.save(s.withId(id));
    }

    @GetMapping("/up-products")
    List<UpProduct> upProducts() {
        return admin.upProducts();
    }

    @PostMapping("/up-products")
    UpProduct createUpProduct(@RequestBody UpProduct product) {
        return admin.create(product);
    }

    @PutMapping("/up-products/{id}")
    UpProduct updateUpProduct(@PathVariable long id, @RequestBody UpProduct p) {
        samePath(id, p.productId());
        return admin.save(p.withId(id));
    }

    @GetMapping("/error-codes")
    List<ErrorCodeEntry> errorCodes() {
        return admin.errorCodes();
    }

    @Operation(summary = "Create or replace what a supplier's answer code means")
    @PostMapping("/error-codes")
    ErrorCodeEntry saveErrorCode(@RequestBody ErrorCodeEntry entry) {
        return admin.save(entry);
    }
}
