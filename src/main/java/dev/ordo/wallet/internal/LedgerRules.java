package dev.ordo.wallet.internal;

import dev.ordo.wallet.ChangeType;
import dev.ordo.wallet.Refusal;
import dev.ordo.wallet.TradeNo;

/**
 * The arithmetic shared by balances and capacities (SPEC B2, B3), free of storage: what an add,
 * deduct or refund does to a value, and what a repeated trade number means.
 */
final class LedgerRules {

    private LedgerRules() {}

    sealed interface Decision {}

    /** The same operation was applied before: answer its record. */
    record Repeat() implements Decision {}

    record Refuse(Refusal refusal, String message) implements Decision {}

    /** Apply: the value becomes {@code after}. */
    record Apply(long after) implements Decision {}

    /**
     * A record with the same owner, trade number and type exists: the same amount is a repeat of
     * that operation, another amount a conflict.
     */
    static Decision earlier(ChangeType type, TradeNo tradeNo, long amount, long earlierAmount) {
        long earlierMagnitude = Math.abs(earlierAmount);
        if (earlierMagnitude == amount) {
            return new Repeat();
        }
        return new Refuse(
                Refusal.TRADE_NO_CONFLICT,
                "trade_no " + tradeNo + " was already used: " + type.name().toLowerCase() + " of " + earlierMagnitude
                        + ", not " + amount);
    }

    /**
     * The value after the change.
     *
     * @param floor           lowest value a deduct may leave (minus the credit for a balance, 0 for a capacity)
     * @param deductMagnitude for a refund: how much the deduct with the same trade number took, or
     *                        null if there is no such deduct
     */
    static Decision change(
            ChangeType type, TradeNo tradeNo, long amount, long current, long floor, Long deductMagnitude) {
        Decision decision = decide(type, tradeNo, amount, current, floor, deductMagnitude);
        return decision instanceof Apply apply && apply.after() > MAX_VALUE
                ? new Refuse(Refusal.OVERFLOW, "the result would exceed " + MAX_VALUE)
                : decision;
    }

    /**
     * The most a balance or a capacity may hold: half of what a bigint holds, so that the database's
     * own arithmetic on it (balance + credit in the account's check and the credit limit's update)
     * cannot overflow either.
     */
    static final long MAX_VALUE = Long.MAX_VALUE / 2;

    private static Decision decide(
            ChangeType type, TradeNo tradeNo, long amount, long current, long floor, Long deductMagnitude) {
        try {
            return switch (type) {
                case ADD -> new Apply(Math.addExact(current, amount));
                case DEDUCT -> {
                    long after = Math.subtractExact(current, amount);
                    yield after < floor
                            ? new Refuse(
                                    Refusal.INSUFFICIENT,
                                    "insufficient: " + amount + " asked, " + Math.subtractExact(current, floor)
                                            + " available")
                            : new Apply(after);
                }
                case REFUND -> {
                    if (deductMagnitude == null) {
                        yield new Refuse(Refusal.DEDUCT_NOT_FOUND, "no deduct with trade_no " + tradeNo + " to refund");
                    }
                    yield amount > deductMagnitude
                            ? new Refuse(
                                    Refusal.REFUND_EXCEEDS_DEDUCT,
                                    "refund of " + amount + " exceeds the deduct of " + deductMagnitude)
                            : new Apply(Math.addExact(current, amount));
                }
            };
        } catch (ArithmeticException overflow) {
            return new Refuse(Refusal.OVERFLOW, "the result would overflow");
        }
    }
}
