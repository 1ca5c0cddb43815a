package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * #20 item 3: the audit writer keeps its connection, with auto-commit off and its statements
 * prepared, from batch to batch while it is busy, and gives it back when a batch fails, when it has
 * been idle for the pool's trust window, and when it stops. On the embedded store and on PostgreSQL.
 * The clock is the test's own: nothing waits for the window to pass.
 */
class WriterConnectionTest {
    @TempDir
    Path dir;
    AuditFixture f;
    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final List<String> rollbackFailures = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    private WriterConnection open(AuditFixture.Kind kind) throws Exception {
        f = new AuditFixture(kind, dir);
        try (Connection c = f.store.connection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE scratch (v VARCHAR(20) NOT NULL)");
        }
        return new WriterConnection(f.store, now::get);
    }

    /** Runs one transaction that writes the write lock and then {@code value}; returns the connection it ran on. */
    private Connection write(WriterConnection w, String value) throws SQLException {
        return w.inTransaction(c -> {
            w.beginWrite();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO scratch (v) VALUES (?)")) {
                ps.setString(1, value);
                ps.executeUpdate();
            }
            return c;
        }, e -> rollbackFailures.add(e.getMessage()));
    }

    private List<String> rows() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = f.store.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT v FROM scratch ORDER BY v")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(AuditFixture.Kind.class)
    void keptFromBatchToBatchWithItsStatements(AuditFixture.Kind kind) throws Exception {
        WriterConnection w = open(kind);
        Connection first = write(w, "a");
        PreparedStatement insert = w.insert();
        now.addAndGet(WriterConnection.IDLE_NANOS / 2);
        Connection second = write(w, "b");
        assertThat(second).as("the same connection within the window").isSameAs(first);
        assertThat(w.insert()).as("the insert is prepared once").isSameAs(insert);
        assertThat(first.getAutoCommit()).as("auto-commit stays off between batches").isFalse();
        assertThat(rows()).as("each batch committed: another connection sees both").containsExactly("a", "b");
        w.close();
        assertThat(first.isClosed()).as("given back when the writer stops").isTrue();
        assertThat(rollbackFailures).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(AuditFixture.Kind.class)
    void aFailedBatchIsRolledBackAndTheNextStartsOnAFreshConnection(AuditFixture.Kind kind) throws Exception {
        WriterConnection w = open(kind);
        Connection first = write(w, "a");
        assertThatThrownBy(() -> w.inTransaction(c -> {
            w.beginWrite();
            try (Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO scratch (v) VALUES ('lost')");
            }
            throw new IllegalStateException("the batch fails after its insert");
        }, e -> rollbackFailures.add(e.getMessage()))).hasMessage("the batch fails after its insert");
        assertThat(first.isClosed()).as("the connection of the failed batch is given back").isTrue();
        Connection next = write(w, "b");
        assertThat(next).isNotSameAs(first);
        assertThat(rows()).as("nothing of the failed batch").containsExactly("a", "b");
        w.close();
    }

    @ParameterizedTest
    @EnumSource(AuditFixture.Kind.class)
    void givenBackAfterTheIdleWindowAndNotTrustedPastIt(AuditFixture.Kind kind) throws Exception {
        WriterConnection w = open(kind);
        Connection first = write(w, "a");
        assertThat(w.idle()).as("busy: still held").isFalse();
        now.addAndGet(WriterConnection.IDLE_NANOS + 1);
        assertThat(w.idle()).as("idle for the window: given back").isTrue();
        assertThat(first.isClosed()).isTrue();

        Connection second = write(w, "b");
        now.addAndGet(WriterConnection.IDLE_NANOS + 1);
        Connection third = write(w, "c"); // nobody called idle(): the batch itself does not trust it
        assertThat(second.isClosed()).isTrue();
        assertThat(third).isNotSameAs(second);
        assertThat(rows()).containsExactly("a", "b", "c");
        w.close();
    }

    /** A server that ends the kept connection: that batch fails (closed, as the pool would fail it), the next one is written. */
    @ParameterizedTest
    @EnumSource(value = AuditFixture.Kind.class, names = "POSTGRES")
    void aConnectionTheServerEndedFailsOneBatchOnly(AuditFixture.Kind kind) throws Exception {
        WriterConnection w = open(kind);
        int pid = w.inTransaction(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                return rs.getInt(1);
            }
        }, e -> rollbackFailures.add(e.getMessage()));
        try (Connection c = f.store.connection(); Statement st = c.createStatement()) {
            st.execute("SELECT pg_terminate_backend(" + pid + ")");
        }
        assertThatThrownBy(() -> write(w, "a")).isInstanceOf(SQLException.class);
        write(w, "b");
        assertThat(rows()).containsExactly("b");
        w.close();
    }
}
