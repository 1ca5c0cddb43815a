package io.portcullis.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import io.portcullis.testing.ManualTicker;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** #13 item 4: the conversation memory on PostgreSQL, shared by nodes: another node does not forget it. */
class ConversationStorePostgresIT {
    static final String BASE = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    @TempDir
    Path dir;
    String schema;

    @BeforeEach
    void createSchema() throws Exception {
        schema = "conversation_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(BASE); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
    }

    @AfterEach
    void dropSchema() throws Exception {
        try (Connection c = DriverManager.getConnection(BASE); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    Store node() {
        return Store.open(new StoreConfig(BASE + "&currentSchema=" + schema, dir, 2));
    }

    @Test
    void item4_sameContractOnPostgresAndAnotherNodeSeesTheConversation() throws Exception {
        ManualTicker time = new ManualTicker();
        try (Store a = node(); Store b = node()) {
            ConversationStoreTest.exercise(a, time);
            ConversationStore nodeB = new ConversationStore(b, time);
            assertThat(nodeB.load("alice", time.millis(), ConversationStoreTest.WINDOW).labels()).containsKey("customer-data");
            nodeB.record("alice", time.millis(), ConversationStoreTest.WINDOW, "call-b", "web__fetch", List.of("untrusted"), true, 3);
            assertThat(new ConversationStore(a, time).load("alice", time.millis(), ConversationStoreTest.WINDOW).labels())
                    .containsKeys("customer-data", "untrusted");
        }
    }
}
