package dev.ordo.wallet.internal;

import dev.ordo.shared.ErrorCode;
import dev.ordo.shared.Ids;
import dev.ordo.shared.OrdoException;
import dev.ordo.wallet.Account;
import dev.ordo.wallet.AccountKey;
import dev.ordo.wallet.AccountStatus;
import dev.ordo.wallet.CapacityChange;
import dev.ordo.wallet.CapacityOutcome;
import dev.ordo.wallet.CapacityRecord;
import dev.ordo.wallet.ChangeType;
import dev.ordo.wallet.PackageTerms;
import dev.ordo.wallet.RecordQuery;
import dev.ordo.wallet.Refusal;
import dev.ordo.wallet.ServicePackage;
import dev.ordo.wallet.ServicePackages;
import dev.ordo.wallet.TradeNo;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Service packages on JDBC: each operation locks its package row, decides with the same rules as
 * balances ({@link LedgerRules}), writes the row conditionally on its version and inserts a record.
 */
@Service
class DefaultServicePackages implements ServicePackages {

    private final JdbcAccounts accounts;
    private final JdbcPackages packages;
    private final Ids ids;
    private final TransactionTemplate tx;
    private final Clock clock;

    DefaultServicePackages(JdbcAccounts accounts, JdbcPackages packages, Ids ids, TransactionTemplate tx, Clock clock) {
        this.accounts = accounts;
        this.packages = packages;
        this.ids = ids;
        this.tx = tx;
        this.clock = clock;
    }

    /** Today in Ordo's time zone, as yyyymmdd. */
    private int today() {
        return PackageState.day(LocalDate.now(clock));
    }

    /**
     * The day {@code p}'s deducts count against by this node's clock: it does not go back — a node
     * whose clock is behind another's counts against the day that one already counted on.
     */
    private int countingDay(PackageState p) {
        return p.countingDay(LocalDate.now(clock));
    }

    @Override
    public Opened open(AccountKey key, PackageTerms terms) {
        try {
            return tx.execute(status -> openInTransaction(key, terms));
        } catch (DuplicateKeyException race) {
            if (TransactionSynchronizationManager.isActualTransactionActive()) {
                throw race;
            }
            return tx.execute(status -> openInTransaction(key, terms));
        }
    }

    private Opened openInTransaction(AccountKey key, PackageTerms terms) {
        Account account = accounts.find(key).orElseThrow(() -> OrdoException.notFound("no account " + key));
        Optional<PackageState> existing = packages.find(account.accountId(), terms.spkgId(), false);
        if (existing.isPresent()) {
            PackageState p = existing.get();
            long openedWith = packages.records(p.pkgId(), TradeNo.PACKAGE_OPENED.value()).stream()
                    .mapToLong(row -> row.record().num())
                    .findFirst()
                    .orElse(0);
            if (!p.name().equals(terms.name())
                    || p.capacityDaily() != terms.daily()
                    || !p.expires().equals(terms.expires())
                    || openedWith != terms.total()) {
                throw new OrdoException(ErrorCode.CONFLICT, "package " + terms.spkgId() + " exists with other terms");
            }
            return new Opened(p.view(countingDay(p)), false);
        }
        if (account.status() != AccountStatus.ACTIVE) {
            throw new OrdoException(ErrorCode.LOCKED, "account " + key + " is locked");
        }
        Instant now = clock.instant();
        long version = terms.total() > 0 ? 1 : 0;
        PackageState created = new PackageState(
                ids.next("wallet_package"),
                account.accountId(),
                terms.spkgId(),
                terms.name(),
                terms.total(),
                terms.total(),
                terms.daily(),
                0,
                today(),
                terms.expires(),
                now,
                now,
                version);
        packages.insert(created);
        if (terms.total() > 0) {
            packages.insertRecord(
                    new CapacityRecord(
                            ids.next("wallet_package_record"),
                            created.pkgId(),
                            account.accountId(),
                            TradeNo.PACKAGE_OPENED,
                            ChangeType.ADD,
                            terms.total(),
                            terms.total(),
                            now),
                    version,
                    today());
        }
        return new Opened(created.view(today()), true);
    }

    @Override
    public Optional<ServicePackage> find(AccountKey key, String spkgId) {
        return tx.execute(status -> accounts.find(key)
                .flatMap(account -> packages.find(account.accountId(), spkgId, false))
                .map(p -> p.view(countingDay(p))));
    }

    @Override
    public CapacityOutcome apply(CapacityChange change) {
        // The account's id is looked up before the transaction: on MySQL a transaction's first plain
        // read fixes its snapshot, which should come after the package's lock, not before it — else
        // every capacity change that waited for the lock sees an old snapshot and must take the
        // records' locking read (CurrentReads). Account ids never change.
        Optional<Long> accountId = accounts.find(change.account()).map(Account::accountId);
        if (accountId.isEmpty()) {
            return new CapacityOutcome.Refused(Refusal.ACCOUNT_NOT_FOUND, "no account " + change.account());
        }
        boolean[] decided = {false};
        try {
            return tx.execute(status -> {
                CapacityOutcome outcome = applyInTransaction(accountId.get(), change);
                decided[0] = true;
                return outcome;
            });
        } catch (DataAccessException | TransactionException e) {
            if (!decided[0] || e instanceof DataIntegrityViolationException) {
                throw e;
            }
            // Failed as it committed (a connection lost, a timeout): it may have landed.
            OrdoException answer = new OrdoException(ErrorCode.UNAVAILABLE, MAY_STILL_APPLY);
            answer.initCause(e);
            throw answer;
        }
    }

