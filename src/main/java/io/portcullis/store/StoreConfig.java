package io.portcullis.store;

import java.nio.file.Path;

/**
 * Where durable state lives.
 *
 * @param jdbcUrl  a PostgreSQL JDBC URL for the shared store (several gateway nodes), or null for
 *                 the embedded SQLite file {@code portcullis.db} in the data directory
 * @param dataDir  the data directory (created on first start)
 * @param poolSize connections to PostgreSQL per node
 */
public record StoreConfig(String jdbcUrl, Path dataDir, int poolSize) {
    public boolean embedded() {
        return jdbcUrl == null;
    }
}
