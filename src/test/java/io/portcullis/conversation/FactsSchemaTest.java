package io.portcullis.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import io.portcullis.testing.ManualTicker;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** #13 item 4, session 9 (cheaper rows): conversation_facts WITHOUT ROWID and without the last_ms index on SQLite. */
class FactsSchemaTest {
    static final Duration WINDOW = Duration.ofHours(1);

    @TempDir
    Path dir;

    @Test
    void item4_anOldSchemaStoreOpensRebuiltAndKeepsItsRows() throws Exception {
        ManualTicker time = new ManualTicker();
        try (Store s = Store.open(new StoreConfig(null, dir, 2))) {
            // a store as session 8 left it: steps 1-2 only (rowid table + last_ms index), with rows
            s.migrate("conversation", FactsSchema.migrations(Store.Dialect.SQLITE).subList(0, 2));
            try (Connection c = s.connection(); Statement st = c.createStatement()) {
                st.execute("INSERT INTO conversation_facts VALUES ('" + ConversationKey.hash("alice") + "', 'label', 'untrusted', 2, "
                        + "'c-1,c-2', " + time.millis() + ", " + time.millis() + ")");
                st.execute("INSERT INTO conversation_facts VALUES ('" + ConversationKey.hash("alice") + "', 'tool', 'web__fetch', 2, "
                        + "'c-1,c-2', " + time.millis() + ", " + time.millis() + ")");
                st.execute("INSERT INTO conversation_facts VALUES ('" + ConversationKey.hash("alice") + "', 'calls', '', 2, "
                        + "'c-1', " + time.millis() + ", " + time.millis() + ")");
            }
            assertThat(sql(s)).doesNotContain("WITHOUT ROWID");
        }
        time.advance(Duration.ofMinutes(5));
        try (Store s = Store.open(new StoreConfig(null, dir, 2))) {
            ConversationStore m = new ConversationStore(s, time);
            assertThat(sql(s)).as("one b-tree: the key is the table").contains("WITHOUT ROWID");
            assertThat(one(s, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'conversation_facts_last'")).isEqualTo("0");
            assertThat(one(s, "SELECT MAX(version) FROM schema_migrations WHERE component = 'conversation'")).isEqualTo("6");
            assertThat(m.load("alice", time.millis(), WINDOW).labels().get("untrusted")).containsExactly("c-1", "c-2");
            assertThat(m.load("alice", time.millis(), WINDOW).tools()).containsExactly("web__fetch");
            assertThat(m.load("alice", time.millis(), WINDOW).calls()).isEqualTo(2);
            // the upsert goes on over the copied rows (the key still conflicts)
            m.record("alice", time.millis(), WINDOW, "c-3", "web__fetch", List.of("untrusted"), true, 3);
            assertThat(one(s, "SELECT call_ids FROM conversation_facts WHERE item = 'untrusted'")).isEqualTo("c-1,c-2,c-3");
            assertThat(one(s, "SELECT n FROM conversation_facts WHERE kind = 'calls'")).isEqualTo("3");
            // the purge does without the index (a scan)
            time.advance(Duration.ofHours(2));
            m.purge(time.millis(), time.millis() - WINDOW.toMillis());
            assertThat(one(s, "SELECT COUNT(*) FROM conversation_facts")).isEqualTo("0");
        }
    }

    @Test
    void item4_aNewStoreIsWithoutRowidFromTheStartAndPostgresOnlyDropsTheIndex() throws Exception {
        try (Store s = Store.open(new StoreConfig(null, dir, 2))) {
            new ConversationStore(s, new ManualTicker());
            assertThat(sql(s)).contains("WITHOUT ROWID");
        }
        assertThat(FactsSchema.migrations(Store.Dialect.POSTGRES)).hasSize(3)
                .last().isEqualTo("DROP INDEX IF EXISTS conversation_facts_last");
        assertThat(FactsSchema.migrations(Store.Dialect.POSTGRES).subList(0, 2))
                .isEqualTo(FactsSchema.migrations(Store.Dialect.SQLITE).subList(0, 2));
    }

    private static String sql(Store s) throws Exception {
        return one(s, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'conversation_facts'");
    }

    static String one(Store s, String query) throws Exception {
        try (Connection c = s.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
