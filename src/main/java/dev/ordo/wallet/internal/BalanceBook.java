package dev.ordo.wallet.internal;

import dev.ordo.shared.Cents;
import dev.ordo.wallet.AccountStatus;
import dev.ordo.wallet.BalanceChange;
import dev.ordo.wallet.BalanceOutcome;
import dev.ordo.wallet.BalanceRecord;
import dev.ordo.wallet.ChangeType;
import dev.ordo.wallet.Refusal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Applies a batch of balance changes, in order, to accounts locked for the current transaction.
 * Pure: it reads the locked rows and the existing records of the batch's trade numbers, and says
 * which rows to update and which records to insert.
 */
final class BalanceBook {

    record Key(long accountId, String tradeNo, ChangeType type) {}

    /** A record to insert, with the account version it brings the account to. */
    record NewRecord(BalanceRecord record, long accountVersion) {}

    private final Map<Long, AccountState> accounts = new HashMap<>();
    private final Map<Key, BalanceRecord> records = new HashMap<>();
    private final List<NewRecord> created = new ArrayList<>();
    private final LongSupplier recordIds;
    private final Instant now;

    BalanceBook(
            Collection<AccountState> locked, Collection<BalanceRecord> existing, LongSupplier recordIds, Instant now) {
        locked.forEach(account -> accounts.put(account.accountId, account));
        existing.forEach(record -> records.put(key(record), record));
        this.recordIds = recordIds;
        this.now = now;
    }

    /** @param accountId the id the change's account key resolved to, or null if none */
    BalanceOutcome apply(Long accountId, BalanceChange change) {
        AccountState account = accountId == null ? null : accounts.get(accountId);
        if (account == null) {
            return new BalanceOutcome.Refused(
                    Refusal.ACCOUNT_NOT_FOUND, "no account " + change.account(), change.account());
        }
        long amount = change.amount().value();
        BalanceRecord earlier =
                records.get(new Key(account.accountId, change.tradeNo().value(), change.type()));
        if (earlier != null) {
            return switch (LedgerRules.earlier(
                    change.type(), change.tradeNo(), amount, earlier.amount().value())) {
                case LedgerRules.Refuse refuse ->
                    new BalanceOutcome.Refused(refuse.refusal(), refuse.message(), change.account());
                default -> new BalanceOutcome.Applied(earlier, true);
            };
        }
        if (account.status != AccountStatus.ACTIVE) {
            return new BalanceOutcome.Refused(
                    Refusal.LOCKED, "account " + change.account() + " is locked", change.account());
        }
        BalanceRecord deduct = change.type() == ChangeType.REFUND
                ? records.get(new Key(account.accountId, change.tradeNo().value(), ChangeType.DEDUCT))
                : null;
        var decision = LedgerRules.change(
                change.type(),
                change.tradeNo(),
                amount,
                account.balance,
                -account.credit,
                deduct == null ? null : -deduct.amount().value());
        return switch (decision) {
            case LedgerRules.Refuse refuse ->
                new BalanceOutcome.Refused(refuse.refusal(), refuse.message(), change.account());
            case LedgerRules.Apply apply -> new BalanceOutcome.Applied(record(account, change, apply.after()), false);
            case LedgerRules.Repeat repeat -> throw new IllegalStateException("a change is never a repeat");
        };
    }

    private BalanceRecord record(AccountState account, BalanceChange change, long after) {
        account.balance = after;
        account.version++;
        BalanceRecord record = new BalanceRecord(
                recordIds.getAsLong(),
                account.accountId,
                change.tradeNo(),
                change.type(),
                Cents.of(change.type().signed(change.amount().value())),
                Cents.of(after),
                now);
        records.put(key(record), record);
        created.add(new NewRecord(record, account.version));
        return record;
    }

    /**
     * Applies a group all-or-nothing: when one change is refused, every change of the group applied
     * so far is taken back, and the group's other outcomes become {@link Refusal#GROUP_REFUSED}.
     */
    List<BalanceOutcome> applyGroup(List<Long> accountIds, List<BalanceChange> changes) {
        Map<Long, long[]> before = new HashMap<>();
        for (Long id : accountIds) {
            AccountState account = id == null ? null : accounts.get(id);
            if (account != null) {
                before.putIfAbsent(id, new long[] {account.balance, account.version});
            }
        }
        int createdBefore = created.size();
        List<BalanceOutcome> outcomes = new ArrayList<>(changes.size());
        boolean refused = false;
        for (int i = 0; i < changes.size(); i++) {
            BalanceOutcome outcome = apply(accountIds.get(i), changes.get(i));
            refused |= outcome instanceof BalanceOutcome.Refused;
            outcomes.add(outcome);
        }
        if (!refused) {
            return outcomes;
        }
        before.forEach((id, state) -> {
            AccountState account = accounts.get(id);
            account.balance = state[0];
            account.version = state[1];
        });
        while (created.size() > createdBefore) {
            records.remove(key(created.removeLast().record()));
        }
        List<BalanceOutcome> answered = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            answered.add(
                    outcomes.get(i) instanceof BalanceOutcome.Refused
                            ? outcomes.get(i)
                            : new BalanceOutcome.Refused(
                                    Refusal.GROUP_REFUSED,
                                    "not applied: another change of the same group was refused",
                                    changes.get(i).account()));
        }
        return answered;
    }

    List<NewRecord> created() {
        return created;
    }

    List<AccountState> changedAccounts() {
        return accounts.values().stream()
                .filter(AccountState::changed)
                .sorted((a, b) -> Long.compare(a.accountId, b.accountId))
                .toList();
    }

    private static Key key(BalanceRecord record) {
        return new Key(record.accountId(), record.tradeNo().value(), record.type());
    }
}
