package dev.ordo.wallet.internal;

import dev.ordo.shared.SqlTime;
import dev.ordo.wallet.CapacityRecord;
import dev.ordo.wallet.ChangeType;
import dev.ordo.wallet.RecordQuery;
import dev.ordo.wallet.TradeNo;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Service packages and their records, in explicit SQL. */
@Repository
class JdbcPackages {

    /** A stored record with the day it counted against (for refunds of today's deducts). */
    record Row(CapacityRecord record, int deductDay) {}

    private final JdbcClient jdbc;
    private final CurrentReads currentReads;

    JdbcPackages(JdbcClient jdbc, CurrentReads currentReads) {
        this.jdbc = jdbc;
        this.currentReads = currentReads;
    }

    Optional<PackageState> find(long accountId, String spkgId, boolean forUpdate) {
        return jdbc.sql("select * from wallet_package where account_id = :account and spkg_id = :sid"
                        + (forUpdate ? " for update" : ""))
                .param("account", accountId)
                .param("sid", spkgId)
                .query(JdbcPackages::state)
                .optional();
    }

    void insert(PackageState p) {
        jdbc.sql("""
                        insert into wallet_package (pkg_id, account_id, spkg_id, pkg_name, total_capacity, total_remain,
                            capacity_daily, deduct_today, deduct_day, expires, book_time, last_update, version)
                        values (:id, :account, :sid, :name, :total, :remain, :daily, :today, :day, :expires, :booked,
                            :updated, :version)""")
                .param("id", p.pkgId())
                .param("account", p.accountId())
                .param("sid", p.spkgId())
                .param("name", p.name())
                .param("total", p.totalCapacity())
                .param("remain", p.totalRemain())
                .param("daily", p.capacityDaily())
                .param("today", p.deductToday())
                .param("day", p.deductDay())
                .param("expires", SqlTime.utc(p.expires()))
                .param("booked", SqlTime.utc(p.bookTime()))
                .param("updated", SqlTime.utc(p.lastUpdate()))
                .param("version", p.version())
                .update();
    }

    /** Writes the new state if the row still has the version read under the lock. */
    void update(PackageState p, long lockedVersion) {
        int updated = jdbc.sql("""
                        update wallet_package set total_capacity = :total, total_remain = :remain,
                            deduct_today = :today, deduct_day = :day, last_update = :updated, version = :version
                        where pkg_id = :id and version = :locked""")
                .param("total", p.totalCapacity())
                .param("remain", p.totalRemain())
                .param("today", p.deductToday())
                .param("day", p.deductDay())
                .param("updated", SqlTime.utc(p.lastUpdate()))
                .param("version", p.version())
                .param("id", p.pkgId())
                .param("locked", lockedVersion)
                .update();
        if (updated != 1) {
            throw new OptimisticLockingFailureException("package " + p.pkgId() + " changed under the update");
        }
    }

    /** The package's records of a trade number, as this transaction sees them. */
    List<Row> records(long pkgId, String tradeNo) {
        return records(pkgId, tradeNo, "");
    }

    /** The records of a trade number of a package this transaction has locked, as last committed ({@link CurrentReads}). */
    List<Row> currentRecords(PackageState locked, String tradeNo) {
        return records(
                locked.pkgId(),
                tradeNo,
                currentReads.lockUnless(() -> jdbc.sql("select version from wallet_package where pkg_id = :id")
                        .param("id", locked.pkgId())
                        .query(Long.class)
                        .optional()
                        // No row: a package committed after this transaction's snapshot.
                        .filter(version -> version == locked.version())
                        .isPresent()));
    }

    private List<Row> records(long pkgId, String tradeNo, String lock) {
        return jdbc.sql("select * from wallet_package_record where pkg_id = :id and trade_no = :tradeNo" + lock)
                .param("id", pkgId)
                .param("tradeNo", tradeNo)
                .query((rs, n) -> new Row(record(rs, n), rs.getInt("deduct_day")))
                .list();
    }

    void insertRecord(CapacityRecord r, long pkgVersion, int deductDay) {
        jdbc.sql("""
                        insert into wallet_package_record (record_id, pkg_id, account_id, trade_no, change_type, num,
                            remain, pkg_version, deduct_day, create_time)
                        values (:id, :pkg, :account, :tradeNo, :type, :num, :remain, :version, :day, :time)""")
                .param("id", r.recordId())
                .param("pkg", r.pkgId())
                .param("account", r.accountId())
                .param("tradeNo", r.tradeNo().value())
                .param("type", r.type().code())
                .param("num", r.num())
                .param("remain", r.remain())
                .param("version", pkgVersion)
                .param("day", deductDay)
                .param("time", SqlTime.utc(r.createTime()))
                .update();
    }

    /**
     * Records of one package ({@code pkgId}) or of all of an account's packages, newest first: one
     * package's by its version, the order they were applied in, whatever the clocks of the nodes that
     * wrote them; several packages' by time.
     */
    List<CapacityRecord> query(long accountId, Long pkgId, RecordQuery query) {
        String select = "select * from wallet_package_record where account_id = :account"
                + (pkgId == null ? "" : " and pkg_id = :pkg");
        String newestFirst = pkgId == null ? "create_time desc, record_id desc" : "pkg_version desc";
        var statement = RecordFilter.page(jdbc, select, newestFirst, query).param("account", accountId);
        if (pkgId != null) {
            statement = statement.param("pkg", pkgId);
        }
        return statement.query(JdbcPackages::record).list();
    }

    private static PackageState state(ResultSet rs, int row) throws SQLException {
        return new PackageState(
                rs.getLong("pkg_id"),
                rs.getLong("account_id"),
                rs.getString("spkg_id"),
                rs.getString("pkg_name"),
                rs.getLong("total_capacity"),
                rs.getLong("total_remain"),
                rs.getLong("capacity_daily"),
                rs.getLong("deduct_today"),
                rs.getInt("deduct_day"),
                SqlTime.instant(rs, "expires"),
                SqlTime.instant(rs, "book_time"),
                SqlTime.instant(rs, "last_update"),
                rs.getLong("version"));
    }

    private static CapacityRecord record(ResultSet rs, int row) throws SQLException {
        return new CapacityRecord(
                rs.getLong("record_id"),
                rs.getLong("pkg_id"),
                rs.getLong("account_id"),
                new TradeNo(rs.getString("trade_no")),
                ChangeType.ofCode(rs.getInt("change_type")),
                rs.getLong("num"),
                rs.getLong("remain"),
                SqlTime.instant(rs, "create_time"));
    }
}
