package io.portcullis.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditConfig;
import io.portcullis.audit.AuditLog;
import io.portcullis.call.CallContext;
import io.portcullis.policy.SessionFacts;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import io.portcullis.testing.ManualTicker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #13, session 10: no-op rows skipped. In steady state (the same tool again, no new label) a call's
 * rows change only n and last_ms; on the embedded store (the one writer, the conversation held in
 * memory) such rows are not written until their stored last_ms is {@code refresh} old, and the calls
 * row is written on every call only when a rule reads {@code session.calls}. Fail closed: a row is
 * remembered for at least the window after the last call that touched it (at most window + refresh);
 * a new label is written at once; a reload from the store gives the labels and tools the memory holds
 * at every step. Real store, no sleeps: a {@link ManualTicker}.
 */
class ConversationNoOpRowsTest {
    static final Duration WINDOW = Duration.ofHours(1);
    @TempDir
    Path dir;
    final ManualTicker time = new ManualTicker();

    /** Labels and tools as a fresh memory reads them from the store (a restart: a new view in memory). */
    private SessionFacts reloaded(Store s, String key) throws Exception {
        return new ConversationStore(s, time, true).load(key, time.millis(), WINDOW);
    }

    private static void sameLabelsAndTools(SessionFacts held, SessionFacts stored, String step) {
        assertThat(held.labels()).as(step).isEqualTo(stored.labels());
        assertThat(List.copyOf(held.labels().keySet())).as(step + ": order").isEqualTo(List.copyOf(stored.labels().keySet()));
        assertThat(held.tools()).as(step).isEqualTo(stored.tools());
    }

    @Test
    void steadyState_rowsOnTheFirstCalls_thenNoneUntilTheRefresh_thenOneRefresh() throws Exception {
        try (Store s = Store.open(new StoreConfig(null, dir, 4))) {
            ConversationStore m = new ConversationStore(s, time);
            long refresh = m.refresh(WINDOW);
            assertThat(refresh).as("window/16, at most a minute").isEqualTo(60_000);
            m.load("alice", time.millis(), WINDOW);
            long start = time.millis();
            long[] perCall = new long[12];
            for (int i = 0; i < perCall.length; i++) {
                long before = m.rowsWritten();
                m.record("alice", time.millis(), WINDOW, "c-" + i, "web__fetch", List.of("untrusted"), true, 3, false);
                perCall[i] = m.rowsWritten() - before;
                SessionFacts held = m.load("alice", time.millis(), WINDOW);
                sameLabelsAndTools(held, reloaded(s, "alice"), "call " + i);
                assertThat(held.calls()).as("the count in memory, call " + i).isEqualTo(i + 1);
                assertThat(held.labels().get("untrusted")).as("the earliest ids").hasSize(Math.min(i + 1, 3)).startsWith("c-0");
                time.advance(Duration.ofSeconds(1));
                if (i == perCall.length - 2) {
                    // the label and tool rows were last written by call 2 (start + 2 s): the next call is 1 ms past their refresh
                    time.advance(Duration.ofMillis(start + 2_000 + refresh + 1 - time.millis()));
                }
            }
            // first call: label, tool, calls; then label and tool until their ids are full (3); then nothing
            assertThat(perCall).containsExactly(3, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 3);
            assertThat(m.writes().commits()).as("a call with nothing to write commits nothing").isEqualTo(4);
            SessionFacts stored = reloaded(s, "alice");
            assertThat(stored.calls()).as("the refresh writes the count kept in memory").isEqualTo(12);
            assertThat(stored.labels().get("untrusted")).as("the earliest call ids").containsExactly("c-0", "c-1", "c-2");
        }
    }

    @Test
    void aNewLabelIsWrittenAtOnce_andATooFullRowStillGetsANewTool() throws Exception {
        try (Store s = Store.open(new StoreConfig(null, dir, 4))) {
            ConversationStore m = new ConversationStore(s, time);
            m.load("alice", time.millis(), WINDOW);
            for (int i = 0; i < 5; i++) {
                m.record("alice", time.millis(), WINDOW, "c-" + i, "web__fetch", List.of(), true, 2, false);
            }
            long before = m.rowsWritten();
            m.record("alice", time.millis(), WINDOW, "c-5", "web__fetch", List.of("secret"), true, 2, false);
            assertThat(m.rowsWritten() - before).as("only the new label's row").isEqualTo(1);
            assertThat(reloaded(s, "alice").labels()).as("durable when recorded").containsOnlyKeys("secret");
            m.record("alice", time.millis(), WINDOW, "c-6", "crm__get", List.of(), true, 2, false);
            assertThat(reloaded(s, "alice").tools()).containsExactlyInAnyOrder("web__fetch", "crm__get");
            sameLabelsAndTools(m.load("alice", time.millis(), WINDOW), reloaded(s, "alice"), "after");
        }
    }

