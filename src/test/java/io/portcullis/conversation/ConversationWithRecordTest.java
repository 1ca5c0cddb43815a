package io.portcullis.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.audit.AuditConfig;
import io.portcullis.audit.AuditLog;
import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.GatewayException;
import io.portcullis.pipeline.Pipeline;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import io.portcullis.testing.ManualTicker;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * #13 item 4, session 9: a call's conversation rows commit in the transaction of its audit outcome
 * record: one commit per call (per batch of calls), not two. The memory's own group commit is not
 * used while a record carries the rows; the labels are durable when the call is answered (a restart
 * knows them); fail closed: a joint commit that fails refuses the call naming {@code audit}, rows the
 * store rejects alone withhold the result naming {@code conversation}, as before. Real store, real
 * audit log, real stages; only the upstream is a lambda.
 */
class ConversationWithRecordTest {
    @TempDir
    Path dir;
    final ManualTicker time = new ManualTicker();

    /** The audit outcome stage around the conversation stage, as in the tool chain (Chains.toolCall). */
    static ObjectNode call(AuditLog audit, ConversationMemory memory, CallContext call, CallHandler upstream) throws GatewayException {
        return new Pipeline(List.of(audit.outcomeStage(), memory), upstream).call(call);
    }

    static CallContext fetch(String id, String tool) {
        return ConversationMemoryTest.call(id, ConversationMemoryTest.tool(tool, List.of("untrusted")), "alice", null);
    }

