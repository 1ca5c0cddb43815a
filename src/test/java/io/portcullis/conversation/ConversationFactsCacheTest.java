package io.portcullis.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.policy.SessionFacts;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import io.portcullis.testing.ManualTicker;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conversation memory served from memory on the embedded store (#20: the read per call;
 * {@link FactsCache}): a conversation is read from the store once, then every call sees exactly
 * what a query of the store would return (the same labels, audit ids, tools, count and order),
 * through windows that expire, labels that start over, the cap on audit ids and tools, concurrent
 * writers and a failed batch. PostgreSQL keeps reading the store on every call
 * ({@link ConversationStorePostgresIT}).
 */
class ConversationFactsCacheTest {
    @TempDir
    Path dir;

    private static final List<String> VOCABULARY = List.of("customer-data", "pii", "pii.email", "untrusted", "secret",
            "secret.aws-access-key-id", "é-label", "\uD83D\uDD11-key", "\uFFFD");

    @Test
    void embeddedStoreIsServedFromMemory_postgresIsNot() throws Exception {
        try (Store s = Store.open(new StoreConfig(null, dir, 4))) {
            assertThat(new ConversationStore(s, new ManualTicker()).inMemory()).isTrue();
        }
    }

    @Test
    void aHeldConversationIsNotReadAgain() throws Exception {
        ManualTicker time = new ManualTicker();
        try (Store s = Store.open(new StoreConfig(null, dir, 4))) {
            ConversationStore m = new ConversationStore(s, time);
            m.load("alice", time.millis(), ConversationStoreTest.WINDOW);
            for (int i = 0; i < 50; i++) {
                m.record("alice", time.millis(), ConversationStoreTest.WINDOW, "call-" + i, "crm__lookup", List.of("pii"), true, 3);
                assertThat(m.load("alice", time.millis(), ConversationStoreTest.WINDOW).calls()).isEqualTo(i + 1);
            }
            assertThat(m.queries()).as("one read of the store for 51 loads").isEqualTo(1);
        }
    }

    @Test
    void randomCallsOverHours_memoryAndStoreGiveTheSameFacts() throws Exception {
        ManualTicker time = new ManualTicker();
        Random r = new Random(20);
        try (Store s = Store.open(new StoreConfig(null, dir, 4))) {
            ConversationStore m = new ConversationStore(s, time, true);
            ConversationStore query = new ConversationStore(s, time, false); // reads the store every time, writes nothing here
            List<String> convs = List.of("alice", "bob", "carol");
            for (int i = 0; i < 600; i++) {
                String conv = convs.get(r.nextInt(convs.size()));
                Duration window = i < 500 ? ConversationStoreTest.WINDOW : Duration.ofMinutes(20); // a reload that narrows it
                time.advance(Duration.ofSeconds(r.nextInt(r.nextInt(10) == 0 ? 5_000 : 120)));
                if (r.nextInt(3) == 0) {
                    assertThat(m.load(conv, time.millis(), window)).as("call " + i).isEqualTo(query.load(conv, time.millis(), window));
                }
                List<String> labels = new ArrayList<>();
                for (int k = r.nextInt(4); k > 0; k--) {
                    labels.add(VOCABULARY.get(r.nextInt(VOCABULARY.size())));
                }
                String tool = r.nextInt(5) == 0 ? null : "tool-" + r.nextInt(6);
                m.record(conv, time.millis(), window, "c" + i, tool, labels, r.nextBoolean(), 1 + r.nextInt(3));
                SessionFacts held = m.load(conv, time.millis(), window);
                assertThat(held).as("after call " + i).isEqualTo(query.load(conv, time.millis(), window));
                assertThat(held.labels().keySet()).as("order, after call " + i)
                        .containsExactlyElementsOf(query.load(conv, time.millis(), window).labels().keySet());
            }
            assertThat(m.queries()).as("read from the store a few times, not on every load").isLessThan(40);
        }
    }

    @Test
    void concurrentCallsOfOneConversation_memoryEndsAsTheStore() throws Exception {
        ManualTicker time = new ManualTicker();
        try (Store s = Store.open(new StoreConfig(null, dir, 6))) {
            ConversationStore m = new ConversationStore(s, time, true);
            AtomicReference<Throwable> failed = new AtomicReference<>();
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int n = t;
                ts.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < 40; i++) {
                            m.load("alice", time.millis(), ConversationStoreTest.WINDOW);
                            m.record("alice", time.millis(), ConversationStoreTest.WINDOW, "t" + n + "-" + i, "tool-" + (i % 3),
                                    List.of(VOCABULARY.get((n + i) % VOCABULARY.size())), true, 2);
                        }
                    } catch (Throwable e) {
                        failed.set(e);
                    }
                }));
            }
            for (Thread t : ts) {
                t.join();
            }
            assertThat(failed.get()).isNull();
            SessionFacts stored = new ConversationStore(s, time, false).load("alice", time.millis(), ConversationStoreTest.WINDOW);
            assertThat(m.load("alice", time.millis(), ConversationStoreTest.WINDOW)).isEqualTo(stored);
            assertThat(stored.calls()).isEqualTo(240);
        }
    }

    @Test
    void aFailedBatchIsForgotten_andReadAgainFromTheStore() throws Exception {
        ManualTicker time = new ManualTicker();
        try (Store s = Store.open(new StoreConfig(null, dir, 4))) {
            ConversationStore m = new ConversationStore(s, time, true);
            m.record("alice", time.millis(), ConversationStoreTest.WINDOW, "call-1", "t", List.of("pii"), true, 3);
            m.load("alice", time.millis(), ConversationStoreTest.WINDOW);
            // make the next commit fail: a trigger that aborts writes to the table
            try (var c = s.connection(); PreparedStatement ps = c.prepareStatement("CREATE TRIGGER no_writes BEFORE UPDATE ON "
                    + "conversation_facts BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")) {
                ps.execute();
            }
            try {
                m.record("alice", time.millis(), ConversationStoreTest.WINDOW, "call-2", "t", List.of("secret"), true, 3);
            } catch (java.sql.SQLException expected) {
                // the stage withholds the result (ConversationMemory); here: the view must not hold what was not committed
            }
            long before = m.queries();
            SessionFacts f = m.load("alice", time.millis(), ConversationStoreTest.WINDOW);
            assertThat(f.labels()).containsOnlyKeys("pii");
            assertThat(f.calls()).isEqualTo(1);
            assertThat(m.queries()).as("read again from the store").isEqualTo(before + 1);
        }
    }
}
