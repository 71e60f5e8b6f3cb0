package dev.ordo.wallet.internal;

import dev.ordo.shared.Dialect;
import java.util.function.BooleanSupplier;
import org.springframework.stereotype.Component;

/**
 * How a caller holding an account's or a package's lock reads its records of a trade number so that
 * it sees what was committed last. On MySQL and MariaDB (REPEATABLE READ) a plain read sees the
 * transaction's snapshot, which may predate the lock (a plain read earlier in the transaction fixed
 * it) and so miss a record a concurrent repeat of the trade number committed meanwhile — and answer
 * that repeat as refused. Every record comes with its row's version, so the snapshot is current
 * exactly when it sees the versions the rows were locked at; only when it does not are the records
 * read with a lock, which sees the latest (a locking read of a trade number not there yet locks the
 * gap where it would go and could deadlock with another row's insert, so it is kept to this rare
 * case). Elsewhere (READ COMMITTED) every statement sees the latest commit.
 */
@Component
class CurrentReads {

    private final boolean snapshots;

    CurrentReads(Dialect dialect) {
        this.snapshots = dialect == Dialect.MYSQL;
    }

    /** What to append to the records' select: a lock where the snapshot misses a locked version. */
    String lockUnless(BooleanSupplier snapshotSeesLockedVersions) {
        return snapshots && !snapshotSeesLockedVersions.getAsBoolean() ? " for update" : "";
    }
}
