package dev.ordo.wallet;

import java.time.Instant;

/** One applied capacity change: {@code num} signed (deducts negative), {@code remain} after it. */
public record CapacityRecord(
        long recordId,
        long pkgId,
        long accountId,
        TradeNo tradeNo,
        ChangeType type,
        long num,
        long remain,
        Instant createTime) {}
