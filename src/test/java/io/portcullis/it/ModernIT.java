package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The stateless 2026-07-28 form: server/discover, the _meta envelope, and headers checked against the body. */
class ModernIT {
    /** #12 item 7: the gateway of this class, started and stopped by the extension. */
    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.demo().build();
    private static WireClient client;

    @BeforeAll
    static void start() throws Exception {
        client = gw.client();
    }

    private static ObjectNode echo(String message) {
        ObjectNode p = Json.object().put("name", "demo__echo");
        p.putObject("arguments").put("message", message);
        return ModernRequests.request(3, "tools/call", p);
    }

    @Test
    void discoverDescribesTheServer() {
        WireReply r = ModernRequests.post(client, ModernRequests.request(1, "server/discover", null));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Mcp-Session-Id")).isNull();
        JsonNode result = r.message().path("result");
        assertThat(result.path("resultType").asString()).isEqualTo("complete");
        assertThat(result.path("supportedVersions")).containsExactly(Json.object().stringNode("2026-07-28"));
        assertThat(result.path("ttlMs").isIntegralNumber()).isTrue();
        assertThat(result.path("ttlMs").asInt()).isGreaterThanOrEqualTo(0);
        assertThat(result.path("cacheScope").asString()).isIn("public", "private");
        assertThat(result.path("_meta").path("io.modelcontextprotocol/serverInfo").path("name").asString()).isEqualTo("portcullis");
        assertThat(result.has("serverInfo")).isFalse();
        assertThat(result.path("capabilities").has("tools")).isTrue();
        assertThat(result.path("capabilities").has("tasks")).isFalse();
    }

    @Test
    void toolsListAndCallWork() {
        WireReply list = ModernRequests.post(client, ModernRequests.request(2, "tools/list", null));
        assertThat(list.status()).isEqualTo(200);
        JsonNode lr = list.message().path("result");
        assertThat(LegacySession.names(lr.path("tools"))).contains("demo__echo", "demo__delete_project");
        assertThat(lr.path("resultType").asString()).isEqualTo("complete");
        assertThat(lr.has("ttlMs") && lr.has("cacheScope")).isTrue();
        assertThat(lr.path("_meta").has("io.modelcontextprotocol/serverInfo")).isTrue();

        WireReply call = ModernRequests.post(client, echo("modern"));
        assertThat(call.status()).isEqualTo(200);
        assertThat(call.message().path("id").asInt()).isEqualTo(3);
        JsonNode cr = call.message().path("result");
        assertThat(cr.path("content").get(0).path("text").asString()).isEqualTo("modern");
        assertThat(cr.path("resultType").asString()).isEqualTo("complete");
        assertThat(cr.has("ttlMs")).isFalse();
    }

