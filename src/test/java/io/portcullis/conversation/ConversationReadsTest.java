package io.portcullis.conversation;

import static io.portcullis.conversation.ConversationMemoryTest.ON;
import static io.portcullis.conversation.ConversationMemoryTest.call;
import static io.portcullis.conversation.ConversationMemoryTest.ok;
import static io.portcullis.conversation.ConversationMemoryTest.tool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.call.CallContext;
import io.portcullis.call.CallTrail;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Relay;
import io.portcullis.config.GatewayConfig;
import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import io.portcullis.settings.ConfigException;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import io.portcullis.testing.ManualTicker;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #13 item 4, the resource part: {@code resources/read} and {@code prompts/get} results join the
 * caller's conversation (what egress detected, and the catalog's {@code produces} for the resource's
 * URI pattern, validated with file and line), on the real store; the read stage fails closed.
 */
class ConversationReadsTest {
    @TempDir
    Path dir;
    final ManualTicker time = new ManualTicker();

    /** A read call as the read chain sees it: no tool entry; its name is the URI or the prompt. */
    static CallContext read(String id, String item, String subject) {
        Principal p = new Principal(subject, Principal.Kind.SERVICE, subject, List.of(), "client-a", "dev", "api_key", "k1",
                Instant.parse("2030-01-01T00:00:00Z"));
        return new CallContext(id, p, "dev", "session-r", "2025-11-25", item, Json.object().put("uri", item), null,
                Relay.NONE, Instant.now(), new CallTrail());
    }

    @Test
    void item4_aResourceThatProducesCustomerDataIsThereForTheNextToolCallInAnotherSession() throws Exception {
        try (Store s = Store.open(new StoreConfig(null, dir, 2))) {
            ConversationMemory reads = ConversationMemory.reads(ON, new ConversationStore(s, time));
            CallContext r = read("r-1", "crm://customers/42", "alice");
            reads.handle(r, c -> {
                c.trail().produces(List.of("customer-data")); // the admission, from the catalog's URI pattern
                c.trail().detected("pii.email"); // egress, in the contents
                return ok();
            });
            assertThat(r.trail().conversationGained()).containsExactly("pii.email", "pii", "customer-data");

            CallContext send = call("c-2", tool("mail__send", List.of("egress")), "alice", "session-2");
            new ConversationMemory(ON, new ConversationStore(s, time)).handle(send, c -> ok());
            assertThat(send.trail().conversation().labels()).containsOnlyKeys("pii.email", "pii", "customer-data");
            assertThat(send.trail().conversation().labels().get("customer-data")).containsExactly("r-1");
            assertThat(send.trail().conversation().tools()).as("a read is not a tool").isEmpty();
        }
    }

    @Test
    void item4_aPromptAddsWhatEgressDetected_aCleanReadAddsNothing() throws Exception {
        try (Store s = Store.open(new StoreConfig(null, dir, 2))) {
            ConversationMemory reads = ConversationMemory.reads(ON, new ConversationStore(s, time));
            reads.handle(read("r-1", "docs://readme", "bob"), c -> ok());
            CallContext prompt = read("r-2", "up__leak", "bob");
            reads.handle(prompt, c -> {
                c.trail().detected("secret.github-token");
                return ok();
            });
            assertThat(prompt.trail().conversationGained()).containsExactly("secret.github-token", "secret");

            CallContext clean = read("r-3", "docs://readme", "carol");
            reads.handle(clean, c -> ok());
            assertThat(clean.trail().conversationGained()).isNull();
            CallContext send = call("c-4", tool("mail__send", List.of("egress")), "carol", null);
            new ConversationMemory(ON, new ConversationStore(s, time)).handle(send, c -> ok());
            assertThat(send.trail().conversation().labels()).isEmpty();
            assertThat(send.trail().conversation().calls()).as("a clean read is not counted").isZero();
        }
    }

    @Test
    void item4_failClosed_anUnreadableMemoryRefusesNoRead_butWithholdsOneWhoseLabelsCannotBeRecorded() throws Exception {
        Store s = Store.open(new StoreConfig(null, dir, 2));
        ConversationMemory reads = ConversationMemory.reads(ON, new ConversationStore(s, time));
        s.close(); // the memory breaks
        CallContext clean = read("r-1", "docs://readme", "alice");
        assertThat(reads.handle(clean, c -> ok())).isNotNull();
        assertThat(clean.trail().notes()).anyMatch(n -> n.contains("memory could not be read"));
        assertThatThrownBy(() -> reads.handle(read("r-2", "crm://customers/42", "alice"), c -> {
            c.trail().produces(List.of("customer-data"));
            return ok();
        })).isInstanceOfSatisfying(GatewayException.Refused.class, e -> {
            assertThat(e.control()).isEqualTo("conversation");
            assertThat(e.getMessage()).contains("withheld", "customer-data");
        });
    }

    @Test
    void item4_theCatalogDeclaresWhatAResourcePatternProduces_mistakesWithFileAndLine() throws Exception {
        GatewayConfig c = ConversationConfigTest.parse("""
                catalog:
                  resources:
                    "crm://customers/*": {upstream: up, purpose: Customer records., produces: [customer-data]}
                    "docs://*": {upstream: up, purpose: Docs., labels: [untrusted]}
                """);
        assertThat(c.catalog().resources().get("crm://customers/*").produces()).containsExactly("customer-data");
        assertThat(c.catalog().resources().get("docs://*").produces()).isEmpty();
        assertThatThrownBy(() -> ConversationConfigTest.parse("""
                catalog:
                  resources:
                    "crm://*": {upstream: up, produces: {customer-data: true}}
                  prompts:
                    up__greet: {purpose: Greet., produces: [customer-data]}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("conv.yaml:5: 'produces' must be a list of strings")
                .hasMessageContaining("conv.yaml:7:").hasMessageContaining("produces");
    }
}
