package io.portcullis.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.audit.AuditConfig;
import io.portcullis.audit.AuditLog;
import io.portcullis.call.GatewayException;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import io.portcullis.testing.ManualTicker;
import io.portcullis.testing.PgSchema;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * #13 item 4, session 9, on PostgreSQL: the conversation rows commit with the call's audit record
 * (one commit), another node sees them at once, and rows the store rejects alone are rolled back to
 * their savepoint (a PostgreSQL transaction is unusable after an error until then) without losing
 * the record of the call: it is refused naming {@code conversation}.
 */
class ConversationWithRecordPostgresIT {
    @RegisterExtension
    final PgSchema pg = new PgSchema("conversation_rec_it_");

    @TempDir
    Path dir;

    Store node() {
        return Store.open(new StoreConfig(pg.url(), dir, 4));
    }

    @Test
    void item4_oneCommitOnPostgresAndAnotherNodeSeesTheLabels() throws Exception {
        ManualTicker time = new ManualTicker();
        try (Store a = node(); Store b = node()) {
            ConversationWithRecordTest.oneCommitCarriesBoth(a, dir, time);
            var facts = new ConversationStore(b, time).load(ConversationKey.of(ConversationWithRecordTest.fetch("x", "web__fetch"),
                    ConversationMemoryTest.ON), time.millis(), ConversationMemoryTest.ON.window());
            assertThat(facts.labels()).containsKeys("untrusted", "secret");
        }
    }

    @Test
    void item4_failClosed_rowsPostgresRejectsAloneWithholdTheResultAndKeepTheRecord() throws Exception {
        ManualTicker time = new ManualTicker();
        try (Store s = node(); AuditLog audit = AuditLog.open(s, AuditConfig.defaults(dir))) {
            ConversationMemory memory = new ConversationMemory(ConversationMemoryTest.ON, new ConversationStore(s, time));
            try (Connection c = s.connection(); Statement st = c.createStatement()) {
                st.execute("ALTER TABLE conversation_facts ADD CONSTRAINT no_bad CHECK (item <> 'bad__fetch')");
            }
            assertThatThrownBy(() -> ConversationWithRecordTest.call(audit, memory, ConversationWithRecordTest.fetch("c-1", "bad__fetch"),
                    c -> ConversationMemoryTest.ok()))
                    .isInstanceOfSatisfying(GatewayException.Refused.class, e -> assertThat(e.control()).isEqualTo("conversation"));
            assertThat(ConversationWithRecordTest.one(s, "SELECT body FROM audit_records WHERE call_id = 'c-1'"))
                    .contains("\"control\":\"conversation\"");
            ConversationWithRecordTest.call(audit, memory, ConversationWithRecordTest.fetch("c-2", "web__fetch"),
                    c -> ConversationMemoryTest.ok());
            assertThat(ConversationWithRecordTest.one(s, "SELECT COUNT(*) FROM conversation_facts WHERE item = 'web__fetch'"))
                    .isEqualTo("1");
        }
    }
}
