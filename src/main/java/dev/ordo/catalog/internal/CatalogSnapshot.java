package dev.ordo.catalog.internal;

import dev.ordo.catalog.Catalog.Offer;
import dev.ordo.catalog.Catalog.OfferQuery;
import dev.ordo.catalog.Catalog.SupplyOption;
import dev.ordo.catalog.Catalog.SupplyQuery;
import dev.ordo.catalog.CatalogEntries.DownChannel;
import dev.ordo.catalog.CatalogEntries.DownProduct;
import dev.ordo.catalog.CatalogEntries.DownShelf;
import dev.ordo.catalog.CatalogEntries.ErrorCodeEntry;
import dev.ordo.catalog.CatalogEntries.ProductLine;
import dev.ordo.catalog.CatalogEntries.UpChannel;
import dev.ordo.catalog.CatalogEntries.UpProduct;
import dev.ordo.catalog.CatalogEntries.UpShelf;
import dev.ordo.catalog.Flag;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The whole catalog at one moment, with the matching rules of SPEC A1 and A3. Immutable. */
record CatalogSnapshot(
        Map<Long, ProductLine> lines,
        Map<String, DownChannel> downChannels,
        Map<Long, DownShelf> downShelves,
        Map<Long, DownProduct> downProducts,
        Map<String, UpChannel> upChannels,
        Map<Long, UpShelf> upShelves,
        Map<Long, UpProduct> upProducts,
        Map<String, ErrorCodeEntry> errorCodes) {

    static CatalogSnapshot of(
            List<ProductLine> lines,
            List<DownChannel> downChannels,
            List<DownShelf> downShelves,
            List<DownProduct> downProducts,
            List<UpChannel> upChannels,
            List<UpShelf> upShelves,
            List<UpProduct> upProducts,
            List<ErrorCodeEntry> errorCodes) {
        return new CatalogSnapshot(
                index(lines, ProductLine::lineId),
                index(downChannels, DownChannel::channelNo),
                index(downShelves, DownShelf::shelfId),
                index(downProducts, DownProduct::productId),
                index(upChannels, UpChannel::channelNo),
                index(upShelves, UpShelf::shelfId),
                index(upProducts, UpProduct::productId),
                index(errorCodes, e -> errorKey(e.channelNo(), e.serviceClass(), e.errorCode())));
    }

    private static <K, V> Map<K, V> index(List<V> values, Function<V, K> key) {
        return values.stream().collect(Collectors.toUnmodifiableMap(key, Function.identity()));
    }

    static String errorKey(String channelNo, int serviceClass, String errorCode) {
        return channelNo + "|" + serviceClass + "|" + errorCode;
    }

    /** '*' on the catalog side serves every region; a request without a region only finds '*'. */
    static boolean regionMatches(String catalog, String requested) {
        return "*".equals(catalog) || catalog.equals(requested);
    }

    /** Request 0 (any) or product 0 (any) accept everything; otherwise the types must agree. */
    static boolean invoiceCompatible(int product, int requested) {
        return product == 0 || requested == 0 || product == requested;
    }

    List<Offer> offers(OfferQuery q) {
        DownChannel channel = downChannels.get(q.channelNo());
        if (channel == null || !channel.active()) {
            return List.of();
        }
        return downProducts.values().stream()
                .filter(p -> Flag.yes(p.status()) && p.lineId() == q.lineId() && p.face() == q.face())
                .filter(p -> p.carrierNo().equals(q.carrierNo()))
                .filter(p -> regionMatches(p.provinceNo(), q.provinceNo()) && regionMatches(p.cityNo(), q.cityNo()))
                .filter(p -> invoiceCompatible(p.invoiceType(), q.invoiceType()))
                .map(p -> new Offer(p, downShelves.get(p.shelfId())))
                .filter(o -> o.shelf() != null
                        && Flag.yes(o.shelf().status())
                        && o.shelf().channelNo().equals(q.channelNo()))
                .sorted(Comparator.comparingInt((Offer o) -> -specificity(o.product()))
                        .thenComparingLong(o -> o.product().productId()))
                .toList();
    }

    private static int specificity(DownProduct p) {
        return ("*".equals(p.provinceNo()) ? 0 : 2) + ("*".equals(p.cityNo()) ? 0 : 1);
    }

    List<SupplyOption> supply(SupplyQuery q) {
        List<SupplyOption> options = new ArrayList<>();
        for (UpProduct p : upProducts.values()) {
            if (p.lineId() != q.lineId() || !p.carrierNo().equals(q.carrierNo()) || p.face() != q.pieceFace()) {
                continue;
            }
            UpShelf shelf = upShelves.get(p.shelfId());
            UpChannel supplier = shelf == null ? null : upChannels.get(shelf.channelNo());
            String refusal = refusal(p, shelf, supplier, q);
            options.add(new SupplyOption(
                    p,
                    shelf,
                    supplier,
                    refusal == null,
                    refusal == null
                            ? "usable at cost_discount " + p.costDiscount().toPlainString()
                            : refusal));
        }
        options.sort(Comparator.comparing((SupplyOption o) -> !o.usable())
                .thenComparing(o -> o.product().costDiscount())
                .thenComparingLong(o -> o.product().productId()));
        return options;
    }

    private static String refusal(UpProduct p, UpShelf shelf, UpChannel supplier, SupplyQuery q) {
        if (!Flag.yes(p.status())) {
            return "upstream product disabled";
        }
        if (shelf == null || !Flag.yes(shelf.status())) {
            return "upstream shelf disabled";
        }
        if (supplier == null || !supplier.active()) {
            return "supplier disabled";
        }
        if (!regionMatches(p.provinceNo(), q.provinceNo())) {
            return "province " + q.provinceNo() + " not served (serves " + p.provinceNo() + ")";
        }
        if (!regionMatches(p.cityNo(), q.cityNo())) {
            return "city " + q.cityNo() + " not served (serves " + p.cityNo() + ")";
        }
        if (q.invoiceType() == 2 && p.invoiceType() != 2) {
            return "an invoice is required and the supplier does not invoice";
        }
        return null;
    }

    /** Whether an active downstream product can be delivered now, and why not. */
    String unsellableReason(DownProduct p) {
        DownShelf shelf = downShelves.get(p.shelfId());
        if (shelf == null || !Flag.yes(shelf.status())) {
            return "its shelf is missing or disabled";
        }
        DownChannel channel = downChannels.get(shelf.channelNo());
        if (channel == null || !channel.active()) {
            return "its channel is missing or disabled";
        }
        boolean supplied = supply(new SupplyQuery(
                        p.lineId(), p.carrierNo(), p.provinceNo(), p.cityNo(), p.invoiceType(), p.pieceFace()))
                .stream()
                .anyMatch(SupplyOption::usable);
        return supplied
                ? null
                : "no active upstream product delivers line " + p.lineId() + ", carrier " + p.carrierNo() + ", region "
                        + p.provinceNo() + "/" + p.cityNo() + ", face " + p.pieceFace();
    }
}