    @Test
    void failClosed_rememberedForAtLeastTheWindowAfterTheLastCall_andAtMostWindowPlusRefresh() throws Exception {
        try (Store s = Store.open(new StoreConfig(null, dir, 4))) {
            ConversationStore m = new ConversationStore(s, time);
            long refresh = m.refresh(WINDOW);
            m.load("alice", time.millis(), WINDOW);
            for (int i = 0; i < 3; i++) {
                m.record("alice", time.millis(), WINDOW, "c-" + i, "web__fetch", List.of("untrusted"), true, 1, false);
            }
            long stored = time.millis(); // the last write of the label's row
            time.advance(Duration.ofMillis(refresh - 1));
            long before = m.rowsWritten();
            m.record("alice", time.millis(), WINDOW, "c-last", "web__fetch", List.of("untrusted"), true, 1, false);
            assertThat(m.rowsWritten() - before).as("the last call writes nothing").isZero();
            long lastCall = time.millis();
            time.advance(Duration.ofMillis(stored + WINDOW.toMillis() + refresh - 1 - time.millis()));
            assertThat(time.millis()).isGreaterThanOrEqualTo(lastCall + WINDOW.toMillis());
            assertThat(m.load("alice", time.millis(), WINDOW).labels()).as("the window after the last call").containsKey("untrusted");
            assertThat(reloaded(s, "alice").labels()).containsKey("untrusted");
            time.advance(Duration.ofMillis(1));
            assertThat(m.load("alice", time.millis(), WINDOW).labels()).as("at stored + window + refresh").containsKey("untrusted");
            time.advance(Duration.ofMillis(1));
            assertThat(m.load("alice", time.millis(), WINDOW)).as("gone after").isEqualTo(SessionFacts.EMPTY);
            assertThat(reloaded(s, "alice")).isEqualTo(SessionFacts.EMPTY);
            // a label seen again after that starts over with the new call's id
            m.record("alice", time.millis(), WINDOW, "c-new", "web__fetch", List.of("untrusted"), true, 1, false);
            assertThat(m.load("alice", time.millis(), WINDOW).labels().get("untrusted")).containsExactly("c-new");
            assertThat(reloaded(s, "alice").labels().get("untrusted")).containsExactly("c-new");
        }
    }

    @Test
    void theCallsRowIsWrittenPerCallIffARuleReadsSessionCalls() throws Exception {
        try (Store s = Store.open(new StoreConfig(null, dir, 4))) {
            ConversationStore m = new ConversationStore(s, time);
            m.load("alice", time.millis(), WINDOW);
            m.load("bob", time.millis(), WINDOW);
            for (int i = 0; i < 6; i++) {
                m.record("alice", time.millis(), WINDOW, "a-" + i, "web__fetch", List.of(), true, 1, true);
                m.record("bob", time.millis(), WINDOW, "b-" + i, "web__fetch", List.of(), true, 1, false);
                assertThat(reloaded(s, "alice").calls()).as("read by a rule: written on every call").isEqualTo(i + 1);
                assertThat(reloaded(s, "bob").calls()).as("read by no rule: written with the refresh only").isEqualTo(1);
                assertThat(m.load("bob", time.millis(), WINDOW).calls()).as("counted in memory").isEqualTo(i + 1);
            }
            // a policy reload that starts reading it: the next call writes what memory counted, and the store agrees
            m.record("bob", time.millis(), WINDOW, "b-6", "web__fetch", List.of(), true, 1, true);
            assertThat(reloaded(s, "bob").calls()).isEqualTo(7);
            assertThat(m.load("bob", time.millis(), WINDOW)).isEqualTo(reloaded(s, "bob"));
            m.record("bob", time.millis(), WINDOW, "b-7", "web__fetch", List.of(), true, 1, true);
            assertThat(m.load("bob", time.millis(), WINDOW)).isEqualTo(reloaded(s, "bob"));
            assertThat(reloaded(s, "bob").calls()).isEqualTo(8);
        }
    }

