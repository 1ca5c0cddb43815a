package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Unknown JSON fields survive the round trip through the gateway (issue #2, item 4): in the
 * params the upstream receives, in the result the client receives, and in tool definitions.
 * Only what the gateway must own is rewritten: the tool's name and the progress token.
 */
class TransparencyIT {
    /** #12 item 7: the gateway of this class, started and stopped by the extension. */
    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.config(() -> """
                upstreams:
                  probe:
                    command: %s
                  everything:
                    command: %s
                """.formatted(TestGateway.list(JvmPeers.testMain(FaultServer.class)), TestGateway.list(NpmPeers.everything()))).build();

    @Test
    void unknownFieldsReachTheUpstreamAndComeBack() {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
        ObjectNode params = (ObjectNode) Json.parse("""
                {"name":"probe__params","arguments":{"a":1,"nested":{"b":[1,2]}},"x-extra":{"k":[1,"two",null]},
                 "task":{"ttl":60000},"_meta":{"progressToken":"client-token","vendor/x":{"y":1}}}""");
        JsonNode result = s.request("tools/call", params).path("result");
        JsonNode seen = Json.parse(result.path("content").get(0).path("text").asString());
        assertThat(seen.path("name").asString()).isEqualTo("params");
        assertThat(seen.path("arguments")).isEqualTo(params.path("arguments"));
        assertThat(seen.path("x-extra")).isEqualTo(params.path("x-extra"));
        assertThat(seen.path("task")).isEqualTo(params.path("task"));
        assertThat(seen.path("_meta").path("vendor/x")).isEqualTo(params.path("_meta").path("vendor/x"));
        // the gateway's own token upstream, unique across sessions; the client's comes back on progress
        assertThat(seen.path("_meta").path("progressToken").asString()).startsWith("pc-").isNotEqualTo("client-token");
        assertThat(result.path("x-result").path("deep").asBoolean()).isTrue();
    }

    @Test
    void toolDefinitionsKeepTheirFieldsForLegacyClients() {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
        JsonNode tools = s.request("tools/list", null).path("result").path("tools");
        JsonNode echo = find(tools, "everything__echo");
        assertThat(echo.path("annotations").path("readOnlyHint").asBoolean()).isTrue();
        assertThat(echo.path("title").isString() || echo.has("description")).isTrue();
        assertThat(echo.has("execution")).isTrue();
        // 2026-07-28 dropped Tool.execution: modern clients do not get it
        JsonNode modern = ModernRequests.post(gw.client(), ModernRequests.request(1, "tools/list", null)).message()
                .path("result").path("tools");
        assertThat(find(modern, "everything__echo").has("execution")).isFalse();
        assertThat(find(modern, "everything__echo").path("annotations")).isEqualTo(echo.path("annotations"));
    }

    private static JsonNode find(JsonNode tools, String name) {
        for (JsonNode t : tools) {
            if (t.path("name").asString().equals(name)) {
                return t;
            }
        }
        throw new AssertionError(name + " not listed");
    }
}
