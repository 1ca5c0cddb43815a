package io.portcullis.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import io.portcullis.testing.ManualTicker;
import io.portcullis.testing.PgSchema;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** #13 item 4: the conversation memory on PostgreSQL, shared by nodes: another node does not forget it. */
class ConversationStorePostgresIT {
    @RegisterExtension
    final PgSchema pg = new PgSchema("conversation_it_");

    @TempDir
    Path dir;

    Store node() {
        return Store.open(new StoreConfig(pg.url(), dir, 2));
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

    /** #20 session 8: the read is served from memory only on the embedded store; here each node sees the other's labels at once. */
    @Test
    void onPostgresEveryReadSeesTheOtherNodesWrites_noCopyInMemory() throws Exception {
        ManualTicker time = new ManualTicker();
        try (Store a = node(); Store b = node()) {
            ConversationStore nodeA = new ConversationStore(a, time);
            ConversationStore nodeB = new ConversationStore(b, time);
            assertThat(nodeA.inMemory()).isFalse();
            nodeA.record("carol", time.millis(), ConversationStoreTest.WINDOW, "call-a", "crm__lookup", List.of("customer-data"), true, 3);
            assertThat(nodeA.load("carol", time.millis(), ConversationStoreTest.WINDOW).labels()).containsOnlyKeys("customer-data");
            nodeB.record("carol", time.millis(), ConversationStoreTest.WINDOW, "call-b", "web__fetch", List.of("untrusted"), true, 3);
            // the same node-A object that read before B's write: B's label is there on A's next call
            assertThat(nodeA.load("carol", time.millis(), ConversationStoreTest.WINDOW).labels())
                    .containsOnlyKeys("customer-data", "untrusted");
            assertThat(nodeA.load("carol", time.millis(), ConversationStoreTest.WINDOW).calls()).isEqualTo(2);
        }
    }
}
