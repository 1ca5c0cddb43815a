package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #12 (small twins): the one transaction helper every store user goes through, on a real SQLite
 * store: commit when the work returns, rollback when it throws (the failure rethrown as it is),
 * auto-commit restored, and a rollback that fails too never hides the failure.
 */
class StoreTransactionTest {
    @TempDir
    Path dir;
    Store store;
    String table;

    @BeforeEach
    void open() {
        store = Store.open(new StoreConfig(null, dir, 2));
        table = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        store.migrate(table, List.of("CREATE TABLE " + table + " (v INTEGER NOT NULL)"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private int rows() throws SQLException {
        try (Connection c = store.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int insert(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement()) {
            return st.executeUpdate("INSERT INTO " + table + " (v) VALUES (1)");
        }
    }

    @Test
    void whatTheWorkReturnsIsCommittedAndHandedBack() throws Exception {
        int n = store.inTransaction(c -> insert(c, table) + insert(c, table));
        assertThat(n).isEqualTo(2);
        assertThat(rows()).isEqualTo(2);
    }

    @Test
    void anSqlExceptionRollsEverythingBackAndIsRethrownAsItIs() throws Exception {
        SQLException boom = new SQLException("disk I/O error");
        assertThatThrownBy(() -> store.inTransaction(c -> {
            insert(c, table);
            throw boom;
        })).isSameAs(boom);
        assertThat(rows()).isZero();
    }

    @Test
    void aRuntimeExceptionRollsBackToo() throws Exception {
        IllegalStateException bug = new IllegalStateException("bug");
        assertThatThrownBy(() -> store.inTransaction(c -> {
            insert(c, table);
            throw bug;
        })).isSameAs(bug);
        assertThat(rows()).isZero();
    }

    @Test
    void autoCommitIsOnAgainWhateverHappened() throws Exception {
        try (Connection c = store.connection()) {
            Store.inTransaction(c, tx -> insert(tx, table));
            assertThat(c.getAutoCommit()).isTrue();
            assertThatThrownBy(() -> Store.inTransaction(c, tx -> {
                throw new SQLException("x");
            })).hasMessage("x");
            assertThat(c.getAutoCommit()).isTrue();
            insert(c, table); // auto-committed
        }
        assertThat(rows()).isEqualTo(2);
    }

    @Test
    void workThatRollsBackItselfLeavesNothingBehind() throws Exception {
        boolean done = store.inTransaction(c -> {
            insert(c, table);
            c.rollback(); // what the approval store does when the request is no longer pending
            return false;
        });
        assertThat(done).isFalse();
        assertThat(rows()).isZero();
    }

    /** A connection whose rollback fails, as SQLite's does after a full disk rolled the transaction back itself. */
    private static Connection failingRollback(Connection real) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("rollback") && (args == null || args.length == 0)) {
                        throw new SQLException("cannot rollback - no transaction is active");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aFailedRollbackNeverHidesTheFailure() throws Exception {
        SQLException full = new SQLException("database or disk is full");
        try (Connection real = store.connection()) {
            Connection c = failingRollback(real);
            assertThatThrownBy(() -> Store.inTransaction(c, tx -> {
                throw full;
            })).isSameAs(full);
            assertThat(full.getSuppressed()).singleElement()
                    .satisfies(s -> assertThat(s).hasMessageContaining("no transaction is active"));
            assertThat(real.getAutoCommit()).isTrue();
        }
    }

    @Test
    void aFailedRollbackGoesToTheGivenListenerInstead() throws Exception {
        SQLException full = new SQLException("database or disk is full");
        List<SQLException> told = new ArrayList<>();
        try (Connection real = store.connection()) {
            assertThatThrownBy(() -> Store.inTransaction(failingRollback(real), tx -> {
                throw full;
            }, told::add)).isSameAs(full);
        }
        assertThat(full.getSuppressed()).isEmpty();
        assertThat(told).singleElement().extracting(SQLException::getMessage).asString().contains("no transaction is active");
    }
}
