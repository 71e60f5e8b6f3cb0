package dev.ordo.wallet;

import java.util.List;
import java.util.Optional;

/**
 * Group commit for callers that change a busy account: a channel's account is deducted by every
 * order it places. A submission is a state change (the order step that causes the money movement)
 * and a group of balance changes, committed together or not at all, in one transaction shared with
 * whatever other callers submit at the same moment.
 *
 * <p>The state change runs first and the balance changes last, so a busy account's row is locked
 * only for the balance changes and the commit: one row update and one commit per batch rather than
 * per caller. Submissions whose first change is to the same account share a lane, so they meet in
 * one batch (or consecutive ones) instead of waiting for each other's row lock in batches side by
 * side: callers put first the account their submissions share most (the channel's when an order
 * pays, the supplier's when it is settled).
 *
 * <p>The caller blocks until its batch has committed. If the state change throws, the exception
 * reaches this caller alone (its neighbours are committed without it).
 */
public interface WalletBatches {

    /**
     * @param changes     applied all or none, after {@code stateChange}; none: the state change
     *                    alone commits, in a transaction of its own
     * @param stateChange runs in the batch's transaction before the changes; must be idempotent
     *                    (it may run again when a batch is retried)
     * @return empty when the state change and every change committed; otherwise the first refusal
     *     (e.g. insufficient balance), and then nothing of this submission was committed
     */
    Optional<BalanceOutcome.Refused> commitWith(List<BalanceChange> changes, Runnable stateChange);
}
