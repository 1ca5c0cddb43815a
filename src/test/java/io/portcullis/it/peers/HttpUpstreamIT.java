package io.portcullis.it.peers;

import static io.portcullis.it.peers.TypeScriptSdkIT.strings;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * server-everything over Streamable HTTP as an upstream ({@code url:}), twice: {@code everything}
 * in 2025-11-25 and {@code old} pinned to 2025-03-26 with {@code protocol_version}. Clients of
 * every era use both: each upstream is spoken to in the version it negotiated, whatever the
 * client's (issue #2, item 3).
 */
class HttpUpstreamIT {
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(90);
    private static Path work;
    private static EverythingHttp upstream;
    private static GatewayProcess gateway;

    @BeforeAll
    static void start() {
        work = Peers.workDir(HttpUpstreamIT.class);
        upstream = EverythingHttp.start(work);
        gateway = GatewayProcess.start("""
                server:
                  data_dir: data
                upstreams:
                  everything:
                    url: %s
                  old:
                    url: %s
                    protocol_version: "2025-03-26"
                catalog: {unlisted: allow}   # a protocol test: every tool the upstream offers
                """.formatted(upstream.url(), upstream.url()), work)
                .awaitTools("everything__trigger-sampling-request", "everything__trigger-elicitation-request");
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void eachUpstreamNegotiatedItsOwnVersion() {
        assertThat(gateway.log())
                .containsPattern("upstream everything ready: mcp-servers/everything \\S+ \\(protocol 2025-11-25\\)")
                .containsPattern("upstream old ready: mcp-servers/everything \\S+ \\(protocol 2025-03-26\\)");
    }

    @Test
    void sdk1CallsWithProgressOverTheHttpUpstream() {
        JsonNode out = Peers.nodeScript("sdk1-tools.mjs", work, SCRIPT_TIMEOUT, gateway.url(),
                "everything__echo", "everything__trigger-long-running-operation").ok();
        assertThat(strings(out.path("tools"))).contains("everything__echo", "old__echo");
        assertThat(out.path("echo").path("content").get(0).path("text").asString()).isEqualTo("Echo: hello through the gateway");
        assertThat(out.path("progress").size()).isEqualTo(3);
        assertThat(out.path("progress").get(2).path("progress").asInt()).isEqualTo(3);
    }

    @Test
    void samplingAndElicitationComeBackOverTheUpstreamsSseStream() {
        JsonNode out = Peers.nodeScript("sdk1-server-requests.mjs", work, SCRIPT_TIMEOUT, gateway.url(),
                "everything__trigger-sampling-request", "everything__trigger-elicitation-request").ok();
        assertThat(out.path("asked").path("sampling").size()).as(out.toString()).isEqualTo(1);
        assertThat(out.path("sampling").path("content").get(0).path("text").asString()).contains("sampled-by-the-test-client");
        assertThat(out.path("asked").path("elicitation").size()).isEqualTo(1);
        assertThat(out.path("elicitation").path("content").toString()).contains("Ada Lovelace");
    }

    @Test
    void a20251125ClientUsesA20250326Upstream() {
        JsonNode out = Peers.nodeScript("sdk1-tools.mjs", work, SCRIPT_TIMEOUT, gateway.url(),
                "old__echo", "old__trigger-long-running-operation").ok();
        assertThat(out.path("protocolVersion").asString()).isEqualTo("2025-11-25");
        assertThat(out.path("echo").path("content").get(0).path("text").asString()).isEqualTo("Echo: hello through the gateway");
        assertThat(out.path("progress").size()).isEqualTo(3);
    }

    @Test
    void a20260728ClientUsesALegacyUpstream() {
        JsonNode out = Peers.nodeScript("client2-modern.mjs", work, SCRIPT_TIMEOUT, gateway.url(),
                "pin", "everything__get-sum", "{\"a\":20,\"b\":22}").ok();
        TypeScriptSdkIT.assertModern(out);
        assertThat(out.path("call").path("content").get(0).path("text").asString()).isEqualTo("The sum of 20 and 22 is 42.");

        JsonNode old = Peers.nodeScript("client2-modern.mjs", work, SCRIPT_TIMEOUT, gateway.url(),
                "pin", "old__echo", "{\"message\":\"2026 to 2025-03-26\"}").ok();
        assertThat(old.path("call").path("content").get(0).path("text").asString()).isEqualTo("Echo: 2026 to 2025-03-26");
    }

    @Test
    void a20250326ClientUsesA20251125Upstream() {
        try (McpSyncClient client = JavaSdkIT.connect(gateway.url(), "2025-03-26")) {
            assertThat(client.getCurrentInitializationResult().protocolVersion()).isEqualTo("2025-03-26");
            McpSchema.CallToolResult sum = client.callTool(new McpSchema.CallToolRequest("everything__get-sum", Map.of("a", 1, "b", 41)));
            assertThat(JavaSdkIT.text(sum)).isEqualTo("The sum of 1 and 41 is 42.");
        }
    }
}
