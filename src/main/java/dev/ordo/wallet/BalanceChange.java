package dev.ordo.wallet;

import dev.ordo.shared.Cents;
import java.util.Objects;

/** One requested operation on a balance; {@code amount} is positive whatever the type. */
public record BalanceChange(AccountKey account, TradeNo tradeNo, ChangeType type, Cents amount) {

    public BalanceChange {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(tradeNo, "tradeNo");
        Objects.requireNonNull(type, "type");
        Cents.positive(amount.value());
    }

    public static BalanceChange add(AccountKey account, String tradeNo, long cents) {
        return new BalanceChange(account, new TradeNo(tradeNo), ChangeType.ADD, Cents.of(cents));
    }

    public static BalanceChange deduct(AccountKey account, String tradeNo, long cents) {
        return new BalanceChange(account, new TradeNo(tradeNo), ChangeType.DEDUCT, Cents.of(cents));
    }

    /** Refunds (part of) the deduct made with {@code deductTradeNo}. */
    public static BalanceChange refund(AccountKey account, String deductTradeNo, long cents) {
        return new BalanceChange(account, new TradeNo(deductTradeNo), ChangeType.REFUND, Cents.of(cents));
    }
}
