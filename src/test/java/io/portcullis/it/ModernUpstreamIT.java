package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.peers.Peers;
import io.portcullis.protocol.Json;
import io.portcullis.upstream.Upstream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Upstreams of the 2026-07-28 era behind the gateway: test-support/modern-upstream.mjs, a server
 * on the TypeScript SDK v2 (@modelcontextprotocol/server 2.4.0) that refuses every 2025-era
 * request ({@code --modern-only}), over Streamable HTTP ({@code mhttp}) and over stdio
 * ({@code mstdio}). Clients of both eras list and call through the gateway; the era of each
 * upstream is negotiated ({@code protocol: auto}) or pinned: server-everything falls back to
 * legacy, a dual-era server pinned to {@code legacy} is initialized, and {@code modern} pinned on
 * server-everything keeps it down.
 */
class ModernUpstreamIT {
    private static HttpPeer modernHttp;
    private static TestGateway gw;
    private static Path work;

    static List<String> modernUpstream(String... args) {
        List<String> c = new java.util.ArrayList<>(List.of(NpmPeers.node().toString(),
                NpmPeers.root().resolve("test-support/modern-upstream.mjs").toString()));
        c.addAll(List.of(args));
        return c;
    }

    @BeforeAll
    static void start() throws Exception {
        work = Peers.workDir(ModernUpstreamIT.class);
        modernHttp = HttpPeer.start(modernUpstream("http", "{port}", "--modern-only"), Map.of(), NpmPeers.root());
        gw = TestGateway.start("""
                upstreams:
                  mhttp:
                    url: %s
                  mstdio:
                    command: %s
                  dual:
                    command: %s
                    protocol: legacy
                  everything:
                    command: %s
                  pinned:
                    command: %s
                    protocol: legacy
                """.formatted(modernHttp.url(), TestGateway.list(modernUpstream("stdio", "--modern-only")),
                TestGateway.list(modernUpstream("stdio")), TestGateway.list(NpmPeers.everything()),
                TestGateway.list(NpmPeers.everything())));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
        if (modernHttp != null) {
            modernHttp.close();
        }
    }

    private static Upstream upstream(String name) {
        return gw.gateway().upstream(name).orElseThrow();
    }

    private static ObjectNode call(String tool, ObjectNode args) {
        ObjectNode p = Json.object().put("name", tool);
        p.set("arguments", args);
        return p;
    }

    private static String text(JsonNode result) {
        return result.path("content").get(0).path("text").asString();
    }

    @Test
    void eachUpstreamSpeaksTheEraItNegotiatedOrWasPinnedTo() {
        assertThat(upstream("mhttp").modern()).isTrue();
        assertThat(upstream("mhttp").negotiatedVersion()).isEqualTo("2026-07-28");
        assertThat(upstream("mhttp").serverInfo().path("name").asString()).isEqualTo("modern-upstream");
        assertThat(upstream("mstdio").modern()).isTrue();
        assertThat(upstream("mstdio").negotiatedVersion()).isEqualTo("2026-07-28");
        // auto on an SDK 1.x server: server/discover is not understood, so the legacy handshake
        assertThat(upstream("everything").modern()).isFalse();
        assertThat(upstream("everything").negotiatedVersion()).isEqualTo("2025-11-25");
        // pinned: never probed, even a server that would speak 2026-07-28 is initialized the legacy way
        assertThat(upstream("dual").modern()).isFalse();
        assertThat(upstream("dual").negotiatedVersion()).isEqualTo("2025-11-25");
        assertThat(upstream("pinned").modern()).isFalse();
    }

