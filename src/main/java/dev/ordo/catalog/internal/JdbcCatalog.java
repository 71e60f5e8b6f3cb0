package dev.ordo.catalog.internal;

import dev.ordo.catalog.CatalogEntries.DownChannel;
import dev.ordo.catalog.CatalogEntries.DownProduct;
import dev.ordo.catalog.CatalogEntries.DownShelf;
import dev.ordo.catalog.CatalogEntries.ErrorCodeEntry;
import dev.ordo.catalog.CatalogEntries.ProductLine;
import dev.ordo.catalog.CatalogEntries.UpChannel;
import dev.ordo.catalog.CatalogEntries.UpProduct;
import dev.ordo.catalog.CatalogEntries.UpShelf;
import dev.ordo.catalog.Flag;
import dev.ordo.shared.ErrorCode;
import dev.ordo.shared.OrdoException;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The catalog tables, in explicit SQL. Saves update the row with the key, or insert it. */
@Repository
class JdbcCatalog {

    private final JdbcClient jdbc;

    JdbcCatalog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    CatalogSnapshot load() {
        return CatalogSnapshot.of(
                jdbc.sql("select * from oms_product_line")
                        .query(JdbcCatalog::line)
                        .list(),
                jdbc.sql("select * from oms_down_channel")
                        .query(JdbcCatalog::downChannel)
                        .list(),
                jdbc.sql("select * from oms_down_shelf")
                        .query(JdbcCatalog::downShelf)
                        .list(),
                jdbc.sql("select * from oms_down_product")
                        .query(JdbcCatalog::downProduct)
                        .list(),
                jdbc.sql("select * from oms_up_channel")
                        .query(JdbcCatalog::upChannel)
                        .list(),
                jdbc.sql("select * from oms_up_shelf")
                        .query(JdbcCatalog::upShelf)
                        .list(),
                jdbc.sql("select * from oms_up_product")
                        .query(JdbcCatalog::upProduct)
                        .list(),
                jdbc.sql("select * from oms_up_error_code")
                        .query(JdbcCatalog::errorCode)
                        .list());
    }

    /**
     * Inserts the row ({@code create}: a duplicate key is refused), or updates or inserts it.
     *
     * @return the row's version now
     */
    private long write(
            boolean create, String table, Map<String, Object> key, Map<String, Object> values, Long expected) {
        if (create) {
            insert(table, key, values);
            return 0;
        }
        return upsert(table, key, values, expected);
    }

    private void insert(String table, Map<String, Object> key, Map<String, Object> values) {
        Map<String, Object> all = new LinkedHashMap<>(key);
        all.putAll(values);
        String columns = String.join(", ", all.keySet());
        String params = ":" + String.join(", :", all.keySet());
        jdbc.sql("insert into " + table + " (" + columns + ", version) values (" + params + ", 0)")
                .params(all)
                .update();
    }

    /**
     * Updates the row whose key columns hold these values and moves its version on, or inserts it.
     * With an {@code expected} version the update applies only to the row at that version (one
     * conditional statement: a save in between makes it a conflict, never a lost update), and a row
     * at another version, or none, is refused.
     *
     * @return the row's version now
     */
    private long upsert(String table, Map<String, Object> key, Map<String, Object> values, Long expected) {
        return upsert(table, key, values, expected, Map.of());
    }

