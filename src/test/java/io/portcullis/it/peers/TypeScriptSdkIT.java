package io.portcullis.it.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The official TypeScript SDK clients drive the gateway process fronting server-everything over
 * stdio (examples/everything.yaml): @modelcontextprotocol/sdk 1.x in a 2025-11-25 session, and
 * @modelcontextprotocol/client 2.x in the stateless 2026-07-28 era. The scripts are in
 * src/test/resources/clients; each prints what it saw as JSON and the assertions are here.
 */
class TypeScriptSdkIT {
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(90);
    private static Path work;
    private static GatewayProcess gateway;

    @BeforeAll
    static void start() {
        work = Peers.workDir(TypeScriptSdkIT.class);
        // sampling and elicitation tools come with a list change after the upstream is ready
        gateway = GatewayProcess.start(Peers.copyExamples(work).resolve("everything.yaml"), work)
                .awaitTools("everything__trigger-sampling-request", "everything__trigger-elicitation-request");
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void sdk1ListsToolsCallsOneAndGetsProgress() {
        JsonNode out = Peers.nodeScript("sdk1-tools.mjs", work, SCRIPT_TIMEOUT, gateway.url(),
                "everything__echo", "everything__trigger-long-running-operation").ok();
        assertThat(out.path("protocolVersion").asString()).isEqualTo("2025-11-25");
        assertThat(out.path("sessionId").asString("")).isNotEmpty();
        assertThat(out.path("server").path("name").asString()).isEqualTo("portcullis");
        assertThat(strings(out.path("tools"))).contains("everything__echo", "everything__trigger-long-running-operation",
                "everything__trigger-sampling-request", "everything__trigger-elicitation-request");
        assertThat(out.path("echo").path("content").get(0).path("text").asString()).isEqualTo("Echo: hello through the gateway");
        assertThat(out.path("long").path("content").get(0).path("text").asString()).contains("Long running operation completed");
        // The upstream's progress notifications reach the client's onprogress callback, under the
        // client's own token, in order.
        JsonNode progress = out.path("progress");
        assertThat(progress.size()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(progress.get(i).path("progress").asInt()).isEqualTo(i + 1);
            assertThat(progress.get(i).path("total").asInt()).isEqualTo(3);
        }
    }

    @Test
    void sdk1AnswersSamplingAndElicitationRequestsRelayedFromTheUpstream() {
        JsonNode out = Peers.nodeScript("sdk1-server-requests.mjs", work, SCRIPT_TIMEOUT, gateway.url(),
                "everything__trigger-sampling-request", "everything__trigger-elicitation-request").ok();
        // The upstream's sampling/createMessage reached the client's handler with the upstream's params ...
        JsonNode sampling = out.path("asked").path("sampling");
        assertThat(sampling.size()).isEqualTo(1);
        assertThat(sampling.get(0).path("messages").get(0).path("content").path("text").asString()).contains("say hi");
        assertThat(sampling.get(0).path("maxTokens").asInt()).isEqualTo(20);
        // ... and the client's answer went back to the upstream, which put it into the tool result.
        assertThat(out.path("sampling").path("content").get(0).path("text").asString())
                .contains("sampled-by-the-test-client").contains("it-model");

        JsonNode elicitation = out.path("asked").path("elicitation");
        assertThat(elicitation.size()).isEqualTo(1);
        assertThat(elicitation.get(0).path("requestedSchema").path("required").get(0).asString()).isEqualTo("name");
        String text = out.path("elicitation").path("content").toString();
        assertThat(text).contains("Ada Lovelace").contains("Agreed to terms: true");
    }

    @Test
    void sdk1ListsAndReadsResourcesAndGetsPrompts() {
        JsonNode out = Peers.nodeScript("sdk1-resources-prompts.mjs", work, SCRIPT_TIMEOUT, gateway.url(),
                "everything__args-prompt", "{\"city\":\"Oslo\",\"state\":\"Norway\"}").ok();
        List<String> uris = strings(out.path("resources"));
        assertThat(uris).contains("demo://resource/static/document/architecture.md");
        JsonNode contents = out.path("read").path("contents").get(0);
        assertThat(contents.path("uri").asString()).isEqualTo(uris.getFirst());
        assertThat(contents.path("text").asString()).isNotBlank();
        assertThat(strings(out.path("prompts"))).contains("everything__simple-prompt", "everything__args-prompt");
        assertThat(out.path("prompt").path("messages").get(0).path("content").path("text").asString())
                .isEqualTo("What's weather in Oslo, Norway?");
    }

    @Test
    void client2PinnedTo20260728IsStateless() {
        JsonNode out = Peers.nodeScript("client2-modern.mjs", work, SCRIPT_TIMEOUT, gateway.url(),
                "pin", "everything__get-sum", "{\"a\":40,\"b\":2}").ok();
        assertModern(out);
        assertThat(out.path("call").path("content").get(0).path("text").asString()).isEqualTo("The sum of 40 and 2 is 42.");
    }

    @Test
    void client2InAutoModeDiscoversTheModernEra() {
        JsonNode out = Peers.nodeScript("client2-modern.mjs", work, SCRIPT_TIMEOUT, gateway.url(),
                "auto", "everything__echo", "{\"message\":\"stateless\"}").ok();
        assertModern(out);
        assertThat(out.path("call").path("content").get(0).path("text").asString()).isEqualTo("Echo: stateless");
    }

    /** 2026-07-28: server/discover, then one POST per request with the version and method headers, no session at all. */
    static void assertModern(JsonNode out) {
        assertThat(out.path("era").asString()).isEqualTo("modern");
        assertThat(out.path("protocolVersion").asString()).isEqualTo("2026-07-28");
        assertThat(out.path("sessionId").isNull()).isTrue();
        assertThat(strings(out.path("tools"))).contains("everything__echo", "everything__get-sum");
        JsonNode exchanges = out.path("exchanges");
        List<String> methods = new ArrayList<>();
        for (JsonNode e : exchanges) {
            methods.add(e.path("rpcMethod").asString(""));
            assertThat(e.path("method").asString()).isEqualTo("POST");
            assertThat(e.path("status").asInt()).isEqualTo(200);
            assertThat(e.path("protocolVersionHeader").asString()).isEqualTo("2026-07-28");
            assertThat(e.path("mcpMethodHeader").asString()).isEqualTo(e.path("rpcMethod").asString());
            assertThat(e.path("sessionHeader").isNull()).as("no Mcp-Session-Id sent").isTrue();
            assertThat(e.path("responseSessionHeader").isNull()).as("no Mcp-Session-Id issued").isTrue();
        }
        assertThat(methods).containsExactly("server/discover", "tools/list", "tools/call");
        assertThat(exchanges.get(2).path("mcpNameHeader").asString()).startsWith("everything__");
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }
}
