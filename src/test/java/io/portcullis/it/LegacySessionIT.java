package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.ErrorCodes;
import io.portcullis.protocol.Json;
import io.portcullis.ingress.ClientSession;
import io.portcullis.testing.Eventually;
import io.portcullis.testing.ManualTicker;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.node.ObjectNode;

/** Legacy-era sessions over Streamable HTTP: Mcp-Session-Id, DELETE, MCP-Protocol-Version, negotiation. */
class LegacySessionIT {
    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.demo().build();
    private WireClient client;

    @BeforeEach
    void client() {
        client = gw.client();
    }

    @ParameterizedTest(name = "asks {0}, gets {1}")
    @CsvSource({"2025-03-26,2025-03-26", "2025-06-18,2025-06-18", "2025-11-25,2025-11-25",
            "2024-11-05,2025-11-25", "1999-01-01,2025-11-25", "2026-07-28,2025-11-25"})
    void negotiatesTheVersion(String asked, String answered) {
        WireReply r = client.post(Json.write(LegacySession.initialize(1, asked, Json.object())));
        assertThat(r.status()).isEqualTo(200);
        // #19 item 1: the id is the session sealed under the cluster key (visible ASCII, as the spec requires)
        assertThat(r.header("Mcp-Session-Id")).matches("pcs1\\.[A-Za-z0-9_-]{11}\\.[A-Za-z0-9_-]+");
        ObjectNode result = (ObjectNode) r.message().get("result");
        assertThat(result.path("protocolVersion").asString()).isEqualTo(answered);
        assertThat(result.path("serverInfo").path("name").asString()).isEqualTo("portcullis");
        assertThat(result.path("capabilities").has("tools")).isTrue();
        assertThat(r.message().path("id").asInt()).isEqualTo(1);
    }

    @Test
    void aSessionServesRequestsWithItsId() {
        LegacySession s = LegacySession.open(client, "2025-06-18");
        ObjectNode list = s.request("tools/list", null);
        assertThat(LegacySession.names(list.path("result").path("tools")))
                .contains("demo__echo", "demo__search_tickets", "demo__create_ticket", "demo__delete_project");
        ObjectNode call = s.request("tools/call", Json.object().put("name", "demo__echo")
                .set("arguments", Json.object().put("message", "hi")));
        assertThat(call.path("result").path("content").get(0).path("text").asString()).isEqualTo("hi");
        assertThat(s.post(s.message("ping", null)).header("Mcp-Session-Id")).isEqualTo(s.id());
    }

    @Test
    void twoSessionsGetDifferentIds() {
        assertThat(LegacySession.open(client, "2025-11-25").id()).isNotEqualTo(LegacySession.open(client, "2025-11-25").id());
    }

