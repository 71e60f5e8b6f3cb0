package dev.ordo.catalog;

import dev.ordo.shared.Money;
import dev.ordo.shared.Urls;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The catalog's entries, with the seed's field names (JSON in snake case). Money in cents; discounts
 * are rates (0.99 = 99 %). Each entry lists its own problems; the admin API refuses an entry with any.
 * Each entry but an error code carries its {@code version}, moved on by every save ({@link
 * CatalogAdmin}); null in an entry to save means "whatever the version".
 */
public final class CatalogEntries {

    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_\\-]{1,32}");
    private static final Pattern REGION = Pattern.compile("\\*|[A-Za-z0-9_\\-]{1,32}");
    private static final BigDecimal ONE = BigDecimal.ONE;

    /** The most pieces one downstream product splits into. */
    public static final int MAX_PIECES = 1_000;

    private CatalogEntries() {}

    /** A product line, e.g. 1 "Fuel card top-up". */
    public record ProductLine(Long lineId, String lineName, int canPackageDelivery, Long version) {
        /** A new entry, or a save that replaces the entry whatever its version. */
        public ProductLine(Long lineId, String lineName, int canPackageDelivery) {
            this(lineId, lineName, canPackageDelivery, null);
        }

        /** The same entry under this id (its version kept). */
        public ProductLine withId(Long other) {
            return new ProductLine(other, lineName, canPackageDelivery, version);
        }

        /** The same entry at this version. */
        public ProductLine withVersion(Long other) {
            return new ProductLine(lineId, lineName, canPackageDelivery, other);
        }

        public List<String> problems() {
            List<String> p = new ArrayList<>();
            id("line_id", lineId, p);
            name("line_name", lineName, p);
            Flag.check("can_package_delivery", canPackageDelivery, p);
            return p;
        }
    }

    /**
     * A downstream channel (a reseller). {@code secret} signs its requests; a legacy-unsigned channel
     * ({@code legacy_unsigned} = 0) may call without a signature. {@code rate_limit}: requests per
     * second per node.
     */
    public record DownChannel(
            String channelNo,
            String channelName,
            int status,
            String secret,
            int legacyUnsigned,
            int rateLimit,
            Long version) {
        /** A new entry, or a save that replaces the entry whatever its version. */
        public DownChannel(
                String channelNo, String channelName, int status, String secret, int legacyUnsigned, int rateLimit) {
            this(channelNo, channelName, status, secret, legacyUnsigned, rateLimit, null);
        }

        /** The same entry under this number (its version kept). */
        public DownChannel withChannelNo(String other) {
            return new DownChannel(other, channelName, status, secret, legacyUnsigned, rateLimit, version);
        }

        /** The same entry at this version. */
        public DownChannel withVersion(Long other) {
            return new DownChannel(channelNo, channelName, status, secret, legacyUnsigned, rateLimit, other);
        }

        public List<String> problems() {
            List<String> p = new ArrayList<>();
            code("channel_no", channelNo, p);
            name("channel_name", channelName, p);
            Flag.check("status", status, p);
            Flag.check("legacy_unsigned", legacyUnsigned, p);
            if (!Flag.yes(legacyUnsigned) && (secret == null || secret.length() < 16 || secret.length() > 128)) {
                p.add("a signed channel needs a secret of 16 to 128 characters");
            } else if (secret != null && secret.length() > 128) {
                p.add("secret must be at most 128 characters");
            }
            if (rateLimit < 1 || rateLimit > 1_000_000) {
                p.add("rate_limit must be 1 to 1000000 requests per second");
            }
            return p;
        }

        public boolean active() {
            return Flag.yes(status);
        }

        /** Without the secret, for answers. */
        public DownChannel withoutSecret() {
            return withSecret(null);
        }

        public DownChannel withSecret(String other) {
            return new DownChannel(channelNo, channelName, status, other, legacyUnsigned, rateLimit, version);
        }
    }

    /** A downstream shelf: a channel's price list, with its order and refund overtime in seconds. */
    public record DownShelf(
            Long shelfId,
            String shelfName,
            String channelNo,
            int orderOvertime,
            int refundOvertime,
            int status,
            Long version) {
        /** A new entry, or a save that replaces the entry whatever its version. */
        public DownShelf(
                Long shelfId, String shelfName, String channelNo, int orderOvertime, int refundOvertime, int status) {
            this(shelfId, shelfName, channelNo, orderOvertime, refundOvertime, status, null);
        }

        /** The same entry under this id (its version kept). */
        public DownShelf withId(Long other) {
            return new DownShelf(other, shelfName, channelNo, orderOvertime, refundOvertime, status, version);
        }

        /** The same entry at this version. */
        public DownShelf withVersion(Long other) {
            return new DownShelf(shelfId, shelfName, channelNo, orderOvertime, refundOvertime, status, other);
        }

        public List<String> problems() {
            List<String> p = new ArrayList<>();
            id("shelf_id", shelfId, p);
            name("shelf_name", shelfName, p);
            code("channel_no", channelNo, p);
            // An order must have time to be bound: at 0 every order accepted would fail at once.
            seconds("order_overtime", orderOvertime, 1, p);
            // At 0 every refund would be past its overtime at once: nothing sent back, nothing refunded.
            seconds("refund_overtime", refundOvertime, 1, p);
            Flag.check("status", status, p);
            return p;
        }
    }

    /**
     * A downstream product. {@code invoice_type}: 0 any, 1 no invoice, 2 invoice required.
     * {@code face} and {@code split_order_face} in cents; {@code payment_fee_discount} applies to the
     * sale amount, the other discounts to the face.
     */
    public record DownProduct(
            Long productId,
            long shelfId,
            long lineId,
            String carrierNo,
            String provinceNo,
            String cityNo,
            int invoiceType,
            int canRefund,
            long face,
            BigDecimal sellDiscount,
            BigDecimal commissionDiscount,
            BigDecimal serviceDiscount,
            BigDecimal paymentFeeDiscount,
            int canSplitOrder,
            long splitOrderFace,
            int limitCount,
            int status,
            Long version) {
        /** A new entry, or a save that replaces the entry whatever its version. */
        public DownProduct(
                Long productId,
                long shelfId,
                long lineId,
                String carrierNo,
                String provinceNo,
                String cityNo,
                int invoiceType,
                int canRefund,
                long face,
                BigDecimal sellDiscount,
                BigDecimal commissionDiscount,
                BigDecimal serviceDiscount,
                BigDecimal paymentFeeDiscount,
                int canSplitOrder,
                long splitOrderFace,
                int limitCount,
                int status) {
            this(
                    productId,
                    shelfId,
                    lineId,
                    carrierNo,
                    provinceNo,
                    cityNo,
                    invoiceType,
                    canRefund,
                    face,
                    sellDiscount,
                    commissionDiscount,
                    serviceDiscount,
                    paymentFeeDiscount,
                    canSplitOrder,
                    splitOrderFace,
                    limitCount,
                    status,
                    null);
        }

        /** The same entry under this id (its version kept). */
        public DownProduct withId(Long other) {
            return new DownProduct(
                    other,
                    shelfId,
                    lineId,
                    carrierNo,
                    provinceNo,
                    cityNo,
                    invoiceType,
                    canRefund,
                    face,
                    sellDiscount,
                    commissionDiscount,
                    serviceDiscount,
                    paymentFeeDiscount,
                    canSplitOrder,
                    splitOrderFace,
                    limitCount,
                    status,
                    version);
        }

        /** The same entry at this version. */
        public DownProduct withVersion(Long other) {
            return new DownProduct(
                    productId,
                    shelfId,
                    lineId,
                    carrierNo,
                    provinceNo,
                    cityNo,
                    invoiceType,
                    canRefund,
                    face,
                    sellDiscount,
                    commissionDiscount,
                    serviceDiscount,
                    paymentFeeDiscount,
                    canSplitOrder,
                    splitOrderFace,
                    limitCount,
                    status,
                    other);
        }

        public List<String> problems() {
            List<String> p = new ArrayList<>();
            id("product_id", productId, p);
            code("carrier_no", carrierNo, p);
            region("province_no", provinceNo, p);
            region("city_no", cityNo, p);
            if (invoiceType < 0 || invoiceType > 2) {
                p.add("invoice_type must be 0 (any), 1 (none) or 2 (required)");
            }
            Flag.check("can_refund", canRefund, p);
            cents("face", face, p);
            rate("sell_discount", sellDiscount, p);
            rate("commission_discount", commissionDiscount, p);
            rate("service_discount", serviceDiscount, p);
            rate("payment_fee_discount", paymentFeeDiscount, p);
            if (p.isEmpty() && Flag.yes(status)) {
                saleCoversFees(p);
            }
            Flag.check("can_split_order", canSplitOrder, p);
            cents("split_order_face", splitOrderFace, p);
            if (splitOrderFace > 0 && face > 0 && (splitOrderFace > face || face % splitOrderFace != 0)) {
                p.add("split_order_face must divide face");
            } else if (Flag.yes(canSplitOrder) && splitOrderFace > 0 && face / splitOrderFace > MAX_PIECES) {
                p.add("a product splits into at most " + MAX_PIECES + " pieces (face / split_order_face)");
            }
            if (limitCount < 1 || limitCount > 10_000) {
                p.add("limit_count must be 1 to 10000");
            }
            Flag.check("status", status, p);
            return p;
        }

        /**
         * An active product sells for at least a cent at its face and takes no more in commission,
         * service and payment fees than its sale brings, at any number ordered (compared as rates:
         * commission + service + payment fee × sell ≤ sell): every order of such a product would lose
         * money before the supplier was paid. A disabled one may keep any rates.
         */
        private void saleCoversFees(List<String> p) {
            BigDecimal fees = commissionDiscount.add(serviceDiscount).add(paymentFeeDiscount.multiply(sellDiscount));
            if (Money.times(face, sellDiscount) < 1) {
                p.add("sell_discount leaves no sale at the face (" + face + " cents)");
            } else if (fees.compareTo(sellDiscount) > 0) {
                p.add("commission_discount + service_discount + payment_fee_discount × sell_discount ("
                        + fees.stripTrailingZeros().toPlainString() + ") exceed sell_discount ("
                        + sellDiscount.stripTrailingZeros().toPlainString()
                        + "): every order would pay more in fees than its sale");
            }
        }

        /** The face of one piece delivered: the split face when the product may be split. */
        public long pieceFace() {
            return Flag.yes(canSplitOrder) ? splitOrderFace : face;
        }

        public int piecesPerProduct() {
            return (int) (face / pieceFace());
        }
    }

    /**
     * A supplier and how to deliver through it (seed 000 "vds"): {@code protocol} names the adapter
     * ({@code reference-http}); {@code can_query} 0 = it answers status queries; times in seconds
     * except {@code timeout_ms}.
     */
    public record UpChannel(
            String channelNo,
            String channelName,
            int status,
            int serviceClass,
            String protocol,
            String requestUrl,
            String queryUrl,
            String returnUrl,
            String notifyUrl,
            int canQuery,
            int firstQueryTime,
            int queryReplenishTime,
            int requestReplenishTime,
            int timeoutMs,
            String secret,
            Long version) {
        /** A new entry, or a save that replaces the entry whatever its version. */
        public UpChannel(
                String channelNo,
                String channelName,
                int status,
                int serviceClass,
                String protocol,
                String requestUrl,
                String queryUrl,
                String returnUrl,
                String notifyUrl,
                int canQuery,
                int firstQueryTime,
                int queryReplenishTime,
                int requestReplenishTime,
                int timeoutMs,
                String secret) {
            this(
                    channelNo,
                    channelName,
                    status,
                    serviceClass,
                    protocol,
                    requestUrl,
                    queryUrl,
                    returnUrl,
                    notifyUrl,
                    canQuery,
                    firstQueryTime,
                    queryReplenishTime,
                    requestReplenishTime,
                    timeoutMs,
                    secret,
                    null);
        }

        /** The same entry under this number (its version kept). */
        public UpChannel withChannelNo(String other) {
            return new UpChannel(
                    other,
                    channelName,
                    status,
                    serviceClass,
                    protocol,
                    requestUrl,
                    queryUrl,
                    returnUrl,
                    notifyUrl,
                    canQuery,
                    firstQueryTime,
                    queryReplenishTime,
                    requestReplenishTime,
                    timeoutMs,
                    secret,
                    version);
        }

        /** The same entry at this version. */
        public UpChannel withVersion(Long other) {
            return new UpChannel(
                    channelNo,
                    channelName,
                    status,
                    serviceClass,
                    protocol,
                    requestUrl,
                    queryUrl,
                    returnUrl,
                    notifyUrl,
                    canQuery,
                    firstQueryTime,
                    queryReplenishTime,
                    requestReplenishTime,
                    timeoutMs,
                    secret,
                    other);
        }

        public List<String> problems() {
            List<String> p = new ArrayList<>();
            code("channel_no", channelNo, p);
            name("channel_name", channelName, p);
            Flag.check("status", status, p);
            if (serviceClass < 1 || serviceClass > 999) {
                p.add("service_class must be 1 to 999 (10 fuel card, 20 e-coupon, 21 e-coupon return, 30 phone)");
            }
            code("protocol", protocol, p);
            url("request_url", requestUrl, true, p);
            url("query_url", queryUrl, Flag.yes(canQuery), p);
            url("return_url", returnUrl, false, p);
            url("notify_url", notifyUrl, false, p);
            Flag.check("can_query", canQuery, p);
            seconds("first_query_time", firstQueryTime, 0, p);
            seconds("query_replenish_time", queryReplenishTime, 0, p);
            seconds("request_replenish_time", requestReplenishTime, 0, p);
            if (timeoutMs < 100 || timeoutMs > 120_000) {
                p.add("timeout_ms must be 100 to 120000");
            }
            if (secret == null || secret.length() < 16 || secret.length() > 128) {
                p.add("secret must be 16 to 128 characters");
            }
            return p;
        }

        public boolean active() {
            return Flag.yes(status);
        }

        public UpChannel withoutSecret() {
            return withSecret(null);
        }

        public UpChannel withSecret(String other) {
            return new UpChannel(
                    channelNo,
                    channelName,
                    status,
                    serviceClass,
                    protocol,
                    requestUrl,
                    queryUrl,
                    returnUrl,
                    notifyUrl,
                    canQuery,
                    firstQueryTime,
                    queryReplenishTime,
                    requestReplenishTime,
                    timeoutMs,
                    other,
                    version);
        }

        /** The same supplier at other submit, query and return URLs. */
        public UpChannel withUrls(String request, String query, String giveBack) {
            return new UpChannel(
                    channelNo,
                    channelName,
                    status,
                    serviceClass,
                    protocol,
                    request,
                    query,
                    giveBack,
                    notifyUrl,
                    canQuery,
                    firstQueryTime,
                    queryReplenishTime,
                    requestReplenishTime,
                    timeoutMs,
                    secret,
                    version);
        }
    }

    /** An upstream shelf, with the supplier's delivery and return overtime in seconds. */
    public record UpShelf(
            Long shelfId,
            String shelfName,
            String channelNo,
            int deliveryOvertime,
            int returnOvertime,
            int status,
            Long version) {
        /** A new entry, or a save that replaces the entry whatever its version. */
        public UpShelf(
                Long shelfId,
                String shelfName,
                String channelNo,
                int deliveryOvertime,
                int returnOvertime,
                int status) {
            this(shelfId, shelfName, channelNo, deliveryOvertime, returnOvertime, status, null);
        }

        /** The same entry under this id (its version kept). */
        public UpShelf withId(Long other) {
            return new UpShelf(other, shelfName, channelNo, deliveryOvertime, returnOvertime, status, version);
        }

        /** The same entry at this version. */
        public UpShelf withVersion(Long other) {
            return new UpShelf(shelfId, shelfName, channelNo, deliveryOvertime, returnOvertime, status, other);
        }

        public List<String> problems() {
            List<String> p = new ArrayList<>();
            id("shelf_id", shelfId, p);
            name("shelf_name", shelfName, p);
            code("channel_no", channelNo, p);
            // At 0 every unknown delivery would go to an operator without a single query.
            seconds("delivery_overtime", deliveryOvertime, 1, p);
            seconds("return_overtime", returnOvertime, 0, p);
            Flag.check("status", status, p);
            return p;
        }
    }

    /**
     * An upstream product. {@code invoice_type}: 1 no invoice, 2 the supplier invoices;
     * {@code can_refund} 0 = the supplier takes deliveries back; {@code limit_count}: most pieces in
     * one delivery.
     */
    public record UpProduct(
            Long productId,
            long shelfId,
            long lineId,
            String carrierNo,
            String provinceNo,
            String cityNo,
            int invoiceType,
            int canRefund,
            long face,
            BigDecimal costDiscount,
            BigDecimal commissionDiscount,
            BigDecimal serviceDiscount,
            int limitCount,
            int status,
            Long version) {
        /** A new entry, or a save that replaces the entry whatever its version. */
        public UpProduct(
                Long productId,
                long shelfId,
                long lineId,
                String carrierNo,
                String provinceNo,
                String cityNo,
                int invoiceType,
                int canRefund,
                long face,
                BigDecimal costDiscount,
                BigDecimal commissionDiscount,
                BigDecimal serviceDiscount,
                int limitCount,
                int status) {
            this(
                    productId,
                    shelfId,
                    lineId,
                    carrierNo,
                    provinceNo,
                    cityNo,
                    invoiceType,
                    canRefund,
                    face,
                    costDiscount,
                    commissionDiscount,
                    serviceDiscount,
                    limitCount,
                    status,
                    null);
        }

        /** The same entry under this id (its version kept). */
        public UpProduct withId(Long other) {
            return new UpProduct(
                    other,
                    shelfId,
                    lineId,
                    carrierNo,
                    provinceNo,
                    cityNo,
                    invoiceType,
                    canRefund,
                    face,
                    costDiscount,
                    commissionDiscount,
                    serviceDiscount,
                    limitCount,
                    status,
                    version);
        }

        /** The same entry at this version. */
        public UpProduct withVersion(Long other) {
            return new UpProduct(
                    productId,
                    shelfId,
                    lineId,
                    carrierNo,
                    provinceNo,
                    cityNo,
                    invoiceType,
                    canRefund,
                    face,
                    costDiscount,
                    commissionDiscount,
                    serviceDiscount,
                    limitCount,
                    status,
                    other);
        }

        public List<String> problems() {
            List<String> p = new ArrayList<>();
            id("product_id", productId, p);
            code("carrier_no", carrierNo, p);
            region("province_no", provinceNo, p);
            region("city_no", cityNo, p);
            if (invoiceType != 1 && invoiceType != 2) {
                p.add("invoice_type must be 1 (no invoice) or 2 (the supplier invoices)");
            }
            Flag.check("can_refund", canRefund, p);
            cents("face", face, p);
            rate("cost_discount", costDiscount, p);
            rate("commission_discount", commissionDiscount, p);
            rate("service_discount", serviceDiscount, p);
            if (limitCount < 1 || limitCount > 10_000) {
                p.add("limit_count must be 1 to 10000");
            }
            Flag.check("status", status, p);
            return p;
        }
    }

    /** What a supplier's answer code means: deal code 0 success, 10 failure, 90 unknown. */
    public record ErrorCodeEntry(
            String channelNo, int serviceClass, String errorCode, int dealCode, String errorCodeDesc) {
        public List<String> problems() {
            List<String> p = new ArrayList<>();
            code("channel_no", channelNo, p);
            code("error_code", errorCode, p);
            if (dealCode != 0 && dealCode != 10 && dealCode != 90) {
                p.add("deal_code must be 0 (success), 10 (failure) or 90 (unknown)");
            }
            name("error_code_desc", errorCodeDesc, p);
            return p;
        }
    }

    static void name(String field, String value, List<String> p) {
        if (value == null || value.isBlank() || value.length() > 64) {
            p.add(field + " must be 1 to 64 characters");
        } else if (value.codePoints().anyMatch(Character::isISOControl)) {
            p.add(field + " must not contain control characters");
        }
    }

    /** An id given by the admin (null: one is assigned). */
    static void id(String field, Long id, List<String> p) {
        if (id != null && id < 1) {
            p.add(field + " must be a positive number (or left out to have one assigned)");
        }
    }

    /**
     * A secret given in a save (not the one a save without one keeps): PostgreSQL stores no NUL
     * character in text, and no database should hold one in a secret.
     */
    public static void givenSecret(String secret, List<String> p) {
        if (secret != null && secret.indexOf('\u0000') >= 0) {
            p.add("secret must not contain the NUL character");
        }
    }

    static void code(String field, String value, List<String> p) {
        if (value == null || !CODE.matcher(value).matches()) {
            p.add(field + " must be 1 to 32 letters, digits, '_' or '-'");
        }
    }

    static void region(String field, String value, List<String> p) {
        if (value == null || !REGION.matcher(value).matches()) {
            p.add(field + " must be '*' or 1 to 32 letters, digits, '_' or '-'");
        }
    }

    static void cents(String field, long cents, List<String> p) {
        if (cents < 1 || cents > 100_000_000L) {
            p.add(field + " must be 1 to 100000000 cents");
        }
    }

    static void rate(String field, BigDecimal rate, List<String> p) {
        if (rate == null || rate.signum() < 0 || rate.compareTo(ONE) > 0 || rate.scale() > 6) {
            p.add(field + " must be a rate from 0 to 1 with at most 6 decimals");
        }
    }

    static void seconds(String field, int value, int least, List<String> p) {
        if (value < least || value > 30 * 86_400) {
            p.add(field + " must be " + least + " to 2592000 seconds");
        }
    }

    static void url(String field, String value, boolean required, List<String> p) {
        if (value == null || value.isBlank()) {
            if (required) {
                p.add(field + " is required");
            }
            return;
        }
        if (value.length() > 512
                || !(value.startsWith("http://") || value.startsWith("https://"))
                || Urls.requestTarget(value) == null) {
            p.add(field + " must be an http or https URL of at most 512 characters");
        }
    }
}
