package dev.ordo.wallet.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.ordo.shared.Cents;
import dev.ordo.shared.ErrorCode;
import dev.ordo.shared.Ids;
import dev.ordo.shared.OrdoException;
import dev.ordo.wallet.Account;
import dev.ordo.wallet.AccountKey;
import dev.ordo.wallet.AccountStatus;
import dev.ordo.wallet.BalanceChange;
import dev.ordo.wallet.BalanceOutcome;
import dev.ordo.wallet.BalanceRecord;
import dev.ordo.wallet.ChangeType;
import dev.ordo.wallet.RecordQuery;
import dev.ordo.wallet.Wallet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The wallet on JDBC. Every method runs in the caller's transaction, or in its own. */
@Service
class DefaultWallet implements Wallet {

    private final JdbcAccounts accounts;
    private final Ids ids;
    private final TransactionTemplate tx;
    private final Clock clock;
    /** Account keys never change and accounts are never deleted, so their ids can be remembered. */
    private final Cache<AccountKey, Long> idsByKey =
            Caffeine.newBuilder().maximumSize(200_000).build();

    DefaultWallet(JdbcAccounts accounts, Ids ids, TransactionTemplate tx, Clock clock) {
        this.accounts = accounts;
        this.ids = ids;
        this.tx = tx;
        this.clock = clock;
    }

    @Override
    public Opened open(AccountKey key, String name, Cents credit) {
        if (credit != null && (credit.isNegative() || credit.greaterThan(Cents.of(Cents.MAX_AMOUNT)))) {
            throw new OrdoException(ErrorCode.AMOUNT_INVALID, "credit must be between 0 and " + Cents.MAX_AMOUNT);
        }
        Optional<Account> existing = find(key);
        if (existing.isPresent()) {
            return new Opened(same(existing.get(), name, credit), false);
        }
        try {
            tx.executeWithoutResult(status -> accounts.insert(
                    ids.next("wallet_account"), key, name, credit == null ? 0 : credit.value(), clock.instant()));
        } catch (DuplicateKeyException race) {
            if (TransactionSynchronizationManager.isActualTransactionActive()) {
                throw race; // the caller's transaction is spoiled; its retry will find the account
            }
            return new Opened(same(find(key).orElseThrow(), name, credit), false);
        }
        return new Opened(find(key).orElseThrow(), true);
    }

    private static Account same(Account account, String name, Cents credit) {
        if (!account.name().equals(name) || (credit != null && !account.credit().equals(credit))) {
            throw new OrdoException(
                    ErrorCode.CONFLICT,
                    "account " + account.key() + " exists with name '" + account.name() + "' and credit "
                            + account.credit().value());
        }
        return account;
    }

    @Override
    public Optional<Account> find(AccountKey key) {
        return tx.execute(status -> accounts.find(key));
    }

    @Override
    public BalanceOutcome apply(BalanceChange change) {
        return applyAll(List.of(change)).getFirst();
    }

    @Override
    public List<BalanceOutcome> applyAll(List<BalanceChange> changes) {
        if (changes.isEmpty()) {
            return List.of();
        }
        return tx.execute(status -> {
            Prepared prepared = prepare(changes, true);
            List<BalanceOutcome> outcomes = new ArrayList<>(changes.size());
            for (BalanceChange change : changes) {
                outcomes.add(prepared.book().apply(prepared.idOf().get(change.account()), change));
            }
            write(prepared.book());
            return outcomes;
        });
    }

    @Override
    public List<List<BalanceOutcome>> applyGroups(List<List<BalanceChange>> groups) {
        return applyGroups(groups, false);
    }

    /**
     * As {@link #applyGroups(List)}; with {@code assumeNew}, for a caller that reruns its whole
     * transaction without it when a record's unique key refuses an insert, adds and deducts are
     * taken as new without first reading the records of their trade numbers: the insert's unique key
     * finds a repeat anyway (a {@link DuplicateKeyException}, which spoils the transaction), and
     * repeats are rare. Refunds always read, they need their deduct.
     */
    List<List<BalanceOutcome>> applyGroups(List<List<BalanceChange>> groups, boolean assumeNew) {
        List<BalanceChange> all = groups.stream().flatMap(List::stream).toList();
        if (all.isEmpty()) {
            return groups.stream().map(g -> List.<BalanceOutcome>of()).toList();
        }
        boolean lookUp = !assumeNew || all.stream().anyMatch(c -> c.type() == ChangeType.REFUND);
        return tx.execute(status -> {
            Prepared prepared = prepare(all, lookUp);
            List<List<BalanceOutcome>> outcomes = applyGroups(prepared, groups);
            if (!lookUp && outcomes.stream().flatMap(List::stream).anyMatch(BalanceOutcome.Refused.class::isInstance)) {
                // A refused change may be a repeat, whose answer is its first record: read the
                // records and decide again (nothing is written yet).
                prepared = withRecords(prepared, all);
                outcomes = applyGroups(prepared, groups);
            }
            write(prepared.book());
            return outcomes;
        });
    }

