package io.portcullis.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import io.portcullis.protocol.ProtocolVersion;
import io.portcullis.upstream.UserSessions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * #16 item 4 (h9): the session matching of {@link UserEventsRelay}. What alice's per-user upstream connection
 * sends tied to no call reaches alice's client sessions (all of them; a resource update only those subscribed)
 * and never bob's, nor those of another "alice" verified by another issuer, nor an anonymous session. Real
 * {@link Sessions} and {@link ClientSession}s, as the ingress builds them; the relay needs no gateway for these.
 */
class UserEventsRelayTest {
    static final String SSO = "https://sso.example";

    static Principal user(String subject, String issuer) {
        return new Principal(subject, Principal.Kind.USER, subject, List.of(), "client", "dev", "jwt", "j-" + subject,
                null, issuer, null, List.of());
    }

    static ClientSession session(String id, Principal p) {
        return new ClientSession(id, "dev", ProtocolVersion.V2025_11_25, Json.object(), Json.object(), p);
    }

    static List<String> got(ClientSession s) {
        return s.events.after(LegacyStreams.GET, 0).stream().map(e -> e.message().path("method").asString("")).toList();
    }

    @Test
    void aUsersConnectionsEventsReachThatUsersSessionsAloneNeverAnotherUsersOrAnotherIssuers() {
        try (Sessions sessions = new Sessions(() -> Duration.ofMinutes(30))) {
            ClientSession alice1 = session("a1", user("alice", SSO));
            ClientSession alice2 = session("a2", user("alice", SSO));
            ClientSession bob = session("b1", user("bob", SSO));
            ClientSession otherAlice = session("x1", user("alice", "https://evil.example"));
            ClientSession anonymous = session("n1", Principal.anonymous("dev", "test"));
            for (ClientSession s : List.of(alice1, alice2, bob, otherAlice, anonymous)) {
                sessions.add(s);
            }
            UserEventsRelay relay = new UserEventsRelay(null, sessions);
            UserSessions.Key alice = new UserSessions.Key(SSO, "alice", "crm", "");

            relay.listChanged(alice, "tools");
            assertThat(got(alice1)).containsExactly("notifications/tools/list_changed");
            assertThat(got(alice2)).containsExactly("notifications/tools/list_changed");
            assertThat(got(bob)).as("bob's session").isEmpty();
            assertThat(got(otherAlice)).as("alice of another issuer").isEmpty();
            assertThat(got(anonymous)).isEmpty();

            // a resource update: only alice's session subscribed to that URI
            alice2.subscriptions.add("crm://a/1");
            bob.subscriptions.add("crm://a/1");
            ObjectNode params = Json.object().put("uri", "crm://a/1");
            relay.notification(alice, "crm", Message.notification("notifications/resources/updated", params));
            assertThat(got(alice2)).containsExactly("notifications/tools/list_changed", "notifications/resources/updated");
            assertThat(got(alice1)).as("not subscribed").containsExactly("notifications/tools/list_changed");
            assertThat(got(bob)).as("bob is subscribed to the same URI, but it is alice's connection").isEmpty();
        }
    }
}