    @Test
    void withTheAuditRecord_aCallWithNothingToWriteAttachesNothing() throws Exception {
        try (Store s = Store.open(new StoreConfig(null, dir, 4)); AuditLog audit = AuditLog.open(s, AuditConfig.defaults(dir))) {
            ConversationStore m = new ConversationStore(s, time);
            ConversationMemory memory = new ConversationMemory(ConversationMemoryTest.ON, m, false);
            CallContext last = null;
            for (int i = 0; i < 6; i++) {
                last = ConversationWithRecordTest.fetch("c-" + i, "web__fetch");
                ConversationWithRecordTest.call(audit, memory, last, c -> ConversationMemoryTest.ok());
            }
            assertThat(last.trail().withRecord()).as("steady state: the record's commit is as with the memory off").isNull();
            assertThat(last.trail().conversation().calls()).isEqualTo(5);
            assertThat(ConversationWithRecordTest.one(s, "SELECT n FROM conversation_facts WHERE kind = 'label'"))
                    .as("the label's row stopped at max_call_ids (3)").isEqualTo("3");
            CallContext secret = ConversationWithRecordTest.fetch("c-s", "web__fetch");
            ConversationWithRecordTest.call(audit, memory, secret, c -> {
                c.trail().detected("secret.aws-access-key-id");
                return ConversationMemoryTest.ok();
            });
            assertThat(secret.trail().withRecord()).as("new labels: written with the record").isNotNull();
            assertThat(ConversationWithRecordTest.one(s, "SELECT COUNT(*) FROM conversation_facts WHERE item LIKE 'secret%'"))
                    .isEqualTo("2");
            assertThat(m.writes().commits()).isZero();
        }
    }

    /**
     * The deterministic measure of docs/performance.md "#13, session 10": the bench's shape (one anonymous
     * conversation, one tool, no label; the default policy and chain rules read no session.calls) at 1,000
     * calls/s for 120 s. Session 9 wrote 2 rows per call (the tool and the calls row): 240,000 upserts.
     */
    @Test
    void benchShape_120000CallsAt1msApart_sixRowsInFiveCommits() throws Exception {
        try (Store s = Store.open(new StoreConfig(null, dir, 4))) {
            ConversationStore m = new ConversationStore(s, time);
            m.load("anonymous", time.millis(), WINDOW);
            for (int i = 0; i < 120_000; i++) {
                m.record("anonymous", time.millis(), WINDOW, "c-" + i, "bench__echo", List.of(), true, 3, false);
                time.advance(Duration.ofMillis(1));
            }
            // calls 0-2 (the tool row filling its 3 ids, the calls row once); the calls row at 60,001 ms, the tool row at 60,003 ms
            assertThat(m.rowsWritten()).isEqualTo(6);
            assertThat(m.writes().commits()).isEqualTo(5);
            assertThat(m.load("anonymous", time.millis(), WINDOW).calls()).isEqualTo(120_000);
            assertThat(reloaded(s, "anonymous").calls()).as("the count as of the last refresh").isEqualTo(60_002);
        }
    }

    /** Random calls over hours with the calls row read or not (policy reloads): a reload gives what memory holds at every step. */
    @Test
    void randomCallsOverHours_aReloadGivesTheSameLabelsAndTools_andTheSameCountWhenItIsRead() throws Exception {
        java.util.Random r = new java.util.Random(10);
        List<String> vocabulary = List.of("customer-data", "pii", "pii.email", "untrusted", "secret");
        try (Store s = Store.open(new StoreConfig(null, dir, 4))) {
            ConversationStore m = new ConversationStore(s, time);
            List<String> convs = List.of("alice", "bob", "carol");
            for (int i = 0; i < 800; i++) {
                String conv = convs.get(r.nextInt(convs.size()));
                time.advance(Duration.ofMillis(r.nextInt(r.nextInt(10) == 0 ? 4_000_000 : 90_000)));
                m.load(conv, time.millis(), WINDOW);
                List<String> labels = r.nextInt(4) == 0 ? List.of(vocabulary.get(r.nextInt(vocabulary.size()))) : List.of();
                boolean read = r.nextInt(5) == 0;
                m.record(conv, time.millis(), WINDOW, "c" + i, "tool-" + r.nextInt(3), labels, true, 1 + r.nextInt(3), read);
                SessionFacts held = m.load(conv, time.millis(), WINDOW);
                SessionFacts stored = reloaded(s, conv);
                sameLabelsAndTools(held, stored, "call " + i);
                if (read) {
                    assertThat(held).as("call " + i + ", the count read by a rule").isEqualTo(stored);
                } else {
                    assertThat(stored.calls()).as("call " + i).isLessThanOrEqualTo(held.calls());
                }
            }
        }
    }
}
