package dev.ordo.wallet;

import dev.ordo.shared.Cents;
import java.util.List;
import java.util.Optional;

/**
 * The wallet as other modules use it. Every method joins the caller's transaction when there is
 * one, so a balance change commits or rolls back together with the state change that caused it.
 *
 * <p>Concurrency is the database's: account rows are locked in ascending id order, updated with a
 * version check whose affected-row count is verified, and records are unique per (account, trade
 * number, type). This holds at MySQL's default REPEATABLE READ as well as at READ COMMITTED.
 */
public interface Wallet {

    /**
     * Opens the account, or returns it unchanged if it exists with the same name and credit. A null
     * credit opens with none and, for an account that exists, is not compared (its credit may have
     * been set since).
     */
    Opened open(AccountKey key, String name, Cents credit);

    record Opened(Account account, boolean created) {}

    Optional<Account> find(AccountKey key);

    BalanceOutcome apply(BalanceChange change);

    /**
     * Applies changes in order, in one transaction; each has its own outcome (a refused change
     * does not stop the others). Several changes of one account cost one row update.
     */
    List<BalanceOutcome> applyAll(List<BalanceChange> changes);

    /**
     * Applies groups of changes in one transaction, each group all-or-nothing: when one change of a
     * group is refused, none of that group is applied (the others answer {@link Refusal#GROUP_REFUSED}).
     */
    List<List<BalanceOutcome>> applyGroups(List<List<BalanceChange>> groups);

    /** Newest first; empty if the account does not exist. */
    List<BalanceRecord> records(AccountKey key, RecordQuery query);

    /** Locks or unlocks the account; empty if it does not exist. */
    Optional<Account> setStatus(AccountKey key, AccountStatus status);

    /** Sets how far below zero the balance may go; empty if the account does not exist. */
    Optional<Account> setCredit(AccountKey key, Cents credit);
}