    /**
     * As {@link #upsert(String, Map, Map, Long)}, the update also conditional on columns it leaves
     * alone still holding what the save was validated with ({@code unchanged}; null: no value).
     */
    private long upsert(
            String table,
            Map<String, Object> key,
            Map<String, Object> values,
            Long expected,
            Map<String, Object> unchanged) {
        Map<String, Object> all = new LinkedHashMap<>(key);
        all.putAll(values);
        StringBuilder set = new StringBuilder();
        values.keySet()
                .forEach(column ->
                        set.append(column).append(" = :").append(column).append(", "));
        set.append("version = version + 1");
        String where =
                key.keySet().stream().map(column -> column + " = :" + column).collect(Collectors.joining(" and "));
        StringBuilder conditions = new StringBuilder();
        if (expected != null) {
            conditions.append(" and version = :expectedVersion");
            all.put("expectedVersion", expected);
        }
        unchanged.forEach((column, value) -> {
            if (value == null) {
                conditions.append(" and ").append(column).append(" is null");
            } else {
                conditions
                        .append(" and ")
                        .append(column)
                        .append(" = :unchanged_")
                        .append(column);
                all.put("unchanged_" + column, value);
            }
        });
        int updated = jdbc.sql("update " + table + " set " + set + " where " + where + conditions)
                .params(all)
                .update();
        if (updated == 0 && conditions.isEmpty()) {
            insert(table, key, values);
            return 0;
        }
        // After its own update a transaction reads its own row; after none, a locking read reads the
        // row as committed (a plain one reads the transaction's snapshot on MySQL/MariaDB).
        Long now = jdbc.sql("select version from " + table + " where " + where + (updated == 0 ? " for update" : ""))
                .params(key)
                .query(Long.class)
                .optional()
                .orElse(null);
        if (updated == 0) {
            String entry = key.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", "));
            String why;
            if (now == null) {
                why = "there is no entry with " + entry
                        + (expected == null ? "" : " (the save named version " + expected + ")");
            } else if (expected != null && now.longValue() != expected) {
                why = "the entry with " + entry + " is at version " + now + ", not " + expected
                        + ": read it again and repeat the change";
            } else if (unchanged.isEmpty()) {
                why = "the entry with " + entry + " was created or changed while it was saved: repeat the save";
            } else {
                why = "the entry with " + entry + " changed while it was saved (its "
                        + String.join(", ", unchanged.keySet()) + "): repeat the save";
            }
            throw new OrdoException(ErrorCode.CONFLICT, why);
        }
        return now;
    }

    long save(ProductLine l, boolean create) {
        return write(
                create,
                "oms_product_line",
                Map.of("line_id", l.lineId()),
                Map.of("line_name", l.lineName(), "can_package_delivery", l.canPackageDelivery()),
                l.version());
    }

    /**
     * @param read the channel as the save read it to validate, null when there was none: with no
     *     secret in {@code c}, the row must still hold the secret read (one changed in between is a
     *     conflict)
     */
    long save(DownChannel c, DownChannel read) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("channel_name", c.channelName());
        values.put("status", c.status());
        if (c.secret() != null) {
            values.put("secret", c.secret()); // left out: the row keeps its own
        }
        values.put("legacy_unsigned", c.legacyUnsigned());
        values.put("rate_limit", c.rateLimit());
        Map<String, Object> unchanged = new HashMap<>();
        if (c.secret() == null && read != null) {
            unchanged.put("secret", read.secret());
        }
        return upsert("oms_down_channel", Map.of("channel_no", c.channelNo()), values, c.version(), unchanged);
    }

    long save(DownShelf s, boolean create) {
        return write(
                create,
                "oms_down_shelf",
                Map.of("shelf_id", s.shelfId()),
                Map.of(
                        "shelf_name",
                        s.shelfName(),
                        "channel_no",
                        s.channelNo(),
                        "order_overtime",
                        s.orderOvertime(),
                        "refund_overtime",
                        s.refundOvertime(),
                        "status",
                        s.status()),
                s.version());
    }

    long save(DownProduct p, boolean create) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("shelf_id", p.shelfId());
        v.put("line_id", p.lineId());
        v.put("carrier_no", p.carrierNo());
        v.put("province_no", p.provinceNo());
        v.put("city_no", p.cityNo());
        v.put("invoice_type", p.invoiceType());
        v.put("can_refund", p.canRefund());
        v.put("face", p.face());
        v.put("sell_discount", p.sellDiscount());
        v.put("commission_discount", p.commissionDiscount());
        v.put("service_discount", p.serviceDiscount());
        v.put("payment_fee_discount", p.paymentFeeDiscount());
        v.put("can_split_order", p.canSplitOrder());
        v.put("split_order_face", p.splitOrderFace());
        v.put("limit_count", p.limitCount());
        v.put("status", p.status());
        return write(create, "oms_down_product", Map.of("product_id", p.productId()), v, p.version());
    }

    /**
     * Another active product on an active shelf of the same channel that a request would match as
     * {@code p} does (line, carrier, province, city, face and invoice type): the one with the lower id would always be
     * chosen and the other never. Locks the channel's row first, so that two admins saving such
     * products at once are checked one after the other (at MySQL's REPEATABLE READ too: the lock is
     * the transaction's first read, and the look that follows sees what the other one committed).
     */
    Optional<Long> activeTwin(DownProduct p, String channelNo) {
        lockChannel(channelNo);
        return jdbc
                .sql("""
                        select p.product_id from oms_down_product p
                          join oms_down_shelf s on s.shelf_id = p.shelf_id
                         where s.channel_no = :channel and s.status = :active and p.status = :active
                           and p.product_id <> :id
                           and p.line_id = :line and p.carrier_no = :carrier and p.province_no = :province
                           and p.city_no = :city and p.face = :face and p.invoice_type = :invoice""")
                .param("channel", channelNo)
                .param("active", Flag.YES)
                .param("id", p.productId())
                .param("line", p.lineId())
                .param("carrier", p.carrierNo())
                .param("province", p.provinceNo())
                .param("city", p.cityNo())
                .param("face", p.face())
                .param("invoice", p.invoiceType())
                .query(Long.class)
                .list()
                .stream()
                .min(Long::compare);
    }

    /**
     * Two active products, one of them on {@code shelfId}, that would be twins ({@link #activeTwin})
     * once the shelf is active on {@code channelNo}: the shelf's own active products among themselves,
     * and each against the channel's other active shelves. Locks the channel's row first, as {@link
     * #activeTwin} does, so that a shelf and a product saved at once are checked one after the other.
     */
    Optional<long[]> activeTwinsOnShelf(long shelfId, String channelNo) {
        lockChannel(channelNo);
        return jdbc
                .sql("""
                        select p.product_id, q.product_id from oms_down_product p
                          join oms_down_product q on q.product_id <> p.product_id
                           and q.line_id = p.line_id and q.carrier_no = p.carrier_no and q.province_no = p.province_no
                           and q.city_no = p.city_no and q.face = p.face and q.invoice_type = p.invoice_type
                          join oms_down_shelf s on s.shelf_id = q.shelf_id
                         where p.shelf_id = :shelf and p.status = :active and q.status = :active
                           and (q.shelf_id = :shelf or (s.channel_no = :channel and s.status = :active))
                         order by p.product_id, q.product_id""")
                .param("shelf", shelfId)
                .param("channel", channelNo)
                .param("active", Flag.YES)
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .list()
                .stream()
                .findFirst();
    }

    private void lockChannel(String channelNo) {
        jdbc.sql("select channel_no from oms_down_channel where channel_no = :channel for update")
                .param("channel", channelNo)
                .query(String.class)
                .optional();
    }

    long save(UpChannel c) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("channel_name", c.channelName());
        v.put("status", c.status());
        v.put("service_class", c.serviceClass());
        v.put("protocol", c.protocol());
        v.put("request_url", c.requestUrl());
        v.put("query_url", c.queryUrl());
        v.put("return_url", c.returnUrl());
        v.put("notify_url", c.notifyUrl());
        v.put("can_query", c.canQuery());
        v.put("first_query_time", c.firstQueryTime());
        v.put("query_replenish_time", c.queryReplenishTime());
        v.put("request_replenish_time", c.requestReplenishTime());
        v.put("timeout_ms", c.timeoutMs());
        if (c.secret() != null) {
            v.put("secret", c.secret()); // left out: the row keeps its own
        }
        return upsert("oms_up_channel", Map.of("channel_no", c.channelNo()), v, c.version());
    }

    long save(UpShelf s, boolean create) {
        return write(
                create,
                "oms_up_shelf",
                Map.of("shelf_id", s.shelfId()),
                Map.of(
                        "shelf_name",
                        s.shelfName(),
                        "channel_no",
                        s.channelNo(),
                        "delivery_overtime",
                        s.deliveryOvertime(),
                        "return_overtime",
                        s.returnOvertime(),
                        "status",
                        s.status()),
                s.version());
    }

    long save(UpProduct p, boolean create) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("shelf_id", p.shelfId());
        v.put("line_id", p.lineId());
        v.put("carrier_no", p.carrierNo());
        v.put("province_no", p.provinceNo());
        v.put("city_no", p.cityNo());
        v.put("invoice_type", p.invoiceType());
        v.put("can_refund", p.canRefund());
        v.put("face", p.face());
        v.put("cost_discount", p.costDiscount());
        v.put("commission_discount", p.commissionDiscount());
        v.put("service_discount", p.serviceDiscount());
        v.put("limit_count", p.limitCount());
        v.put("status", p.status());
        return write(create, "oms_up_product", Map.of("product_id", p.productId()), v, p.version());
    }

    void save(ErrorCodeEntry e) {
        upsert(
                "oms_up_error_code",
                Map.of("channel_no", e.channelNo(), "service_class", e.serviceClass(), "error_code", e.errorCode()),
                Map.of("deal_code", e.dealCode(), "error_code_desc", e.errorCodeDesc()),
                null);
    }

    private static BigDecimal rate(ResultSet rs, String column) throws SQLException {
        BigDecimal value = rs.getBigDecimal(column).stripTrailingZeros();
        return value.scale() < 0 ? value.setScale(0) : value;
    }

    private static ProductLine line(ResultSet rs, int n) throws SQLException {
        return new ProductLine(rs.getLong("line_id"), rs.getString("line_name"), rs.getInt("can_package_delivery"))
                .withVersion(rs.getLong("version"));
    }

    private static DownChannel downChannel(ResultSet rs, int n) throws SQLException {
        return new DownChannel(
                        rs.getString("channel_no"),
                        rs.getString("channel_name"),
                        rs.getInt("status"),
                        rs.getString("secret"),
                        rs.getInt("legacy_unsigned"),
                        rs.getInt("rate_limit"))
                .withVersion(rs.getLong("version"));
    }

    private static DownShelf downShelf(ResultSet rs, int n) throws SQLException {
        return new DownShelf(
                        rs.getLong("shelf_id"),
                        rs.getString("shelf_name"),
                        rs.getString("channel_no"),
                        rs.getInt("order_overtime"),
                        rs.getInt("refund_overtime"),
                        rs.getInt("status"))
                .withVersion(rs.getLong("version"));
    }

    private static DownProduct downProduct(ResultSet rs, int n) throws SQLException {
        return new DownProduct(
                        rs.getLong("product_id"),
                        rs.getLong("shelf_id"),
                        rs.getLong("line_id"),
                        rs.getString("carrier_no"),
                        rs.getString("province_no"),
                        rs.getString("city_no"),
                        rs.getInt("invoice_type"),
                        rs.getInt("can_refund"),
                        rs.getLong("face"),
                        rate(rs, "sell_discount"),
                        rate(rs, "commission_discount"),
                        rate(rs, "service_discount"),
                        rate(rs, "payment_fee_discount"),
                        rs.getInt("can_split_order"),
                        rs.getLong("split_order_face"),
                        rs.getInt("limit_count"),
                        rs.getInt("status"))
                .withVersion(rs.getLong("version"));
    }

    private static UpChannel upChannel(ResultSet rs, int n) throws SQLException {
        return new UpChannel(
                        rs.getString("channel_no"),
                        rs.getString("channel_name"),
                        rs.getInt("status"),
                        rs.getInt("service_class"),
                        rs.getString("protocol"),
                        rs.getString("request_url"),
                        rs.getString("query_url"),
                        rs.getString("return_url"),
                        rs.getString("notify_url"),
                        rs.getInt("can_query"),
                        rs.getInt("first_query_time"),
                        rs.getInt("query_replenish_time"),
                        rs.getInt("request_replenish_time"),
                        rs.getInt("timeout_ms"),
                        rs.getString("secret"))
                .withVersion(rs.getLong("version"));
    }

    private static UpShelf upShelf(ResultSet rs, int n) throws SQLException {
        return new UpShelf(
                        rs.getLong("shelf_id"),
                        rs.getString("shelf_name"),
                        rs.getString("channel_no"),
                        rs.getInt("delivery_overtime"),
                        rs.getInt("return_overtime"),
                        rs.getInt("status"))
                .withVersion(rs.getLong("version"));
    }

    private static UpProduct upProduct(ResultSet rs, int n) throws SQLException {
        return new UpProduct(
                        rs.getLong("product_id"),
                        rs.getLong("shelf_id"),
                        rs.getLong("line_id"),
                        rs.getString("carrier_no"),
                        rs.getString("province_no"),
                        rs.getString("city_no"),
                        rs.getInt("invoice_type"),
                        rs.getInt("can_refund"),
                        rs.getLong("face"),
                        rate(rs, "cost_discount"),
                        rate(rs, "commission_discount"),
                        rate(rs, "service_discount"),
                        rs.getInt("limit_count"),
                        rs.getInt("status"))
                .withVersion(rs.getLong("version"));
    }

    private static ErrorCodeEntry errorCode(ResultSet rs, int n) throws SQLException {
        return new ErrorCodeEntry(
                rs.getString("channel_no"),
                rs.getInt("service_class"),
                rs.getString("error_code"),
                rs.getInt("deal_code"),
                rs.getString("error_code_desc"));
    }
}