    @Test
    void aLegacyClientListsAndCallsToolsOfModernUpstreamsOverHttpAndStdio() {
        for (String version : List.of("2025-06-18", "2025-11-25")) {
            LegacySession s = LegacySession.open(gw.client(), version);
            assertThat(s.toolNames()).contains("mhttp__echo", "mhttp__add", "mstdio__echo", "mstdio__add",
                    "dual__echo", "everything__echo", "pinned__echo");
            JsonNode sum = s.request("tools/call", call("mhttp__add", Json.object().put("a", 40).put("b", 2))).path("result");
            assertThat(text(sum)).isEqualTo("42");
            assertThat(sum.path("structuredContent").path("sum").asInt()).isEqualTo(42);
            JsonNode echo = s.request("tools/call", call("mstdio__echo", Json.object().put("message", "from " + version))).path("result");
            assertThat(text(echo)).isEqualTo("echo: from " + version);
            // the legacy-pinned and the fallen-back server-everything still work
            assertThat(text(s.request("tools/call", call("pinned__echo", Json.object().put("message", "pinned"))).path("result")))
                    .isEqualTo("Echo: pinned");
            assertThat(text(s.request("tools/call", call("everything__echo", Json.object().put("message", "auto"))).path("result")))
                    .isEqualTo("Echo: auto");
            assertThat(text(s.request("tools/call", call("dual__echo", Json.object().put("message", "dual"))).path("result")))
                    .isEqualTo("echo: dual");
        }
    }

    @Test
    void requestsCarryTheGatewaysEnvelopeAndTheMirroringHeaders() {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
        JsonNode seen = Json.parse(text(s.request("tools/call", call("mhttp__inspect", Json.object().put("region", "eu-west")))
                .path("result")));
        JsonNode envelope = seen.path("envelope");
        assertThat(envelope.path("io.modelcontextprotocol/protocolVersion").asString()).isEqualTo("2026-07-28");
        assertThat(envelope.path("io.modelcontextprotocol/clientInfo").path("name").asString()).isEqualTo("portcullis");
        // a legacy client cannot answer input_required: the gateway declares nothing it could relay
        assertThat(envelope.path("io.modelcontextprotocol/clientCapabilities").isEmpty()).isTrue();
        JsonNode headers = seen.path("headers");
        assertThat(headers.path("mcp-protocol-version").asString()).isEqualTo("2026-07-28");
        assertThat(headers.path("mcp-method").asString()).isEqualTo("tools/call");
        assertThat(headers.path("mcp-name").asString()).isEqualTo("inspect"); // the upstream's name, not the exposed one
        assertThat(headers.path("mcp-param-region").asString()).isEqualTo("eu-west");
        assertThat(headers.has("mcp-session-id")).isFalse();

        // a value that is not plain ASCII travels base64-encoded (the upstream checks it against the body)
        JsonNode encoded = Json.parse(text(s.request("tools/call", call("mhttp__inspect", Json.object().put("region", "Île-de-France")))
                .path("result")));
        assertThat(encoded.path("headers").path("mcp-param-region").asString()).startsWith("=?base64?");

        // over stdio: the same envelope, no headers
        JsonNode stdio = Json.parse(text(s.request("tools/call", call("mstdio__inspect", Json.object().put("region", "x"))).path("result")));
        assertThat(stdio.path("envelope").path("io.modelcontextprotocol/clientInfo").path("name").asString()).isEqualTo("portcullis");
        assertThat(stdio.path("headers").isEmpty()).isTrue();
    }

    @Test
    void aModernClientsEnvelopeIsReplacedByTheGatewaysKeepingWhatCanBeRelayed() {
        ObjectNode params = call("mhttp__inspect", Json.object().put("region", "eu"));
        ObjectNode request = ModernRequests.request(7, "tools/call", params);
        ObjectNode meta = (ObjectNode) request.path("params").path("_meta");
        meta.putObject("io.modelcontextprotocol/clientCapabilities").putObject("elicitation");
        meta.put("io.modelcontextprotocol/logLevel", "warning");
        meta.put("custom/key", "kept");
        WireReply r = ModernRequests.post(gw.client(), request, "Mcp-Param-Region", "eu");
        assertThat(r.status()).isEqualTo(200);
        JsonNode seen = Json.parse(text(r.message().path("result")));
        JsonNode envelope = seen.path("envelope");
        assertThat(envelope.path("io.modelcontextprotocol/clientInfo").path("name").asString()).isEqualTo("portcullis");
        assertThat(envelope.path("io.modelcontextprotocol/clientCapabilities").has("elicitation")).isTrue();
        assertThat(envelope.path("io.modelcontextprotocol/logLevel").asString()).isEqualTo("warning");
        assertThat(seen.path("meta").path("custom/key").asString()).as("the client's other _meta keys survive").isEqualTo("kept");
    }

