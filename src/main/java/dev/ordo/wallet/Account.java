package dev.ordo.wallet;

import dev.ordo.shared.Cents;
import java.time.Instant;

/** A wallet account as it stands. {@code balance + credit} is what it can still spend. */
public record Account(
        long accountId,
        AccountKey key,
        String name,
        Cents balance,
        Cents credit,
        AccountStatus status,
        Instant createTime) {}