    @Test
    void aSessionIdIsIgnored() {
        WireReply r = ModernRequests.post(client, echo("x"), "Mcp-Session-Id", "no-such-session");
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void aBase64EncodedNameMatches() {
        String encoded = "=?base64?" + Base64.getEncoder().encodeToString("demo__echo".getBytes(StandardCharsets.UTF_8)) + "?=";
        assertThat(ModernRequests.post(client, echo("b64"), "Mcp-Name", encoded).status()).isEqualTo(200);
    }

    @Test
    void eachMissingHeaderIs32020() {
        for (String header : new String[] {"MCP-Protocol-Version", "Mcp-Method", "Mcp-Name"}) {
            WireReply r = ModernRequests.post(client, echo("x"), header, null);
            assertThat(r.status()).as(header).isEqualTo(400);
            assertThat(r.errorCode()).as(header).isEqualTo(-32020);
            assertThat(r.message().path("id").asInt()).isEqualTo(3);
        }
    }

    @Test
    void eachMismatchedHeaderIs32020() {
        String[][] cases = {{"MCP-Protocol-Version", "2025-11-25"}, {"Mcp-Method", "tools/list"},
                {"Mcp-Name", "demo__search_tickets"}, {"Mcp-Name", "=?base64?not base64!?="}};
        for (String[] c : cases) {
            WireReply r = ModernRequests.post(client, echo("x"), c[0], c[1]);
            assertThat(r.status()).as(c[0] + ": " + c[1]).isEqualTo(400);
            assertThat(r.errorCode()).as(c[0] + ": " + c[1]).isEqualTo(-32020);
        }
    }

    @Test
    void headerValuesAreTrimmed() {
        assertThat(ModernRequests.post(client, echo("x"), "Mcp-Method", " tools/call\t").status()).isEqualTo(200);
    }

    @Test
    void anUnsupportedVersionIs32022WithTheSupportedOnes() {
        ObjectNode req = echo("x");
        ((ObjectNode) req.path("params").path("_meta")).put("io.modelcontextprotocol/protocolVersion", "2027-01-01");
        WireReply r = ModernRequests.post(client, req, "MCP-Protocol-Version", "2027-01-01");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo(-32022);
        assertThat(r.message().path("error").path("data").path("supported").get(0).asString()).isEqualTo("2026-07-28");
        assertThat(r.message().path("id").asInt()).isEqualTo(3);
        // a legacy version named in the envelope is no better
        ((ObjectNode) req.path("params").path("_meta")).put("io.modelcontextprotocol/protocolVersion", "2025-11-25");
        assertThat(ModernRequests.post(client, req, "MCP-Protocol-Version", "2025-11-25").errorCode()).isEqualTo(-32022);
    }

    @Test
    void aMissingCapabilitiesKeyIs32602() {
        ObjectNode req = echo("x");
        ((ObjectNode) req.path("params").path("_meta")).remove("io.modelcontextprotocol/clientCapabilities");
        WireReply r = ModernRequests.post(client, req);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo(-32602);
    }

    @Test
    void unknownAndRemovedMethodsAre32601With404() {
        for (String method : new String[] {"tools/teleport", "ping", "initialize", "logging/setLevel"}) {
            WireReply r = ModernRequests.post(client, ModernRequests.request(4, method, null));
            assertThat(r.status()).as(method).isEqualTo(404);
            assertThat(r.errorCode()).as(method).isEqualTo(-32601);
        }
    }

    @Test
    void aNotificationIs202() {
        ObjectNode n = ModernRequests.request(0, "notifications/cancelled", Json.object().put("requestId", 99));
        n.remove("id");
        WireReply r = ModernRequests.post(client, n);
        assertThat(r.status()).isEqualTo(202);
    }

    @Test
    void getAndDeleteAre405() {
        WireReply get = client.get("Accept", "text/event-stream", "MCP-Protocol-Version", "2026-07-28");
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.header("Allow")).isEqualTo("POST");
        assertThat(client.delete("MCP-Protocol-Version", "2026-07-28").status()).isEqualTo(405);
    }

    @Test
    void anUnknownToolIsRefusedByTheCatalogAsAToolError() {
        ObjectNode p = Json.object().put("name", "demo__nope");
        WireReply r = ModernRequests.post(client, ModernRequests.request(5, "tools/call", p));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.errorCode()).isNull();
        assertThat(r.message().path("result").path("isError").asBoolean()).isTrue();
        assertThat(r.message().path("result").path("_meta").path("io.portcullis/refusal").path("control").asString()).isEqualTo("catalog");
    }

    @Test
    void legacyInitializeWithAModernHeaderIsRefused() {
        WireReply r = client.post(Json.write(LegacySession.initialize(1, "2025-11-25", Json.object())),
                "MCP-Protocol-Version", "2026-07-28");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo(-32020);
        WireReply list = client.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}", "MCP-Protocol-Version", "2026-07-28");
        assertThat(list.status()).isEqualTo(400);
        assertThat(list.errorCode()).isEqualTo(-32602);
        assertThat(list.message().path("error").path("data").path("envelope").path("missing").size()).isEqualTo(2);
    }
}
