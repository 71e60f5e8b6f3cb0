package dev.ordo.wallet.internal;

import dev.ordo.shared.Cents;
import dev.ordo.shared.Dialect;
import dev.ordo.shared.SqlTime;
import dev.ordo.wallet.Account;
import dev.ordo.wallet.AccountKey;
import dev.ordo.wallet.AccountStatus;
import dev.ordo.wallet.BalanceRecord;
import dev.ordo.wallet.ChangeType;
import dev.ordo.wallet.RecordQuery;
import dev.ordo.wallet.TradeNo;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Repository;

/** Accounts and their records, in explicit SQL. */
@Repository
class JdbcAccounts {

    private static final String ACCOUNT_COLUMNS =
            "account_id, ident, account_group, eid, account_name, balance, credit, status, version, create_time";

    private final JdbcClient jdbc;
    private final JdbcTemplate template;

    private final CurrentReads currentReads;
    private final Dialect dialect;

    JdbcAccounts(JdbcClient jdbc, JdbcTemplate template, CurrentReads currentReads, Dialect dialect) {
        this.jdbc = jdbc;
        this.template = template;
        this.currentReads = currentReads;
        this.dialect = dialect;
    }

    Optional<Account> find(AccountKey key) {
        return jdbc.sql("select " + ACCOUNT_COLUMNS
                        + " from wallet_account where ident = :ident and account_group = :groups and eid = :eid")
                .param("ident", key.ident())
                .param("groups", key.groups())
                .param("eid", key.eid())
                .query((rs, n) -> state(rs).toAccount())
                .optional();
    }

    void insert(long accountId, AccountKey key, String name, long credit, Instant now) {
        jdbc.sql("""
                        insert into wallet_account (account_id, ident, account_group, eid, account_name, balance, credit,
                                                    status, version, create_time)
                        values (:id, :ident, :groups, :eid, :name, 0, :credit, :status, 0, :now)""")
                .param("id", accountId)
                .param("ident", key.ident())
                .param("groups", key.groups())
                .param("eid", key.eid())
                .param("name", name)
                .param("credit", credit)
                .param("status", AccountStatus.ACTIVE.code())
                .param("now", SqlTime.utc(now))
                .update();
    }

