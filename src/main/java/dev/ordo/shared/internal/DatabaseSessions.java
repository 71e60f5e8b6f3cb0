package dev.ordo.shared.internal;

import com.zaxxer.hikari.HikariDataSource;
import java.util.Locale;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Sets each connection's session up as Ordo expects, on PostgreSQL, MySQL and MariaDB (a
 * {@code spring.datasource.hikari.connection-init-sql} of the operator's own is left alone).
 *
 * <p>A transaction left idle for a minute is ended by the database, its session dropped: Ordo never
 * leaves one idle for long (no call to another system is made inside a transaction), so such a
 * session belongs to a node cut off in the middle of one (its host or network gone). Without this,
 * its row locks would hold up the other nodes — their take-over of its jobs first — until the
 * database noticed the lost client, which takes hours with default settings. PostgreSQL's
 * {@code idle_in_transaction_session_timeout}; MariaDB's {@code idle_transaction_timeout} (10.3 and
 * later; MySQL has none: set its {@code wait_timeout} to minutes).
 *
 * <p>On MySQL and MariaDB, a locking read ({@code for update}, an update's own read) must see the
 * latest committed row, whatever the transaction read before. That is MySQL's REPEATABLE READ;
 * MariaDB from 11.6.2 on turns on {@code innodb_snapshot_isolation} by default, which instead fails
 * such a transaction with error 1020 once the row changed after its snapshot — a wallet deduct
 * waiting for a package's lock would be answered 500. The parts in {@code /*M!nnnnnn ... *}{@code /}
 * comments run only on MariaDB of at least that version; MySQL sets the user variable alone.
 */
final class DatabaseSessions implements BeanPostProcessor {

    /** Seconds a transaction may stay idle before the database ends it. */
    static final int IDLE_TRANSACTION_SECONDS = 60;

    static final String MYSQL_INIT_SQL = "SET @ordo_session = 1 /*M!100300 , SESSION idle_transaction_timeout = "
            + IDLE_TRANSACTION_SECONDS + " */ /*M!110602 , SESSION innodb_snapshot_isolation = OFF */";

    static final String POSTGRESQL_INIT_SQL =
            "select set_config('idle_in_transaction_session_timeout', '" + IDLE_TRANSACTION_SECONDS + "s', false)";

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool && pool.getConnectionInitSql() == null) {
            if (mySql(pool.getJdbcUrl())) {
                pool.setConnectionInitSql(MYSQL_INIT_SQL);
            } else if (postgreSql(pool.getJdbcUrl())) {
                pool.setConnectionInitSql(POSTGRESQL_INIT_SQL);
            }
        }
        return bean;
    }

    static boolean mySql(String jdbcUrl) {
        String url = lower(jdbcUrl);
        return url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:");
    }

    static boolean postgreSql(String jdbcUrl) {
        return lower(jdbcUrl).startsWith("jdbc:postgresql:");
    }

    private static String lower(String jdbcUrl) {
        return jdbcUrl == null ? "" : jdbcUrl.toLowerCase(Locale.ROOT);
    }
}
