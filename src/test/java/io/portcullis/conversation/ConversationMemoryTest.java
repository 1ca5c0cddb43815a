package io.portcullis.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.call.CallContext;
import io.portcullis.call.CallTrail;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Relay;
import io.portcullis.catalog.ArgumentCheck;
import io.portcullis.catalog.Oversize;
import io.portcullis.catalog.RiskClass;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import io.portcullis.settings.ToolSettings;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import io.portcullis.testing.ManualTicker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code conversation} stage (#13 items 4–6) on the real store: what it loads for policy, what
 * it records, and that it fails closed (an unreadable memory refuses egress tools, naming the control;
 * a result whose labels cannot be recorded is withheld). Only the rest of the chain is a lambda.
 */
class ConversationMemoryTest {
    static final ConversationConfig ON = new ConversationConfig(true, Duration.ofHours(1), false, true, List.of("approver"), 100, 3);

    @TempDir
    Path dir;
    final ManualTicker time = new ManualTicker();

    static ToolEntry tool(String name, List<String> labels) {
        ObjectNode def = Json.object().put("name", name);
        return new ToolEntry(name, "up", name.replaceFirst("^.*__", ""), def, ToolSettings.DEFAULT, null, RiskClass.READ_ONLY,
                "catalog", null, List.of(), labels, ToolEntry.ExportStatus.NOT_EXPORT, 1 << 20, Oversize.TRUNCATE,
                ArgumentCheck.compile(def, Map.of()));
    }

    static CallContext call(String id, ToolEntry tool, String subject, String session) {
        Principal p = new Principal(subject, Principal.Kind.SERVICE, subject, List.of(), "client-a", "dev", "api_key", "k1",
                Instant.parse("2030-01-01T00:00:00Z"));
        CallTrail trail = new CallTrail();
        trail.tool(tool);
        return new CallContext(id, p, "dev", session, "2025-11-25", tool.name(), Json.object().put("name", tool.name()), tool,
                Relay.NONE, Instant.now(), trail);
    }

    static ObjectNode ok() {
        ObjectNode r = Json.object();
        r.putArray("content").addObject().put("type", "text").put("text", "ok");
        return r;
    }

    @Test
    void item4_whatACallBringsIsThereForTheNextCallOfTheSamePrincipalInAnotherSession() throws Exception {
        try (Store s = Store.open(new StoreConfig(null, dir, 2))) {
            ConversationMemory stage = new ConversationMemory(ON, new ConversationStore(s, time));
            CallContext fetch = call("c-1", tool("web__fetch", List.of("untrusted")), "alice", "session-1");
            stage.handle(fetch, c -> {
                c.trail().detected("secret.aws-access-key-id"); // what egress (inside this stage) found
                return ok();
            });
            assertThat(fetch.trail().conversationGained()).containsExactly("secret.aws-access-key-id", "secret", "untrusted");

            CallContext send = call("c-2", tool("mail__send", List.of("egress")), "alice", "session-2");
            stage.handle(send, c -> ok());
            assertThat(send.trail().conversation().labels()).containsOnlyKeys("secret.aws-access-key-id", "secret", "untrusted");
            assertThat(send.trail().conversation().labels().get("untrusted")).containsExactly("c-1");
            assertThat(send.trail().conversation().tools()).containsExactly("web__fetch");
            assertThat(send.trail().conversation().calls()).isEqualTo(1);

            CallContext other = call("c-3", tool("mail__send", List.of("egress")), "bob", "session-1");
            stage.handle(other, c -> ok());
            assertThat(other.trail().conversation().labels()).as("another principal, even with the same session id").isEmpty();
        }
    }

    @Test
    void item4_aRefusedCallAddsWhatEgressSawButNotTheToolsCatalogLabels() throws Exception {
        try (Store s = Store.open(new StoreConfig(null, dir, 2))) {
            ConversationMemory stage = new ConversationMemory(ON, new ConversationStore(s, time));
            CallContext blocked = call("c-1", tool("crm__export", List.of("untrusted")), "alice", null);
            assertThatThrownBy(() -> stage.handle(blocked, c -> {
                c.trail().detected("secret.github-token");
                throw new GatewayException.Refused("egress", "the result was withheld");
            })).isInstanceOf(GatewayException.Refused.class);
            CallContext next = call("c-2", tool("mail__send", List.of("egress")), "alice", null);
            stage.handle(next, c -> ok());
            assertThat(next.trail().conversation().labels()).containsOnlyKeys("secret.github-token", "secret");
            assertThat(next.trail().conversation().tools()).as("the refused call did not call its tool").isEmpty();
        }
    }

    @Test
    void item4_failClosed_anUnreadableMemoryRefusesEgressToolsNamingTheControl() throws Exception {
        Store s = Store.open(new StoreConfig(null, dir, 2));
        ConversationMemory stage = new ConversationMemory(ON, new ConversationStore(s, time));
        s.close(); // the memory breaks
        CallContext send = call("c-1", tool("mail__send", List.of("egress")), "alice", null);
        boolean[] reached = {false};
        assertThatThrownBy(() -> stage.handle(send, c -> {
            reached[0] = true;
            return ok();
        })).isInstanceOfSatisfying(GatewayException.Refused.class, e -> {
            assertThat(e.control()).isEqualTo("conversation");
            assertThat(e.getMessage()).contains("could not be read", "egress");
        });
        assertThat(reached[0]).isFalse();

        // a tool that sends nothing out goes on, with the failure in its record; but a result that adds
        // labels the memory cannot record is withheld: later calls would not know of it
        CallContext read = call("c-2", tool("crm__get", List.of()), "alice", null);
        assertThat(stage.handle(read, c -> ok())).isNotNull();
        assertThat(read.trail().notes()).anyMatch(n -> n.contains("memory could not be read"));
        assertThat(new ConversationMemory(ON, null).handle(call("c-3", tool("crm__get", List.of()), "alice", null), c -> ok()))
                .isNotNull();

        // attack: while the memory cannot be read, a tool whose result holds personal data must not slip its
        // labels past the memory (a later egress call, once the memory answers again, would not know
        // of them): the result that adds labels it cannot record is withheld
        ToolEntry customers = tool("crm__lookup", List.of());
        assertThatThrownBy(() -> stage.handle(call("c-4", customers, "alice", null), c -> {
            c.trail().detected("pii.email");
            return ok();
        })).isInstanceOfSatisfying(GatewayException.Refused.class, e -> {
            assertThat(e.control()).isEqualTo("conversation");
            assertThat(e.getMessage()).contains("withheld", "pii.email");
        });
    }

    @Test
    void item4_failClosed_aResultWhoseLabelsCannotBeRecordedIsWithheld() throws Exception {
        Store s = Store.open(new StoreConfig(null, dir, 2));
        ConversationMemory stage = new ConversationMemory(ON, new ConversationStore(s, time));
        CallContext fetch = call("c-1", tool("web__fetch", List.of("untrusted")), "alice", null);
        assertThatThrownBy(() -> stage.handle(fetch, c -> {
            s.close(); // the memory breaks while the upstream answers
            return ok();
        })).isInstanceOfSatisfying(GatewayException.Refused.class, e -> {
            assertThat(e.control()).isEqualTo("conversation");
            assertThat(e.getMessage()).contains("withheld", "untrusted");
        });
    }

    @Test
    void offPassesEveryCallUntouched() throws Exception {
        CallContext send = call("c-1", tool("mail__send", List.of("egress")), "alice", null);
        assertThat(new ConversationMemory(ConversationConfig.OFF, null).handle(send, c -> ok())).isNotNull();
        assertThat(new ConversationMemory(null, null).handle(send, c -> ok())).isNotNull();
        assertThat(send.trail().conversation()).isNull();
    }
}
