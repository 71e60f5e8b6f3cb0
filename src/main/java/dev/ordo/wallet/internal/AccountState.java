package dev.ordo.wallet.internal;

import dev.ordo.shared.Cents;
import dev.ordo.wallet.Account;
import dev.ordo.wallet.AccountKey;
import dev.ordo.wallet.AccountStatus;
import java.time.Instant;

/** An account row as locked inside one transaction; balance and version move as changes apply. */
final class AccountState {

    final long accountId;
    final AccountKey key;
    final String name;
    final long credit;
    final AccountStatus status;
    final Instant createTime;
    final long lockedVersion;
    final long lockedBalance;
    long balance;
    long version;

    AccountState(
            long accountId,
            AccountKey key,
            String name,
            long balance,
            long credit,
            AccountStatus status,
            long version,
            Instant createTime) {
        this.accountId = accountId;
        this.key = key;
        this.name = name;
        this.balance = balance;
        this.lockedBalance = balance;
        this.credit = credit;
        this.status = status;
        this.lockedVersion = version;
        this.version = version;
        this.createTime = createTime;
    }

    /** Back to the row as locked, the changes applied since forgotten. */
    void reset() {
        balance = lockedBalance;
        version = lockedVersion;
    }

    boolean changed() {
        return version != lockedVersion;
    }

    Account toAccount() {
        return new Account(accountId, key, name, Cents.of(balance), Cents.of(credit), status, createTime);
    }
}