    @Test
    void theTypeScriptClient2UsesModernUpstreamsThroughTheGateway() {
        JsonNode out = Peers.nodeScript("client2-modern.mjs", work, Duration.ofSeconds(90), gw.url().toString(),
                "pin", "mhttp__echo", "{\"message\":\"2026 all the way\"}").ok();
        assertThat(out.path("era").asString()).isEqualTo("modern");
        assertThat(out.path("tools").toString()).contains("mhttp__echo", "mstdio__add");
        assertThat(text(out.path("call"))).isEqualTo("echo: 2026 all the way");
        JsonNode stdio = Peers.nodeScript("client2-modern.mjs", work, Duration.ofSeconds(90), gw.url().toString(),
                "auto", "mstdio__add", "{\"a\":1,\"b\":2}").ok();
        assertThat(text(stdio.path("call"))).isEqualTo("3");
    }

    @Test
    void aModernClientOnAModernUpstreamOverRawWire() {
        for (String tool : List.of("mhttp__echo", "mstdio__echo")) {
            WireReply r = ModernRequests.post(gw.client(), ModernRequests.request(1, "tools/call",
                    call(tool, Json.object().put("message", "raw " + tool))));
            assertThat(r.status()).isEqualTo(200);
            assertThat(text(r.message().path("result"))).isEqualTo("echo: raw " + tool);
            assertThat(r.message().path("result").path("resultType").asString()).isEqualTo("complete");
        }
    }

    @Test
    void promptsAndResourcesOfModernUpstreamsReachALegacyClient() {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
        assertThat(LegacySession.names(s.request("prompts/list", null).path("result").path("prompts")))
                .contains("mhttp__greet", "mstdio__greet");
        for (String prompt : List.of("mhttp__greet", "mstdio__greet")) {
            JsonNode got = s.request("prompts/get", Json.object().put("name", prompt)
                    .set("arguments", Json.object().put("name", "Ada"))).path("result");
            assertThat(got.path("messages").get(0).path("content").path("text").asString()).isEqualTo("Say hello to Ada");
        }
        JsonNode resources = s.request("resources/list", null).path("result").path("resources");
        assertThat(resources.toString()).contains("modern://http/greeting", "modern://stdio/greeting");
        for (String uri : List.of("modern://http/greeting", "modern://stdio/greeting")) {
            JsonNode read = s.request("resources/read", Json.object().put("uri", uri)).path("result");
            assertThat(read.path("contents").get(0).path("text").asString()).isEqualTo("hello from a 2026-07-28 server");
        }
    }

    @Test
    void inputRequiredIsPassedToAModernClientAndItsRetryRoutedBack() {
        for (String tool : List.of("mhttp__confirm", "mstdio__confirm")) {
            ObjectNode first = ModernRequests.request(1, "tools/call", call(tool, Json.object()));
            ((ObjectNode) first.path("params").path("_meta")).putObject("io.modelcontextprotocol/clientCapabilities").putObject("elicitation");
            JsonNode asked = ModernRequests.post(gw.client(), first).message().path("result");
            assertThat(asked.path("resultType").asString()).isEqualTo("input_required");
            assertThat(asked.path("inputRequests").path("ok").path("method").asString()).isEqualTo("elicitation/create");
            assertThat(asked.path("requestState").asString()).isEqualTo("confirm-1");

            ObjectNode retryParams = call(tool, Json.object());
            retryParams.putObject("inputResponses").putObject("ok").put("action", "accept").putObject("content").put("ok", true);
            retryParams.set("requestState", asked.path("requestState"));
            ObjectNode retry = ModernRequests.request(2, "tools/call", retryParams);
            ((ObjectNode) retry.path("params").path("_meta")).putObject("io.modelcontextprotocol/clientCapabilities").putObject("elicitation");
            JsonNode done = ModernRequests.post(gw.client(), retry).message().path("result");
            assertThat(done.path("resultType").asString()).isEqualTo("complete");
            assertThat(text(done)).isEqualTo("confirmed");
        }
    }