    static final String MAY_STILL_APPLY =
            "the database failed as the change committed: it may still apply, repeat it with the same trade_no";

    private CapacityOutcome applyInTransaction(long accountId, CapacityChange change) {
        Optional<PackageState> locked = packages.find(accountId, change.spkgId(), true);
        if (locked.isEmpty()) {
            return new CapacityOutcome.Refused(
                    Refusal.PACKAGE_NOT_FOUND, "no package " + change.spkgId() + " of " + change.account());
        }
        PackageState p = locked.get();
        // Read after the lock, for its status: a lock of the account waits for nothing here.
        Optional<Account> account = accounts.find(change.account());
        List<JdbcPackages.Row> earlier =
                packages.currentRecords(p, change.tradeNo().value());
        Optional<JdbcPackages.Row> same =
                earlier.stream().filter(r -> r.record().type() == change.type()).findFirst();
        if (same.isPresent()) {
            return switch (LedgerRules.earlier(
                    change.type(),
                    change.tradeNo(),
                    change.num(),
                    same.get().record().num())) {
                case LedgerRules.Refuse refuse -> new CapacityOutcome.Refused(refuse.refusal(), refuse.message());
                default -> new CapacityOutcome.Applied(same.get().record(), true);
            };
        }
        if (account.get().status() != AccountStatus.ACTIVE) {
            return new CapacityOutcome.Refused(Refusal.LOCKED, "account " + change.account() + " is locked");
        }
        Instant now = clock.instant();
        int today = countingDay(p);
        long deductedToday = p.deductedOn(today);
        if (change.type() == ChangeType.DEDUCT) {
            if (!now.isBefore(p.expires())) {
                return new CapacityOutcome.Refused(Refusal.EXPIRED, "package " + p.spkgId() + " has expired");
            }
            if (p.capacityDaily() > 0 && deductedToday + change.num() > p.capacityDaily()) {
                return new CapacityOutcome.Refused(
                        Refusal.DAILY_LIMIT,
                        "daily limit " + p.capacityDaily() + " reached (" + deductedToday + " deducted today)");
            }
        }
        Optional<JdbcPackages.Row> deduct = earlier.stream()
                .filter(r -> r.record().type() == ChangeType.DEDUCT)
                .findFirst();
        var decision = LedgerRules.change(
                change.type(),
                change.tradeNo(),
                change.num(),
                p.totalRemain(),
                0,
                deduct.map(r -> -r.record().num()).orElse(null));
        if (decision instanceof LedgerRules.Refuse refuse) {
            return new CapacityOutcome.Refused(refuse.refusal(), refuse.message());
        }
        long remain = ((LedgerRules.Apply) decision).after();
        long total = p.totalCapacity();
        long todayCount = deductedToday;
        switch (change.type()) {
            case ADD -> {
                if (total > Long.MAX_VALUE - change.num()) {
                    return new CapacityOutcome.Refused(Refusal.OVERFLOW, "the capacity would overflow");
                }
                total += change.num();
            }
            case DEDUCT -> todayCount += change.num();
            case REFUND -> {
                if (deduct.orElseThrow().deductDay() == today) {
                    todayCount = Math.max(0, todayCount - change.num());
                }
            }
        }
        PackageState next = new PackageState(
                p.pkgId(),
                p.accountId(),
                p.spkgId(),
                p.name(),
                total,
                remain,
                p.capacityDaily(),
                todayCount,
                today,
                p.expires(),
                p.bookTime(),
                now,
                p.version() + 1);
        packages.update(next, p.version());
        CapacityRecord record = new CapacityRecord(
                ids.next("wallet_package_record"),
                p.pkgId(),
                p.accountId(),
                change.tradeNo(),
                change.type(),
                change.type().signed(change.num()),
                remain,
                now);
        packages.insertRecord(record, next.version(), today);
        return new CapacityOutcome.Applied(record, false);
    }

    @Override
    public List<CapacityRecord> records(AccountKey key, String spkgId, RecordQuery query) {
        return tx.execute(status -> accounts.find(key)
                .map(account -> {
                    Long pkgId = null;
                    if (spkgId != null) {
                        Optional<PackageState> p = packages.find(account.accountId(), spkgId, false);
                        if (p.isEmpty()) {
                            return List.<CapacityRecord>of();
                        }
                        pkgId = p.get().pkgId();
                    }
                    return packages.query(account.accountId(), pkgId, query);
                })
                .orElse(List.of()));
    }
}
