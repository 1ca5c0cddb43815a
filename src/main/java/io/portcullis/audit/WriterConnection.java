package io.portcullis.audit;

import io.portcullis.store.Store;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit writer's connection while it is busy (#20 item 3). A batch used to borrow a pooled
 * connection, switch auto-commit off and on again, and prepare the write lock's statement and the
 * insert anew: with one record per commit (1,000 calls/s) that was two fifths of the writer's time
 * per commit, on every call's path. Now the writer keeps one connection, with auto-commit off and
 * both statements prepared, from batch to batch, and gives it back:
 * <ul>
 *   <li>when a batch fails: the next batch starts on a fresh connection of the pool;</li>
 *   <li>when the writer has been idle for {@link #IDLE_NANOS} (its queue empty that long), so that an
 *       idle gateway holds no connection;</li>
 *   <li>before a batch, when the last one ended more than {@link #IDLE_NANOS} ago: the pool checks a
 *       connection idle longer than that before it lends it (a server that closed it, a failover),
 *       and so a connection kept longer is not trusted either;</li>
 *   <li>when the writer stops.</li>
 * </ul>
 * Used by the writer thread only.
 */
final class WriterConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("portcullis.audit");
    /** Hikari's own window: a connection used within it is lent without a check. */
    static final long IDLE_NANOS = 500_000_000L;

    private final Store store;
    private final LongSupplier nanos;
    private Connection c;
    private PreparedStatement lock;
    private PreparedStatement insert;
    private long lastUsed;

    WriterConnection(Store store) {
        this(store, System::nanoTime);
    }

    /** @param nanos the clock the idle window is read on (a test's own) */
    WriterConnection(Store store, LongSupplier nanos) {
        this.store = store;
        this.nanos = nanos;
    }

    /**
     * Runs {@code work} in one transaction (commit when it returns, rollback when it throws) on the
     * kept connection, or on a fresh one. On a failure the connection is given back (after the
     * rollback): the failure is the caller's to report.
     */
    <T> T inTransaction(Store.Work<T> work, Consumer<SQLException> rollbackFailed) throws SQLException {
        if (idle()) { // a connection kept past the window is not trusted: a fresh one from the pool
            c = store.connection();
            try {
                c.setAutoCommit(false);
            } catch (SQLException | RuntimeException e) {
                close();
                throw e;
            }
        }
        try {
            T result = work.run(c);
            c.commit();
            lastUsed = nanos.getAsLong();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException r) {
                rollbackFailed.accept(r);
            }
            close();
            throw e;
        }
    }

    /** A rollback after a failed write failed too: the write's failure is what counts (it is reported and fails closed). */
    static void rollbackFailed(SQLException e) {
        if (String.valueOf(e.getMessage()).contains("no transaction is active")) {
            return; // SQLite already rolled it back (a full disk does that): nothing to undo, nothing to report
        }
        AuditWriter.REPEATS.log("rollback", more -> LOG.warn("audit rollback failed: {}{}", e.getMessage(), more));
    }

    /** Takes the write lock first in the transaction ({@link Store#beginWrite}), with the statement prepared once. */
    void beginWrite() throws SQLException {
        if (lock == null) {
            lock = store.prepareWriteLock(c);
            if (lock == null) {
                return; // nothing to take on this store
            }
        }
        lock.executeUpdate();
    }

    /** The record insert, prepared once per connection. */
    PreparedStatement insert() throws SQLException {
        if (insert == null) {
            insert = c.prepareStatement(AuditTables.INSERT);
        }
        return insert;
    }

    /** Gives the connection back when the writer has been idle long enough; true when it holds none now. */
    boolean idle() {
        if (c != null && nanos.getAsLong() - lastUsed > IDLE_NANOS) {
            close();
        }
        return c == null;
    }

    /** Gives the connection back to the pool (its statements closed, its open transaction ended by the pool). */
    @Override
    public void close() {
        Connection held = c;
        c = null;
        lock = null;
        insert = null;
        if (held != null) {
            try {
                held.close(); // the pool closes its statements and rolls back what is open
            } catch (SQLException | RuntimeException e) {
                // a broken connection: the pool drops it
            }
        }
    }
}
