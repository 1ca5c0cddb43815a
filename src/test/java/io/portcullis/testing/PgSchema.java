package io.portcullis.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A schema of a test's own on the shared PostgreSQL (127.0.0.1:5432, database {@code test}): a random
 * name with the given prefix, created before each test and dropped (CASCADE) after it. Use it as an
 * instance field with {@code @RegisterExtension}, then {@link #url()} for the store's JDBC URL.
 */
public final class PgSchema implements BeforeEachCallback, AfterEachCallback {
    /** The shared database, no schema. */
    public static final String BASE = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    private final String prefix;
    private String name;

    public PgSchema(String prefix) {
        this.prefix = prefix;
    }

    /** The schema of the running test. */
    public String name() {
        return name;
    }

    /** {@link #BASE} with this schema as the current one. */
    public String url() {
        return BASE + "&currentSchema=" + name;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws SQLException {
        name = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute("CREATE SCHEMA " + name);
    }

    @Override
    public void afterEach(ExtensionContext context) throws SQLException {
        execute("DROP SCHEMA " + name + " CASCADE");
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(BASE); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