    /** Locks the rows for this transaction, in ascending id order so that two batches cannot deadlock. */
    List<AccountState> lock(Collection<Long> accountIds) {
        if (accountIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("select " + ACCOUNT_COLUMNS
                        + " from wallet_account where account_id in (:ids) order by account_id for update")
                .param("ids", padded(accountIds))
                .query((rs, n) -> state(rs))
                .list();
    }

    /** The records of these pairs as last committed, for a caller holding the accounts' locks ({@link CurrentReads}). */
    List<BalanceRecord> currentRecords(List<AccountState> locked, Collection<Object[]> accountAndTradeNo) {
        if (accountAndTradeNo.isEmpty()) {
            return List.of();
        }
        return records(accountAndTradeNo, currentReads.lockUnless(() -> snapshotSees(locked)));
    }

    /** Whether this transaction's snapshot holds the versions the accounts were locked at. */
    private boolean snapshotSees(List<AccountState> locked) {
        Map<Long, Long> lockedVersions = new HashMap<>();
        locked.forEach(a -> lockedVersions.put(a.accountId, a.lockedVersion));
        List<long[]> seen = jdbc.sql("select account_id, version from wallet_account where account_id in (:ids)")
                .param("ids", padded(lockedVersions.keySet()))
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .list();
        return seen.size() == lockedVersions.size() && seen.stream().allMatch(v -> lockedVersions.get(v[0]) == v[1]);
    }

    /**
     * Every record (any type) of these (account id, trade number) pairs. When the pairs are most of
     * the accounts × the trade numbers (a batch of orders moving money on a few accounts), one scan
     * of the unique key for all of them, the pairs picked from it: a list of pairs is planned by
     * PostgreSQL as a bitmap OR of one index scan per pair, set up anew for every batch. When they are
     * not (a batch of deducts from many accounts), the list of pairs, which probes only those.
     */
    private List<BalanceRecord> records(Collection<Object[]> accountAndTradeNo, String lock) {
        Set<Long> accountIds = new LinkedHashSet<>();
        Set<String> tradeNos = new LinkedHashSet<>();
        Set<String> pairs = new HashSet<>();
        for (Object[] pair : accountAndTradeNo) {
            accountIds.add((Long) pair[0]);
            tradeNos.add((String) pair[1]);
            pairs.add(pair[0] + " " + pair[1]);
        }
        if ((long) accountIds.size() * tradeNos.size() > 4L * pairs.size()) {
            return jdbc.sql("select * from wallet_record where (account_id, trade_no) in (:pairs)" + lock)
                    .param("pairs", padded(accountAndTradeNo))
                    .query(JdbcAccounts::record)
                    .list();
        }
        return jdbc
                .sql("select * from wallet_record where account_id in (:ids) and trade_no in (:tradeNos)" + lock)
                .param("ids", padded(accountIds))
                .param("tradeNos", padded(tradeNos))
                .query(JdbcAccounts::record)
                .list()
                .stream()
                .filter(r -> pairs.contains(r.accountId() + " " + r.tradeNo().value()))
                .toList();
    }

    /**
     * The values, the last one repeated up to the next power of two: an {@code in} list then takes one
     * of a few lengths, so the database sees a few statements it can keep prepared rather than a new
     * one for every batch size.
     */
    static <T> List<T> padded(Collection<T> values) {
        List<T> list = new ArrayList<>(values);
        int size = list.size() <= 1 ? list.size() : Integer.highestOneBit(list.size() - 1) << 1;
        T last = list.getLast();
        while (list.size() < size) {
            list.add(last);
        }
        return list;
    }

    /**
     * Writes the new balances. Each update is conditional on the version read under the lock, and
     * every affected-row count is verified: a lost update is impossible even if the lock were not there.
     * On PostgreSQL several accounts go as one statement: it prepares the table's check constraints
     * and an executor for every statement it runs, the most of a batch's cost in the database after
     * the index inserts when its deducts were spread over many accounts.
     */
    void updateBalances(List<AccountState> changed) {
        if (changed.isEmpty()) {
            return;
        }
        if (dialect == Dialect.POSTGRESQL && changed.size() > 1) {
            updateBalancesAtOnce(changed);
            return;
        }
        List<Object[]> rows = new ArrayList<>(changed.size());
        for (AccountState account : changed) {
            rows.add(new Object[] {account.balance, account.version, account.accountId, account.lockedVersion});
        }
        int[] counts = template.batchUpdate(
                "update wallet_account set balance = ?, version = ? where account_id = ? and version = ?", rows);
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 1) {
                throw new OptimisticLockingFailureException("account " + changed.get(i).accountId
                        + " changed under the batch (expected version " + changed.get(i).lockedVersion + ")");
            }
        }
    }

    private void updateBalancesAtOnce(List<AccountState> changed) {
        int n = changed.size();
        Long[][] columns = new Long[4][n];
        for (int i = 0; i < n; i++) {
            AccountState account = changed.get(i);
            columns[0][i] = account.accountId;
            columns[1][i] = account.lockedVersion;
            columns[2][i] = account.balance;
            columns[3][i] = account.version;
        }
        List<Long> updated = jdbc.sql("""
                        update wallet_account a set balance = v.balance, version = v.version
                          from unnest(:ids, :lockedVersions, :balances, :versions)
                               as v(account_id, locked_version, balance, version)
                         where a.account_id = v.account_id and a.version = v.locked_version
                        returning a.account_id""")
                .param("ids", new SqlArrayValue("bigint", (Object[]) columns[0]))
                .param("lockedVersions", new SqlArrayValue("bigint", (Object[]) columns[1]))
                .param("balances", new SqlArrayValue("bigint", (Object[]) columns[2]))
                .param("versions", new SqlArrayValue("bigint", (Object[]) columns[3]))
                .query(Long.class)
                .list();
        if (updated.size() != n) {
            Set<Long> written = new HashSet<>(updated);
            AccountState moved = changed.stream()
                    .filter(a -> !written.contains(a.accountId))
                    .findFirst()
                    .orElseThrow();
            throw new OptimisticLockingFailureException("account " + moved.accountId
                    + " changed under the batch (expected version " + moved.lockedVersion + ")");
        }
    }

    void insertRecords(List<BalanceBook.NewRecord> created) {
        if (created.isEmpty()) {
            return;
        }
        List<Object[]> rows = new ArrayList<>(created.size());
        for (BalanceBook.NewRecord row : created) {
            BalanceRecord r = row.record();
            rows.add(new Object[] {
                r.recordId(),
                r.accountId(),
                r.tradeNo().value(),
                r.type().code(),
                r.amount().value(),
                r.balance().value(),
                row.accountVersion(),
                SqlTime.utc(r.createTime())
            });
        }
        template.batchUpdate("""
                        insert into wallet_record (record_id, account_id, trade_no, change_type, amount, balance,
                                                   account_version, create_time)
                        values (?, ?, ?, ?, ?, ?, ?, ?)""", rows);
    }

    List<BalanceRecord> query(long accountId, RecordQuery query) {
        return RecordFilter.page(
                        jdbc, "select * from wallet_record where account_id = :id", "account_version desc", query)
                .param("id", accountId)
                .query(JdbcAccounts::record)
                .list();
    }

    boolean setStatus(long accountId, AccountStatus status) {
        return jdbc.sql("update wallet_account set status = :status where account_id = :id")
                        .param("status", status.code())
                        .param("id", accountId)
                        .update()
                == 1;
    }

    /** False when the account does not exist or has already spent more than the new credit allows. */
    boolean setCredit(long accountId, long credit) {
        return jdbc.sql("update wallet_account set credit = :credit where account_id = :id and balance + :credit >= 0")
                        .param("credit", credit)
                        .param("id", accountId)
                        .update()
                == 1;
    }

    private static AccountState state(ResultSet rs) throws SQLException {
        return new AccountState(
                rs.getLong("account_id"),
                new AccountKey(rs.getString("ident"), rs.getString("account_group"), rs.getString("eid")),
                rs.getString("account_name"),
                rs.getLong("balance"),
                rs.getLong("credit"),
                AccountStatus.ofCode(rs.getInt("status")),
                rs.getLong("version"),
                SqlTime.instant(rs, "create_time"));
    }

    private static BalanceRecord record(ResultSet rs, int row) throws SQLException {
        return new BalanceRecord(
                rs.getLong("record_id"),
                rs.getLong("account_id"),
                new TradeNo(rs.getString("trade_no")),
                ChangeType.ofCode(rs.getInt("change_type")),
                Cents.of(rs.getLong("amount")),
                Cents.of(rs.getLong("balance")),
                SqlTime.instant(rs, "create_time"));
    }
}