    @Test
    void aMissingSessionIdIs400() {
        WireReply r = client.post(Json.write(LegacySession.initialize(1, "2025-06-18", Json.object()).put("method", "tools/list")));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.message().path("error").path("message").asString()).contains("Mcp-Session-Id");
    }

    @Test
    void anUnknownSessionIdIs404() {
        WireReply r = client.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}",
                "Mcp-Session-Id", "0123456789abcdef0123456789abcdef");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo(ErrorCodes.SESSION_NOT_FOUND).isEqualTo(-32001); // #12 item 6: named so
        assertThat(client.get("Accept", "text/event-stream", "Mcp-Session-Id", "nope").status()).isEqualTo(404);
        assertThat(client.delete("Mcp-Session-Id", "nope").status()).isEqualTo(404);
    }

    @Test
    void deleteEndsTheSession() {
        LegacySession s = LegacySession.open(client, "2025-11-25");
        assertThat(s.delete().status()).isEqualTo(200);
        WireReply after = s.post(s.message("tools/list", null));
        assertThat(after.status()).isEqualTo(404);
        assertThat(s.delete().status()).isEqualTo(404);
    }

    @Test
    void aSessionIsBoundToItsEnvironmentsEndpoint() throws Exception {
        LegacySession s = LegacySession.open(client, "2025-11-25");
        // the default environment is "default"; another path names no declared environment
        WireReply other = new WireClient(gw.url("staging")).post(Json.write(s.message("tools/list", null)), s.headers());
        assertThat(other.status()).isEqualTo(404);
    }

    @Test
    void theProtocolVersionHeaderMayBeAbsentButNotWrong() {
        LegacySession s = LegacySession.open(client, "2025-06-18");
        assertThat(s.post(s.message("ping", null), "MCP-Protocol-Version", null).status()).isEqualTo(200);
        WireReply unknown = s.post(s.message("ping", null), "MCP-Protocol-Version", "2030-01-01");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.message().path("error").path("message").asString()).contains("Unsupported protocol version");
        WireReply modern = s.post(s.message("ping", null), "MCP-Protocol-Version", "2026-07-28");
        assertThat(modern.status()).isEqualTo(400);
        assertThat(s.post(s.message("ping", null), "MCP-Protocol-Version", " 2025-06-18 ").status()).isEqualTo(200);
    }

    @Test
    void initializeTwiceInASessionIsRefused() {
        LegacySession s = LegacySession.open(client, "2025-06-18");
        WireReply r = s.post(LegacySession.initialize(9, "2025-06-18", Json.object()));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo(-32600);
        assertThat(s.request("ping", null).has("result")).isTrue();
    }

    private static final String IDLE_1S = """
            server:
              session_idle_timeout: 1s
            upstreams:
              demo:
                command: %s
            """;

    /** #12 item 7: time moves on the sessions' clock, not on the wall: no wait, and "not yet" is exact. */
    @Test
    void anIdleSessionExpiresAndIsThen404() throws Exception {
        ManualTicker clock = new ManualTicker();
        try (TestGateway idle = TestGateway.start(IDLE_1S.formatted(TestGateway.list(JvmPeers.demo())), null, true, clock)) {
            LegacySession s = LegacySession.open(idle.client(), "2025-11-25");
            assertThat(s.post(s.message("ping", null)).status()).isEqualTo(200);
            clock.advance(Duration.ofSeconds(1));
            idle.http().sessions().sweep();
            assertThat(s.post(s.message("ping", null)).status()).as("idle for exactly the timeout: not yet").isEqualTo(200);
            clock.advance(Duration.ofMillis(1001)); // the ping above was a request: idle again from there
            // swept once the ping's call has left the session's in-flight set (right after its answer)
            Eventually.eventually(Duration.ofSeconds(10), "the idle session ended", () -> {
                idle.http().sessions().sweep();
                return idle.http().sessions().get(s.id()) == null;
            });
            assertThat(s.post(s.message("ping", null)).status()).isEqualTo(404);
        }
    }

    @Test
    void aSessionListeningOnItsStreamDoesNotExpire() throws Exception {
        ManualTicker clock = new ManualTicker();
        try (TestGateway idle = TestGateway.start(IDLE_1S.formatted(TestGateway.list(JvmPeers.demo())), null, true, clock)) {
            LegacySession s = LegacySession.open(idle.client(), "2025-11-25");
            ClientSession session = idle.http().sessions().get(s.id());
            try (SseStream get = s.get(null)) {
                assertThat(get.status()).isEqualTo(200);
                // three timeouts without a request, but with the stream open: time moves half a timeout at a
                // time, and moves on once the open stream has marked the session seen at the new time (its
                // keepalive), so the background sweeper, on the same clock, never sees it idle for a timeout
                for (int step = 0; step < 6; step++) {
                    clock.advance(Duration.ofMillis(500));
                    Eventually.eventually(Duration.ofSeconds(10), "the stream marked the session seen",
                            () -> !session.lastSeen().isBefore(clock.instant()));
                    idle.http().sessions().sweep();
                    assertThat(idle.http().sessions().get(s.id())).as("still open after %d ms", 500 * (step + 1)).isSameAs(session);
                }
                assertThat(s.post(s.message("ping", null)).status()).isEqualTo(200);
            }
        }
    }

    @Test
    void notificationsAndResponsesAre202() {
        LegacySession s = LegacySession.open(client, "2025-11-25");
        assertThat(s.notify("notifications/roots/list_changed", null).status()).isEqualTo(202);
        assertThat(s.respond(Json.object().stringNode("pc-unknown"), Json.object()).status()).isEqualTo(202);
    }
}
