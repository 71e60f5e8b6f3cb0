package dev.ordo.wallet;

import java.util.Objects;

/** One requested operation on a package's capacity; {@code num} is positive whatever the type. */
public record CapacityChange(AccountKey account, String spkgId, TradeNo tradeNo, ChangeType type, long num) {

    public static final long MAX_NUM = 1_000_000_000_000L;

    public CapacityChange {
        Objects.requireNonNull(account, "account");
        Identifiers.id("sid", spkgId);
        Objects.requireNonNull(tradeNo, "tradeNo");
        Objects.requireNonNull(type, "type");
        if (num < 1 || num > MAX_NUM) {
            throw new IllegalArgumentException("num must be between 1 and " + MAX_NUM);
        }
    }
}