    @Test
    void aLegacyClientIsToldClearlyWhenAModernUpstreamNeedsInput() {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25", Json.object().set("elicitation", Json.object()));
        // confirm asks for an elicitation: the upstream refuses (-32021) since the gateway declared no capability for this client
        // busy answers input_required with only a requestState: the gateway refuses to hand it to a client that cannot retry
        for (String tool : List.of("mhttp__confirm", "mstdio__confirm", "mhttp__busy")) {
            JsonNode whole = s.request("tools/call", call(tool, Json.object()));
            JsonNode r = whole.path("result");
            assertThat(r.path("isError").asBoolean()).as(whole.toString()).isTrue();
            assertThat(text(r)).contains("needs input from the client").contains("2026-07-28");
            assertThat(r.path("_meta").path("io.portcullis/refusal").path("control").asString()).isEqualTo("input-required");
        }
    }

    @Test
    void aRequestStateOnlyRoundReachesAModernClientAsItCame() {
        JsonNode asked = ModernRequests.post(gw.client(), ModernRequests.request(1, "tools/call", call("mhttp__busy", Json.object())))
                .message().path("result");
        assertThat(asked.path("resultType").asString()).isEqualTo("input_required");
        assertThat(asked.path("requestState").asString()).isEqualTo("busy-1");
        ObjectNode retry = call("mhttp__busy", Json.object()).put("requestState", "busy-1");
        JsonNode done = ModernRequests.post(gw.client(), ModernRequests.request(2, "tools/call", retry)).message().path("result");
        assertThat(text(done)).isEqualTo("done after busy-1");
    }

    @Test
    void listChangesOfModernUpstreamsArriveOverSubscriptionsListen() throws Exception {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
        assertThat(text(s.request("tools/call", call("mhttp__grow", Json.object())).path("result"))).startsWith("added extra_");
        assertThat(text(s.request("tools/call", call("mstdio__grow", Json.object())).path("result"))).startsWith("added extra_");
        gw.awaitCatalog(c -> c.tool("mhttp__extra_1").isPresent() && c.tool("mstdio__extra_1").isPresent());
        assertThat(text(s.request("tools/call", call("mhttp__extra_1", Json.object())).path("result"))).isEqualTo("extra_1 called");
        assertThat(text(s.request("tools/call", call("mstdio__extra_1", Json.object())).path("result"))).isEqualTo("extra_1 called");
    }

    @Test
    void logLinesAskedForByALegacySessionComeFromAModernUpstream() throws Exception {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
        assertThat(s.request("logging/setLevel", Json.object().put("level", "info")).has("result")).isTrue();
        try (SseStream stream = s.stream(s.message("tools/call", call("mhttp__chatty", Json.object())))) {
            List<JsonNode> all = StreamingIT.drain(stream);
            assertThat(all.stream().map(m -> m.path("method").asString("")).toList()).contains("notifications/message");
            JsonNode log = all.stream().filter(m -> "notifications/message".equals(m.path("method").asString(""))).findFirst().orElseThrow();
            assertThat(log.path("params").path("data").asString()).isEqualTo("chatty says hello");
            assertThat(text(all.getLast().path("result"))).isEqualTo("chatted");
        }
    }

    @Test
    void anUpstreamPinnedToModernThatDoesNotSpeakItStaysDownAndSaysWhy() throws Exception {
        try (TestGateway g = TestGateway.startWithoutWaiting("""
                upstreams:
                  everything:
                    command: %s
                    protocol: modern
                """.formatted(TestGateway.list(NpmPeers.everything())))) {
            Upstream u = g.gateway().upstream("everything").orElseThrow();
            io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(30), "the upstream says why it is down",
                    () -> u.lastError() != null && u.lastError().contains("protocol: modern"));
            assertThat(u.state()).isNotEqualTo(Upstream.State.READY);
            assertThat(u.lastError()).contains("did not offer protocol 2026-07-28").contains("'protocol: modern'");
        }
    }
}
