package io.portcullis.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.policy.SessionFacts;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import io.portcullis.testing.ManualTicker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** #13 item 4: the conversation memory on the embedded store (the PostgreSQL twin is {@link ConversationStorePostgresIT}). */
class ConversationStoreTest {
    static final Duration WINDOW = Duration.ofHours(1);

    @TempDir
    Path dir;

    @Test
    void item4_labelsToolsAndCallsSurviveARestartAndExpireWithTheWindow() throws Exception {
        ManualTicker time = new ManualTicker();
        try (Store s = Store.open(new StoreConfig(null, dir, 2))) {
            exercise(s, time);
        }
        // a restart (a new store on the same file) still knows the conversation
        try (Store s = Store.open(new StoreConfig(null, dir, 2))) {
            ConversationStore again = new ConversationStore(s, time);
            assertThat(again.load("alice", time.millis(), WINDOW).labels()).containsKey("customer-data");
        }
    }

    /** The contract, on any store; the conversation {@code alice} is left holding {@code customer-data}. */
    static void exercise(Store s, ManualTicker time) throws Exception {
        ConversationStore m = new ConversationStore(s, time);
        assertThat(m.load("alice", time.millis(), WINDOW)).isEqualTo(SessionFacts.EMPTY);
        m.record("alice", time.millis(), WINDOW, "call-1", "crm__lookup", List.of("customer-data", "pii.email", "pii"), true, 2);
        time.advance(Duration.ofMinutes(40));
        m.record("alice", time.millis(), WINDOW, "call-2", "web__fetch", List.of("untrusted"), true, 2);
        m.record("alice", time.millis(), WINDOW, "call-3", "web__fetch", List.of("untrusted"), true, 2);
        m.record("alice", time.millis(), WINDOW, "call-4", "web__fetch", List.of("untrusted"), true, 2);
        SessionFacts f = m.load("alice", time.millis(), WINDOW);
        assertThat(f.labels()).containsOnlyKeys("customer-data", "pii.email", "pii", "untrusted");
        assertThat(f.labels().get("customer-data")).containsExactly("call-1");
        assertThat(f.labels().get("untrusted")).as("at most max_call_ids, the earliest").containsExactly("call-2", "call-3");
        assertThat(f.tools()).containsExactly("crm__lookup", "web__fetch");
        assertThat(f.calls()).isEqualTo(4);
        assertThat(f.causes(l -> l.startsWith("pii") || l.equals("untrusted")))
                .isEqualTo("pii (call call-1), pii.email (call call-1), untrusted (calls call-2, call-3)");
        // another principal's conversation is apart
        assertThat(m.load("bob", time.millis(), WINDOW)).isEqualTo(SessionFacts.EMPTY);

        // 30 minutes on, call-1's facts are past the window; the untrusted ones (last seen 30 minutes ago) are not
        time.advance(Duration.ofMinutes(30));
        SessionFacts later = m.load("alice", time.millis(), WINDOW);
        assertThat(later.labels()).containsOnlyKeys("untrusted");
        assertThat(later.tools()).containsExactly("web__fetch");
        // a label seen again after its window starts over, with the new call's audit id
        m.record("alice", time.millis(), WINDOW, "call-5", "crm__lookup", List.of("customer-data"), false, 2);
        SessionFacts renewed = m.load("alice", time.millis(), WINDOW);
        assertThat(renewed.labels().get("customer-data")).containsExactly("call-5");
        assertThat(renewed.tools()).as("rememberTool false: the cap on tools").containsExactly("web__fetch");
        assertThat(renewed.calls()).isEqualTo(5);
        time.advance(Duration.ofHours(2));
        assertThat(m.load("alice", time.millis(), WINDOW)).isEqualTo(SessionFacts.EMPTY);
        m.record("alice", time.millis(), WINDOW, "call-6", "crm__lookup", List.of("customer-data"), true, 2);
        assertThat(m.load("alice", time.millis(), WINDOW).calls()).as("the count starts over after the window").isEqualTo(1);
    }
}