    static String one(Store s, String query) throws Exception {
        try (Connection c = s.connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** The contract on any store: one commit carries the record and the rows; the next call sees the labels. */
    static void oneCommitCarriesBoth(Store s, Path dir, ManualTicker time) throws Exception {
        try (AuditLog audit = AuditLog.open(s, AuditConfig.defaults(dir))) {
            ConversationStore m = new ConversationStore(s, time);
            ConversationMemory memory = new ConversationMemory(ConversationMemoryTest.ON, m);
            AtomicInteger commits = new AtomicInteger();
            audit.stats().onCommit(n -> commits.incrementAndGet());
            CallContext fetch = fetch("c-1", "web__fetch");
            call(audit, memory, fetch, c -> {
                c.trail().detected("secret.aws-access-key-id");
                return ConversationMemoryTest.ok();
            });
            assertThat(commits).as("the record and the labels: one commit").hasValue(1);
            assertThat(m.writes().commits()).as("the memory's own group commit is not used").isZero();
            assertThat(one(s, "SELECT COUNT(*) FROM conversation_facts")).as("3 labels, the tool, the count").isEqualTo("5");
            assertThat(one(s, "SELECT COUNT(*) FROM audit_records WHERE call_id = 'c-1'")).isEqualTo("1");

            CallContext send = ConversationMemoryTest.call("c-2", ConversationMemoryTest.tool("mail__send", List.of("egress")),
                    "alice", null);
            call(audit, memory, send, c -> ConversationMemoryTest.ok());
            assertThat(send.trail().conversation().labels()).containsOnlyKeys("secret.aws-access-key-id", "secret", "untrusted");
            assertThat(send.trail().conversation().labels().get("untrusted")).containsExactly("c-1");
            assertThat(commits).hasValue(2);
            assertThat(m.writes().commits()).isZero();
        }
    }

    @Test
    void item4_oneCommitCarriesTheRecordAndTheLabels_andARestartKnowsThem() throws Exception {
        try (Store s = Store.open(new StoreConfig(null, dir, 4))) {
            oneCommitCarriesBoth(s, dir, time);
        }
        // durable when answered: a restart (a new store on the same file) knows the conversation and the records
        try (Store s = Store.open(new StoreConfig(null, dir, 2))) {
            ConversationStore again = new ConversationStore(s, time);
            var facts = again.load(ConversationKey.of(fetch("c-3", "web__fetch"), ConversationMemoryTest.ON), time.millis(),
                    ConversationMemoryTest.ON.window());
            assertThat(facts.labels()).containsKeys("untrusted", "secret");
            assertThat(facts.tools()).containsExactlyInAnyOrder("web__fetch", "mail__send");
            assertThat(facts.calls()).isEqualTo(2);
            assertThat(one(s, "SELECT COUNT(*) FROM audit_records WHERE call_id IN ('c-1', 'c-2')")).isEqualTo("2");
        }
    }

    @Test
    void item4_failClosed_aJointCommitThatFailsRefusesTheCallNamingAuditAndRecordsNoLabel() throws Exception {
        try (Store s = Store.open(new StoreConfig(null, dir, 4)); AuditLog audit = AuditLog.open(s, AuditConfig.defaults(dir))) {
            ConversationStore m = new ConversationStore(s, time);
            ConversationMemory memory = new ConversationMemory(ConversationMemoryTest.ON, m);
            CallContext first = fetch("c-0", "crm__get");
            call(audit, memory, first, c -> ConversationMemoryTest.ok()); // the conversation is held in memory now
            try (Connection c = s.connection(); Statement st = c.createStatement()) {
                st.execute("CREATE TRIGGER no_records BEFORE INSERT ON audit_records BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
            }
            assertThatThrownBy(() -> call(audit, memory, fetch("c-1", "web__fetch"), c -> ConversationMemoryTest.ok()))
                    .isInstanceOfSatisfying(GatewayException.Refused.class, e -> assertThat(e.control()).isEqualTo("audit"));
            assertThat(one(s, "SELECT COUNT(*) FROM conversation_facts WHERE item = 'web__fetch'")).isEqualTo("0");
            String key = ConversationKey.of(first, ConversationMemoryTest.ON);
            assertThat(m.load(key, time.millis(), ConversationMemoryTest.ON.window()).tools())
                    .as("the view in memory did not keep what was not committed").containsExactly("crm__get");
            assertThat(m.writes().commits()).isZero();
        }
    }

    @Test
    void item4_failClosed_rowsTheStoreRejectsAloneWithholdTheResultNamingConversation() throws Exception {
        try (Store s = Store.open(new StoreConfig(null, dir, 4)); AuditLog audit = AuditLog.open(s, AuditConfig.defaults(dir))) {
            ConversationStore m = new ConversationStore(s, time);
            ConversationMemory memory = new ConversationMemory(ConversationMemoryTest.ON, m);
            try (Connection c = s.connection(); Statement st = c.createStatement()) {
                st.execute("CREATE TRIGGER bad_row BEFORE INSERT ON conversation_facts WHEN NEW.item = 'bad__fetch' "
                        + "BEGIN SELECT RAISE(ABORT, 'a row the store rejects'); END");
            }
            assertThatThrownBy(() -> call(audit, memory, fetch("c-1", "bad__fetch"), c -> ConversationMemoryTest.ok()))
                    .isInstanceOfSatisfying(GatewayException.Refused.class, e -> {
                        assertThat(e.control()).isEqualTo("conversation");
                        assertThat(e.getMessage()).contains("withheld", "untrusted");
                    });
            // the record says what the client got: refused by conversation, with the note
            assertThat(one(s, "SELECT body FROM audit_records WHERE call_id = 'c-1'"))
                    .contains("\"outcome\":\"refused\"", "\"control\":\"conversation\"", "could not record");
            assertThat(one(s, "SELECT COUNT(*) FROM conversation_facts")).isEqualTo("0");
            // the next call of the conversation goes on: its own rows are recorded with its record
            call(audit, memory, fetch("c-2", "web__fetch"), c -> ConversationMemoryTest.ok());
            assertThat(one(s, "SELECT COUNT(*) FROM conversation_facts WHERE item = 'web__fetch'")).isEqualTo("1");
            assertThat(m.writes().commits()).isZero();
        }
    }
}
