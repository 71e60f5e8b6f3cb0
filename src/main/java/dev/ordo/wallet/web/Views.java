package dev.ordo.wallet.web;

import dev.ordo.shared.SeedTime;
import dev.ordo.wallet.Account;
import dev.ordo.wallet.BalanceRecord;
import dev.ordo.wallet.CapacityRecord;
import dev.ordo.wallet.ServicePackage;
import java.time.ZoneId;

/** The seed's answer shapes (field names as in seed 003; times as yyyyMMddHHmmss). */
final class Views {

    private Views() {}

    record AccountView(
            long accountId,
            String accountName,
            String ident,
            String groups,
            String eid,
            long balance,
            long credit,
            int status,
            String createTime) {

        static AccountView of(Account a, ZoneId zone) {
            return new AccountView(
                    a.accountId(),
                    a.name(),
                    a.key().ident(),
                    a.key().groups(),
                    a.key().eid(),
                    a.balance().value(),
                    a.credit().value(),
                    a.status().code(),
                    SeedTime.format(a.createTime(), zone));
        }
    }

    record RecordView(
            long recordId,
            long accountId,
            String tradeNo,
            long amount,
            long balance,
            int changeType,
            String createTime) {

        static RecordView of(BalanceRecord r, ZoneId zone) {
            return new RecordView(
                    r.recordId(),
                    r.accountId(),
                    r.tradeNo().value(),
                    r.amount().value(),
                    r.balance().value(),
                    r.type().code(),
                    SeedTime.format(r.createTime(), zone));
        }
    }

    record PackageView(
            long pkgId,
            long accountId,
            String spkgId,
            String pkgName,
            long totalCapacity,
            long totalRemain,
            long capacityDaily,
            long deductToday,
            String expires,
            String bookTime,
            String lastUpdate) {

        static PackageView of(ServicePackage p, ZoneId zone) {
            return new PackageView(
                    p.pkgId(),
                    p.accountId(),
                    p.spkgId(),
                    p.name(),
                    p.totalCapacity(),
                    p.totalRemain(),
                    p.capacityDaily(),
                    p.deductToday(),
                    SeedTime.format(p.expires(), zone),
                    SeedTime.format(p.bookTime(), zone),
                    SeedTime.format(p.lastUpdate(), zone));
        }
    }

    record CapacityRecordView(
            long recordId,
            long pkgId,
            long accountId,
            String tradeNo,
            long num,
            long remain,
            int changeType,
            String createTime) {

        static CapacityRecordView of(CapacityRecord r, ZoneId zone) {
            return new CapacityRecordView(
                    r.recordId(),
                    r.pkgId(),
                    r.accountId(),
                    r.tradeNo().value(),
                    r.num(),
                    r.remain(),
                    r.type().code(),
                    SeedTime.format(r.createTime(), zone));
        }
    }
}
