package io.portcullis.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's durable store: an embedded SQLite file in the data directory by default (nothing
 * to install), or PostgreSQL shared by several nodes. Each capability owns its tables and brings
 * its own ordered migrations ({@link #migrate}); the store records which have been applied.
 */
public final class Store implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Store.class);

    public enum Dialect { SQLITE, POSTGRES }

    /**
     * The serving gateway's SQLite writers checkpoint the WAL themselves only past this many pages
     * (64 MiB at 4 KiB pages): a safety net that bounds the WAL; {@link WalCheckpointer} does the
     * checkpoints, off the commit path (#20 item 3). Other processes that open the store (the CLI)
     * keep SQLite's default of 1,000 pages.
     */
    static final int WAL_AUTOCHECKPOINT_PAGES = 16_384;
    /** How often the serving gateway's WAL is checkpointed on its own thread. */
    static final long WAL_CHECKPOINT_MILLIS = 1_000;

    private final HikariDataSource pool;
    private final Dialect dialect;
    /** The serving gateway's WAL checkpointer (embedded store only), or null. */
    private WalCheckpointer checkpointer;
    /** The SQLite file, or null for PostgreSQL. */
    private final java.nio.file.Path file;

    private Store(HikariDataSource pool, Dialect dialect, java.nio.file.Path file) {
        this.pool = pool;
        this.dialect = dialect;
        this.file = file;
    }

    /**
     * Opens (and on first start creates) the store.
     *
     * @throws StoreException when the database cannot be reached or created
     */
    public static Store open(StoreConfig config) {
        if (config.embedded()) {
            // #11 item 17, #21 item 13: a gateway that holds the file exclusively cannot be written beside
            var holder = DataDirLock.holder(config.dataDir());
            if (holder.isPresent() && holder.get().contains("sqlite_locking exclusive")) {
                throw new StoreException("the store " + config.dataDir().resolve("portcullis.db") + " is held by a running gateway ("
                        + holder.get() + "); run this command while it is stopped, or set store.sqlite_locking: shared "
                        + "in its config to let commands write beside it (see docs/operations/store.md)");
            }
        }
        return open(config, false, false);
    }

    /**
     * Opens the store for the serving gateway: with {@code store.sqlite_locking: exclusive} the
     * embedded SQLite file is opened through SQLite's {@code unix-excl} VFS, which locks the file
     * for this process and keeps the WAL index in heap memory: there is no memory-mapped
     * {@code -shm} file that another process (or a full disk, or an operator) can truncate or
     * make unwritable under it, which killed the process with SIGBUS in native code (#21 item 13).
     *
     * @throws StoreException as {@link #open(StoreConfig)}
     */
    public static Store openServing(StoreConfig config) {
        return openServing(config, WAL_CHECKPOINT_MILLIS);
    }

    /** As {@link #openServing(StoreConfig)}, with the WAL checkpointed every {@code checkpointMillis} (tests). */
    static Store openServing(StoreConfig config, long checkpointMillis) {
        Store store = open(config, config.embedded() && config.sqliteExclusive(), config.embedded());
        if (config.embedded()) {
            store.checkpointer = WalCheckpointer.start(store, checkpointMillis);
        }
        return store;
    }

    /** The serving gateway's WAL checkpointer, or null (PostgreSQL, or a store not opened for serving). */
    WalCheckpointer walCheckpointer() {
        return checkpointer;
    }

    private static Store open(StoreConfig config, boolean exclusive, boolean ownCheckpoints) {
        HikariConfig hc = new HikariConfig();
        Dialect dialect;
        if (config.embedded()) {
            try {
                Files.createDirectories(config.dataDir());
            } catch (IOException e) {
                throw new StoreException("cannot create the data directory " + config.dataDir() + ": " + e.getMessage(), e);
            }
            // WAL lets readers run beside the one writer; busy_timeout makes writers queue instead of
            // failing; synchronous=FULL makes a commit durable when it returns.
            hc.setJdbcUrl("jdbc:sqlite:" + (exclusive ? "file:" : "") + config.dataDir().toAbsolutePath().resolve("portcullis.db")
                    + "?" + (exclusive ? "vfs=unix-excl&" : "")
                    + "journal_mode=WAL&busy_timeout=10000&synchronous=FULL&foreign_keys=true"
                    + (ownCheckpoints ? "&wal_autocheckpoint=" + WAL_AUTOCHECKPOINT_PAGES : ""));
            hc.setMaximumPoolSize(4);
            dialect = Dialect.SQLITE;
        } else {
            hc.setJdbcUrl(config.jdbcUrl());
            hc.setMaximumPoolSize(Math.max(2, config.poolSize()));
            dialect = Dialect.POSTGRES;
        }
        hc.setPoolName("store");
        hc.setConnectionTimeout(10_000);
        hc.setInitializationFailTimeout(10_000);
        try {
            HikariDataSource ds = new HikariDataSource(hc);
            Store store = new Store(ds, dialect, config.embedded() ? config.dataDir().toAbsolutePath().resolve("portcullis.db") : null);
            store.migrate("store", List.of("CREATE TABLE IF NOT EXISTS store_info (k VARCHAR(64) PRIMARY KEY, v VARCHAR(256) NOT NULL)"));
            LOG.info("store: {} ({})", dialect == Dialect.SQLITE ? config.dataDir().resolve("portcullis.db") : "PostgreSQL", dialect);
            return store;
        } catch (RuntimeException e) {
            throw new StoreException("cannot open the store: " + e.getMessage(), e);
        }
    }

    /**
     * One line that says what a store failure means for an operator (#21 item 9): a full disk is
     * named as such, with the path and the space left, instead of the driver's follow-on error
     * ("cannot commit - no transaction is active"); anything else is the first cause's message.
     */
    public String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            boolean full = m.contains("SQLITE_FULL") || m.contains("database or disk is full") || m.contains("No space left")
                    || t instanceof SQLException s && ("53100".equals(s.getSQLState()) || s.getErrorCode() == 13 && dialect == Dialect.SQLITE);
            // the SQLite driver reports a commit that SQLite rolled back for want of space only as its follow-on error
            if (full || m.contains("no transaction is active") && cannotGrow()) {
                return (diskNearlyFull() ? "the disk is full: " : "the store is full (its size limit is reached): ") + where()
                        + " cannot grow (" + free() + "); free space there, then the gateway writes again by itself";
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    /** Whether the SQLite file cannot take another page: its file system is (nearly) full, or it reached max_page_count. */
    private boolean cannotGrow() {
        if (dialect != Dialect.SQLITE) {
            return false;
        }
        if (diskNearlyFull()) {
            return true;
        }
        try (Connection c = connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT page_count FROM pragma_page_count()) >= "
                     + "(SELECT max_page_count FROM pragma_max_page_count())")) {
            return rs.next() && rs.getBoolean(1);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private boolean diskNearlyFull() {
        if (dialect != Dialect.SQLITE) {
            return true; // PostgreSQL said so (SQLSTATE 53100)
        }
        try {
            return java.nio.file.Files.getFileStore(file.getParent()).getUsableSpace() < 1 << 20;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private String where() {
        return dialect == Dialect.SQLITE ? "the store " + file : "the PostgreSQL database";
    }

    private String free() {
        if (dialect != Dialect.SQLITE) {
            return "see the database server";
        }
        try {
            return java.nio.file.Files.getFileStore(file.getParent()).getUsableSpace() / 1024 + " KiB free on its file system";
        } catch (IOException | RuntimeException x) {
            return "free space unknown";
        }
    }

    public Dialect dialect() {
        return dialect;
    }

    public DataSource dataSource() {
        return pool;
    }

    /**
     * Starts a write transaction as a writer (call first inside {@link #inTransaction}). On
     * SQLite a transaction that reads first and writes later cannot wait for another process's
     * write lock: the upgrade fails at once with SQLITE_BUSY whatever the busy timeout (#11 item
     * 17: a {@code keys create} beside a running gateway failed its audit checkpoints). Taking the
     * write lock first, with a write that changes nothing, makes it wait up to the busy timeout.
     */
    public void beginWrite(Connection c) throws SQLException {
        if (dialect == Dialect.SQLITE) {
            try (Statement st = c.createStatement()) {
                st.executeUpdate(WRITE_LOCK);
            }
        }
    }

    private static final String WRITE_LOCK = "UPDATE store_info SET v = v WHERE 0 = 1";

    /**
     * {@link #beginWrite}'s statement prepared once on {@code c}, for a connection that writes again and
     * again (the audit writer, #20 item 3: preparing it was a sixth of the writer's time per commit); run it
     * with {@code executeUpdate()} first in each transaction. Null where no statement is needed (PostgreSQL).
     */
    public PreparedStatement prepareWriteLock(Connection c) throws SQLException {
        return dialect == Dialect.SQLITE ? c.prepareStatement(WRITE_LOCK) : null;
    }

    /** Work done inside one transaction; what it returns is handed back after the commit. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * #12 (small twins): runs {@code work} in one transaction on a pooled connection of its own,
     * then closes it; see {@link #inTransaction(Connection, Work)}.
     */
    public <T> T inTransaction(Work<T> work) throws SQLException {
        try (Connection c = connection()) {
            return inTransaction(c, work);
        }
    }

    /**
     * Runs {@code work} in one transaction on {@code c}: auto-commit off, commit when the work
     * returns, rollback when it throws (an SQLException or a RuntimeException, rethrown as it is),
     * auto-commit on again in any case. A rollback that fails too is kept as a suppressed
     * exception of the original failure, never in its place. Work that rolls back itself (to retry,
     * or to give up) may: the commit after it has nothing to commit.
     */
    public static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        return inTransaction(c, work, null);
    }

    /**
     * As {@link #inTransaction(Connection, Work)}, with {@code rollbackFailed} told of a rollback that
     * failed (instead of it being suppressed in the failure): the audit writer logs it in its own way.
     */
    public static <T> T inTransaction(Connection c, Work<T> work, java.util.function.Consumer<SQLException> rollbackFailed)
            throws SQLException {
        c.setAutoCommit(false);
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException r) {
                if (rollbackFailed != null) {
                    rollbackFailed.accept(r);
                } else {
                    e.addSuppressed(r);
                }
            }
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** A pooled connection; the caller closes it. */
    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /**
     * Applies the migrations of {@code component} that have not been applied yet, in order, each
     * in its own transaction. Migration {@code i} (0-based) is version {@code i + 1}; never edit
     * or reorder a released one, only append.
     *
     * @throws StoreException when a migration fails (the store is then left at the last good version)
     */
    public void migrate(String component, List<String> statements) {
        try (Connection c = connection()) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS schema_migrations (component VARCHAR(64) NOT NULL, "
                        + "version INTEGER NOT NULL, PRIMARY KEY (component, version))");
            }
            int applied = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT MAX(version) FROM schema_migrations WHERE component = ?")) {
                ps.setString(1, component);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        applied = rs.getInt(1);
                    }
                }
            }
            for (int v = applied + 1; v <= statements.size(); v++) {
                int version = v;
                inTransaction(c, tx -> {
                    try (Statement st = tx.createStatement();
                         PreparedStatement mark = tx.prepareStatement("INSERT INTO schema_migrations (component, version) VALUES (?, ?)")) {
                        st.execute(statements.get(version - 1));
                        mark.setString(1, component);
                        mark.setInt(2, version);
                        return mark.executeUpdate();
                    }
                });
            }
        } catch (SQLException e) {
            throw new StoreException("migration of " + component + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (checkpointer != null) {
            checkpointer.close();
        }
        pool.close();
    }
}
