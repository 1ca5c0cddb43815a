package io.portcullis.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.testing.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * #20 item 3: the serving gateway's commits do not checkpoint the SQLite WAL (the audit writer's
 * commit, which every answer waits for, would otherwise copy the WAL into the database and flush it
 * again each 1,000 pages); a thread of its own does, and the WAL still starts over.
 */
class WalCheckpointerTest {
    private static final long NEVER = Duration.ofHours(1).toMillis();
    private static final int PAGE = 4096;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "sqlite exclusive: {0}")
    @ValueSource(booleans = {false, true})
    void theServingStoresCommitsDoNotCheckpointPastAThousandPages(boolean exclusive) throws Exception {
        try (Store store = Store.openServing(new StoreConfig(null, dir, 4, exclusive), NEVER)) {
            commitPages(store, 1_200);
            // no checkpoint (and so no start-over of the WAL) at 1,000 pages: the WAL holds every commit
            assertThat(walFrames()).isGreaterThanOrEqualTo(1_200);
            try (Connection c = store.connection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("PRAGMA wal_autocheckpoint")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(Store.WAL_AUTOCHECKPOINT_PAGES);
            }
        }
    }

    @Test
    void aStoreOpenedByACommandKeepsSqlitesOwnCheckpoints() throws Exception {
        // the control: SQLite's default checkpoints in the commit at 1,000 pages, and the WAL starts over after it
        try (Store store = Store.open(new StoreConfig(null, dir, 4))) {
            assertThat(store.walCheckpointer()).isNull();
            commitPages(store, 1_200);
            assertThat(walFrames()).isLessThan(1_200);
        }
    }

    @Test
    void theCheckpointerCopiesTheWholeWalAndTheWalStartsOver() throws Exception {
        try (Store store = Store.openServing(new StoreConfig(null, dir, 4, true), NEVER)) {
            commitPages(store, 1_200);
            long before = Files.size(wal());
            WalCheckpointer.Result r = store.walCheckpointer().checkpoint();
            assertThat(r.busy()).isFalse();
            assertThat(r.walFrames()).isGreaterThanOrEqualTo(1_200);
            assertThat(r.checkpointed()).isEqualTo(r.walFrames());
            commitPages(store, 100);
            // the next commits wrote from the WAL's beginning: the file did not grow
            assertThat(Files.size(wal())).isEqualTo(before);
            assertThat(rows(store)).isEqualTo(1_300);
        }
        try (Store again = Store.open(new StoreConfig(null, dir, 4))) {
            assertThat(rows(again)).as("every committed row is there after a reopen").isEqualTo(1_300);
        }
    }

    @Test
    void theTimerCheckpointsWhileCommitsGoOn() throws Exception {
        try (Store store = Store.openServing(new StoreConfig(null, dir, 4, true), 20)) {
            commitPages(store, 300);
            long seen = store.walCheckpointer().completed();
            Eventually.eventually(Duration.ofSeconds(30), () -> {
                assertThat(store.walCheckpointer().completed()).isGreaterThan(seen);
                WalCheckpointer.Result last = store.walCheckpointer().last();
                assertThat(last.checkpointed()).isEqualTo(last.walFrames());
            });
        }
    }

    @Test
    void closingStopsTheTimer() throws Exception {
        Store store = Store.openServing(new StoreConfig(null, dir, 4, true), 20);
        WalCheckpointer checkpointer = store.walCheckpointer();
        assertThat(checkpointer.stopped()).isFalse();
        store.close();
        assertThat(checkpointer.stopped()).as("its timer thread has ended").isTrue();
    }

    /** One commit per page-sized row. */
    private static void commitPages(Store store, int n) throws Exception {
        try (Connection c = store.connection()) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS pages (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO pages (body) VALUES (?)")) {
                byte[] body = new byte[PAGE - 200];
                for (int i = 0; i < n; i++) {
                    ps.setBytes(1, body);
                    ps.executeUpdate(); // auto-commit: one commit each
                }
            }
        }
    }

    private static int rows(Store store) throws Exception {
        try (Connection c = store.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM pages")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private Path wal() {
        return dir.resolve("portcullis.db-wal");
    }

    /** Frames the WAL file has room for (it never shrinks while open: a start-over overwrites it). */
    private long walFrames() throws Exception {
        return (Files.size(wal()) - 32) / (PAGE + 24);
    }
}