    private static List<List<BalanceOutcome>> applyGroups(Prepared prepared, List<List<BalanceChange>> groups) {
        List<List<BalanceOutcome>> outcomes = new ArrayList<>(groups.size());
        for (List<BalanceChange> group : groups) {
            List<Long> ids =
                    group.stream().map(c -> prepared.idOf().get(c.account())).toList();
            outcomes.add(prepared.book().applyGroup(ids, group));
        }
        return outcomes;
    }

    private record Prepared(Map<AccountKey, Long> idOf, List<AccountState> locked, BalanceBook book) {}

    private void write(BalanceBook book) {
        accounts.updateBalances(book.changedAccounts());
        accounts.insertRecords(book.created());
    }

    /**
     * Locks the accounts of the changes and, with {@code lookUp}, reads their records of these trade
     * numbers, in the caller's transaction.
     */
    private Prepared prepare(List<BalanceChange> changes, boolean lookUp) {
        Set<AccountKey> keys = new LinkedHashSet<>();
        for (BalanceChange change : changes) {
            keys.add(change.account());
        }
        Map<AccountKey, Long> idOf = resolve(keys);
        List<AccountState> locked = accounts.lock(new TreeSet<>(idOf.values()));
        if (locked.size() < idOf.size()) {
            // A remembered id that no row carries (its creating transaction rolled back): forget, retry once.
            Set<Long> present = new HashSet<>();
            locked.forEach(account -> present.add(account.accountId));
            idOf.entrySet().removeIf(entry -> {
                boolean stale = !present.contains(entry.getValue());
                if (stale) {
                    idsByKey.invalidate(entry.getKey());
                }
                return stale;
            });
            Map<AccountKey, Long> again = resolve(keys);
            again.keySet().removeAll(idOf.keySet());
            if (!again.isEmpty()) {
                locked = new ArrayList<>(locked);
                locked.addAll(accounts.lock(new TreeSet<>(again.values())));
                idOf.putAll(again);
            }
        }
        return new Prepared(idOf, locked, book(locked, lookUp ? pairs(changes, idOf) : List.of()));
    }

    /** The same accounts back at their locked state, with the records of the changes' trade numbers read. */
    private Prepared withRecords(Prepared prepared, List<BalanceChange> changes) {
        prepared.locked().forEach(AccountState::reset);
        return new Prepared(
                prepared.idOf(), prepared.locked(), book(prepared.locked(), pairs(changes, prepared.idOf())));
    }

    private BalanceBook book(List<AccountState> locked, List<Object[]> pairs) {
        return new BalanceBook(
                locked, accounts.currentRecords(locked, pairs), () -> ids.next("wallet_record"), clock.instant());
    }

    /** The (account id, trade number) pairs of the changes whose accounts exist, each once. */
    private static List<Object[]> pairs(List<BalanceChange> changes, Map<AccountKey, Long> idOf) {
        List<Object[]> pairs = new ArrayList<>();
        Set<List<Object>> seen = new HashSet<>();
        for (BalanceChange change : changes) {
            Long id = idOf.get(change.account());
            if (id != null && seen.add(List.of(id, change.tradeNo().value()))) {
                pairs.add(new Object[] {id, change.tradeNo().value()});
            }
        }
        return pairs;
    }

    /** Ids of the keys that exist. */
    private Map<AccountKey, Long> resolve(Set<AccountKey> keys) {
        Map<AccountKey, Long> found = new HashMap<>();
        for (AccountKey key : keys) {
            Long id = idsByKey.getIfPresent(key);
            if (id == null) {
                Optional<Account> account = accounts.find(key);
                if (account.isEmpty()) {
                    continue;
                }
                id = account.get().accountId();
                idsByKey.put(key, id);
            }
            found.put(key, id);
        }
        return found;
    }

    @Override
    public List<BalanceRecord> records(AccountKey key, RecordQuery query) {
        return tx.execute(status -> accounts.find(key)
                .map(account -> accounts.query(account.accountId(), query))
                .orElse(List.of()));
    }

    @Override
    public Optional<Account> setStatus(AccountKey key, AccountStatus status) {
        return tx.execute(s -> accounts.find(key).flatMap(account -> {
            accounts.setStatus(account.accountId(), status);
            return accounts.find(key);
        }));
    }

    @Override
    public Optional<Account> setCredit(AccountKey key, Cents credit) {
        if (credit.isNegative() || credit.greaterThan(Cents.of(Cents.MAX_AMOUNT))) {
            throw new OrdoException(ErrorCode.AMOUNT_INVALID, "credit must be between 0 and " + Cents.MAX_AMOUNT);
        }
        return tx.execute(s -> accounts.find(key).flatMap(account -> {
            if (!accounts.setCredit(account.accountId(), credit.value())) {
                throw new OrdoException(
                        ErrorCode.INSUFFICIENT,
                        "the balance " + account.balance().value() + " is below minus the new credit");
            }
            return accounts.find(key);
        }));
    }
}
