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

    private final HikariDataSource pool;
    private final Dialect dialect;

    private Store(HikariDataSource pool, Dialect dialect) {
        this.pool = pool;
        this.dialect = dialect;
    }

    /**
     * Opens (and on first start creates) the store.
     *
     * @throws StoreException when the database cannot be reached or created
     */
    public static Store open(StoreConfig config) {
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
            hc.setJdbcUrl("jdbc:sqlite:" + config.dataDir().resolve("portcullis.db")
                    + "?journal_mode=WAL&busy_timeout=10000&synchronous=FULL&foreign_keys=true");
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
            Store store = new Store(ds, dialect);
            store.migrate("store", List.of("CREATE TABLE IF NOT EXISTS store_info (k VARCHAR(64) PRIMARY KEY, v VARCHAR(256) NOT NULL)"));
            LOG.info("store: {} ({})", dialect == Dialect.SQLITE ? config.dataDir().resolve("portcullis.db") : "PostgreSQL", dialect);
            return store;
        } catch (RuntimeException e) {
            throw new StoreException("cannot open the store: " + e.getMessage(), e);
        }
    }

    public Dialect dialect() {
        return dialect;
    }

    public DataSource dataSource() {
        return pool;
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
                c.setAutoCommit(false);
                try (Statement st = c.createStatement();
                     PreparedStatement mark = c.prepareStatement("INSERT INTO schema_migrations (component, version) VALUES (?, ?)")) {
                    st.execute(statements.get(v - 1));
                    mark.setString(1, component);
                    mark.setInt(2, v);
                    mark.executeUpdate();
                    c.commit();
                } catch (SQLException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            throw new StoreException("migration of " + component + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
