package io.portcullis.store;

import java.nio.file.Path;

/**
 * Where durable state lives.
 *
 * @param jdbcUrl  a PostgreSQL JDBC URL for the shared store (several gateway nodes), or null for
 *                 the embedded SQLite file {@code portcullis.db} in the data directory
 * @param dataDir  the data directory (created on first start)
 * @param poolSize connections to PostgreSQL per node
 * @param sqliteExclusive for the embedded store: whether the serving gateway holds the SQLite file
 *                 exclusively ({@code store.sqlite_locking: exclusive}; #21 item 13), so
 *                 that the WAL index is in the process's heap instead of a memory-mapped
 *                 {@code portcullis.db-shm} file whose loss kills the process with SIGBUS. The config's
 *                 default is exclusive: CLI store commands go through the running gateway (cli/Served).
 *                 The three-argument constructor (tools and tests that open a store themselves) is shared
 */
public record StoreConfig(String jdbcUrl, Path dataDir, int poolSize, boolean sqliteExclusive) {
    public StoreConfig(String jdbcUrl, Path dataDir, int poolSize) {
        this(jdbcUrl, dataDir, poolSize, false);
    }

    public boolean embedded() {
        return jdbcUrl == null;
    }

    /** The value of {@code store.sqlite_locking}. */
    public String sqliteLocking() {
        return sqliteExclusive ? "exclusive" : "shared";
    }
}
