package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** JSON-RPC batches: served in a 2025-03-26 session, refused (-32600) in every later era. */
class BatchIT {
    /** #12 item 7: the gateway of this class, started and stopped by the extension. */
    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.demo().build();
    private static WireClient client;

    @BeforeAll
    static void start() throws Exception {
        client = gw.client();
    }

    @Test
    void aBatchIsServedIn20250326() {
        LegacySession s = LegacySession.open(client, "2025-03-26");
        WireReply r = client.post("""
                [{"jsonrpc":"2.0","id":"a","method":"ping"},
                 {"jsonrpc":"2.0","method":"notifications/roots/list_changed"},
                 {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"demo__echo","arguments":{"message":"b"}}}]
                """, s.headers());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().isArray()).isTrue();
        assertThat(r.messages()).hasSize(2);
        JsonNode ping = r.messages().stream().filter(m -> m.path("id").asString("").equals("a")).findFirst().orElseThrow();
        assertThat(ping.has("result")).isTrue();
        JsonNode echo = r.messages().stream().filter(m -> m.path("id").asInt(0) == 7).findFirst().orElseThrow();
        assertThat(echo.path("result").path("content").get(0).path("text").asString()).isEqualTo("b");
    }

    @Test
    void aBatchOfNotificationsIs202() {
        LegacySession s = LegacySession.open(client, "2025-03-26");
        WireReply r = client.post("[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/roots/list_changed\"}]", s.headers());
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void badElementsGetTheirOwnErrors() {
        LegacySession s = LegacySession.open(client, "2025-03-26");
        WireReply r = client.post("""
                [{"jsonrpc":"2.0","id":1,"method":"ping"}, {"id":2,"method":"ping"}, 5,
                 {"jsonrpc":"2.0","id":3,"method":"initialize","params":{}}]
                """, s.headers());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.messages()).hasSize(4);
        assertThat(r.messages().stream().filter(m -> m.path("error").path("code").asInt(0) == -32600)).hasSize(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-06-18", "2025-11-25"})
    void laterErasRefuseBatches(String version) {
        LegacySession s = LegacySession.open(client, version);
        WireReply r = client.post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", s.headers());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo(-32600);
        assertThat(r.message().path("error").path("message").asString()).contains("batch");
    }

    @Test
    void anEmptyBatchIsInvalid() {
        LegacySession s = LegacySession.open(client, "2025-03-26");
        WireReply r = client.post("[]", s.headers());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo(-32600);
        assertThat(client.post("[]").errorCode()).isEqualTo(-32600);
    }

    @Test
    void aBatchNeedsASession() {
        WireReply r = client.post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]");
        assertThat(r.status()).isEqualTo(400);
    }

    @Test
    void aBatchWithA2026RequestIsRefused() {
        WireReply r = client.post("""
                [{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{
                  "io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}]
                """, "MCP-Protocol-Version", "2026-07-28");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo(-32600);
    }
}
