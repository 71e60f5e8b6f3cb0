package db.migration;

import dev.ordo.shared.Dialect;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A wallet record's primary key is its account's version, {@code (account_id, account_version)},
 * the key that already had to be unique (no two records of one account at the same version: a lost
 * update could not go unnoticed). It replaces the key on {@code record_id} and that unique index: one
 * index entry fewer for every record written, eight or so an order. {@code record_id} stays, unique
 * as Ordo assigns it (ADR 0003), and no query looks a record up by it.
 */
public class V9__Wallet_records_keyed_by_account_version extends DialectMigration {

    @Override
    void migrate(Dialect dialect, Statement sql) throws SQLException {
        switch (dialect) {
            case POSTGRESQL ->
                sql.execute("alter table wallet_record drop constraint wallet_record_pkey,"
                        + " drop constraint uk_wallet_record_version,"
                        + " add constraint pk_wallet_record primary key (account_id, account_version)");
            case H2 -> {
                sql.execute("alter table wallet_record drop primary key");
                sql.execute("alter table wallet_record add constraint pk_wallet_record"
                        + " primary key (account_id, account_version)");
                sql.execute("alter table wallet_record drop constraint uk_wallet_record_version");
            }
            case MYSQL ->
                sql.execute("alter table wallet_record drop primary key, drop index uk_wallet_record_version,"
                        + " add primary key (account_id, account_version)");
        }
    }
}
