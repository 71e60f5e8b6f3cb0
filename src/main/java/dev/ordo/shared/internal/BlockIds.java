package dev.ordo.shared.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.ordo.shared.Ids;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.TransientDataAccessResourceException;

/**
 * Hi/lo ids: each node takes a block of ids per sequence from {@code id_block} with one conditional
 * update in its own committed transaction, then hands them out from memory. Blocks never overlap,
 * whichever node takes them, because the update is atomic in the database.
 *
 * <p>Blocks are taken on a dedicated two-connection pool: a caller may already hold a connection of
 * the main pool inside its transaction, and taking the block there would tie the block to a
 * transaction that might roll back (another node would then receive the same block).
 */
class BlockIds implements Ids, DisposableBean {

    private final DataSource dataSource;
    private final boolean ownsDataSource;
    private final int blockSize;
    private final Map<String, Block> blocks = new ConcurrentHashMap<>();

    BlockIds(DataSource mainDataSource, int blockSize) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("ordo.ids.block-size must be positive");
        }
        this.blockSize = blockSize;
        if (mainDataSource instanceof HikariDataSource main) {
            HikariDataSource own = new HikariDataSource();
            own.setPoolName("ordo-ids");
            own.setJdbcUrl(main.getJdbcUrl());
            own.setUsername(main.getUsername());
            own.setPassword(main.getPassword());
            own.setDriverClassName(main.getDriverClassName());
            own.setDataSourceProperties(main.getDataSourceProperties());
            own.setConnectionInitSql(main.getConnectionInitSql());
            own.setConnectionTimeout(main.getConnectionTimeout());
            own.setMaximumPoolSize(2);
            own.setMinimumIdle(0);
            own.setAutoCommit(false);
            this.dataSource = own;
            this.ownsDataSource = true;
        } else {
            this.dataSource = mainDataSource;
            this.ownsDataSource = false;
        }
    }

    @Override
    public long next(String sequence) {
        return blocks.computeIfAbsent(sequence, Block::new).next();
    }

    @Override
    public void destroy() {
        if (ownsDataSource) {
            ((HikariDataSource) dataSource).close();
        }
    }

    private final class Block {
        private final String sequence;
        private final ReentrantLock lock = new ReentrantLock();
        private long next;
        private long limit;

        Block(String sequence) {
            this.sequence = sequence;
        }

        long next() {
            lock.lock();
            try {
                if (next >= limit) {
                    limit = allocate(sequence);
                    next = limit - blockSize;
                }
                return next++;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Moves the sequence forward by one block and returns the new end (exclusive) of our block. */
    private long allocate(String sequence) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                long end = bump(connection, sequence);
                connection.commit();
                return end;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            // The database busy or gone (a connection not had in time included): a 503 to retry, not a 500.
            throw new TransientDataAccessResourceException("cannot allocate ids for " + sequence, e);
        }
    }

    private long bump(Connection connection, String sequence) throws SQLException {
        try (PreparedStatement update =
                connection.prepareStatement("update id_block set next_id = next_id + ? where name = ?")) {
            update.setLong(1, blockSize);
            update.setString(2, sequence);
            if (update.executeUpdate() == 0) {
                // A sequence no migration declared starts at 1; a concurrent creator makes this
                // insert fail, and the caller's retry then finds the row.
                try (PreparedStatement insert =
                        connection.prepareStatement("insert into id_block (name, next_id) values (?, ?)")) {
                    insert.setString(1, sequence);
                    insert.setLong(2, 1 + (long) blockSize);
                    insert.executeUpdate();
                }
            }
        }
        try (PreparedStatement select = connection.prepareStatement("select next_id from id_block where name = ?")) {
            select.setString(1, sequence);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
