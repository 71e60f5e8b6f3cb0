package dev.ordo.shared.internal;

import com.zaxxer.hikari.HikariDataSource;
import java.util.Locale;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Sets each MySQL or MariaDB connection's session up as Ordo's concurrency control expects: a
 * locking read ({@code for update}, an update's own read) sees the latest committed row, whatever
 * the transaction read before. That is MySQL's REPEATABLE READ; MariaDB from 11.6.2 on turns on
 * {@code innodb_snapshot_isolation} by default, which instead fails such a transaction with error
 * 1020 once the row changed after its snapshot — a wallet deduct waiting for a package's lock would
 * be answered 500. The statement is a no-op on MySQL and on older MariaDB (the part in the
 * {@code /*M!110602 ... *}{@code /} comment runs only on MariaDB 11.6.2 and later). A
 * {@code spring.datasource.hikari.connection-init-sql} of the operator's own is left alone.
 */
final class MySqlSessions implements BeanPostProcessor {

    static final String INIT_SQL = "SET @ordo_session = 1 /*M!110602 , SESSION innodb_snapshot_isolation = OFF */";

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool && pool.getConnectionInitSql() == null && mySql(pool.getJdbcUrl())) {
            pool.setConnectionInitSql(INIT_SQL);
        }
        return bean;
    }

    static boolean mySql(String jdbcUrl) {
        String url = jdbcUrl == null ? "" : jdbcUrl.toLowerCase(Locale.ROOT);
        return url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:");
    }
}
