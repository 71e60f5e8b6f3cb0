package dev.ordo.wallet;

import dev.ordo.shared.Cents;
import java.time.Instant;

/**
 * One applied change: {@code amount} is signed (deducts negative), {@code balance} is the balance
 * right after it. An account's records sum to its balance (SPEC B5).
 */
public record BalanceRecord(
        long recordId,
        long accountId,
        TradeNo tradeNo,
        ChangeType type,
        Cents amount,
        Cents balance,
        Instant createTime) {}
