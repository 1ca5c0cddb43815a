package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Upstreams over Streamable HTTP, driven on the raw wire (peers.HttpUpstreamIT does it with SDK
 * clients): server-everything (SSE answers, sessions, server-to-client
 * requests on the call's own stream) and the bundled demo (--http, plain JSON), each reached
 * by clients of every era.
 */
class HttpUpstreamWireIT {
    private static HttpPeer everything;
    private static HttpPeer demo;
    private static TestGateway gw;

    @BeforeAll
    static void start() throws Exception {
        everything = HttpPeer.everything();
        demo = HttpPeer.start(List.of(JvmPeers.java(), "-cp", JvmPeers.jar().toString(), "io.portcullis.demo.DemoServer",
                "--http", "{port}"), java.util.Map.of(), NpmPeers.root());
        gw = TestGateway.start("""
                upstreams:
                  everything:
                    url: %s
                  demo:
                    url: %s
                """.formatted(everything.url(), demo.url()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
        if (everything != null) {
            everything.close();
        }
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void toolsOfBothAreListedAndCalled() {
        LegacySession s = LegacySession.open(gw.client(), "2025-06-18");
        List<String> names = LegacySession.names(s.request("tools/list", null).path("result").path("tools"));
        assertThat(names).contains("everything__echo", "everything__get-sum", "demo__search_tickets");
        ObjectNode sum = Json.object().put("name", "everything__get-sum");
        sum.putObject("arguments").put("a", 40).put("b", 2);
        assertThat(s.request("tools/call", sum).path("result").path("content").get(0).path("text").asString()).contains("42");
        ObjectNode search = Json.object().put("name", "demo__search_tickets");
        search.putObject("arguments").put("query", "login");
        assertThat(s.request("tools/call", search).path("result").path("structuredContent").path("tickets").size()).isEqualTo(1);
    }

    @Test
    void progressComesBackOverTheUpstreamsSseStream() throws Exception {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
        ObjectNode p = Json.object().put("name", "everything__trigger-long-running-operation");
        p.putObject("arguments").put("duration", 0.2).put("steps", 2);
        p.putObject("_meta").put("progressToken", 77);
        try (SseStream stream = s.stream(s.message("tools/call", p))) {
            List<JsonNode> all = StreamingIT.drain(stream);
            assertThat(all).hasSize(3);
            assertThat(all.get(0).path("params").path("progressToken").asInt()).isEqualTo(77);
            assertThat(all.get(2).path("result").path("content").get(0).path("text").asString()).contains("completed");
        }
    }

    @Test
    void samplingIsRelayedForTheCallThatAsked() throws Exception {
        ObjectNode caps = Json.object();
        caps.putObject("sampling");
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25", caps);
        ObjectNode p = Json.object().put("name", "everything__trigger-sampling-request");
        p.putObject("arguments").put("prompt", "over http");
        try (SseStream stream = s.stream(s.message("tools/call", p))) {
            ObjectNode asked = stream.nextMessage();
            assertThat(asked.path("method").asString()).isEqualTo("sampling/createMessage");
            ObjectNode answer = Json.object().put("role", "assistant").put("model", "m");
            answer.putObject("content").put("type", "text").put("text", "relayed over http");
            s.respond(asked.path("id"), answer);
            assertThat(stream.nextMessage().path("result").path("content").get(0).path("text").asString()).contains("relayed over http");
        }
    }

    @Test
    void aModernClientUsesALegacyHttpUpstream() {
        ObjectNode p = Json.object().put("name", "everything__echo");
        p.putObject("arguments").put("message", "2026 to 2025");
        WireReply r = ModernRequests.post(gw.client(), ModernRequests.request(1, "tools/call", p));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.message().path("result").path("content").get(0).path("text").asString()).contains("2026 to 2025");
        assertThat(r.message().path("result").path("resultType").asString()).isEqualTo("complete");
    }

    @Test
    void promptsAndResourcesAreAggregatedFromTheHttpUpstream() throws Exception {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
        JsonNode prompts = s.request("prompts/list", null).path("result").path("prompts");
        assertThat(LegacySession.names(prompts)).allSatisfy(n -> assertThat(n).startsWith("everything__"));
        String prompt = prompts.get(0).path("name").asString();
        JsonNode got = s.request("prompts/get", Json.object().put("name", prompt)
                .set("arguments", Json.object())).path("result");
        assertThat(got.has("messages") || got.isEmpty()).isTrue();
        JsonNode resources = s.request("resources/list", null).path("result").path("resources");
        assertThat(resources.size()).isGreaterThan(0);
        String uri = resources.get(0).path("uri").asString();
        JsonNode read = s.request("resources/read", Json.object().put("uri", uri)).path("result");
        assertThat(read.path("contents").get(0).path("uri").asString()).isEqualTo(uri);

        // C4.1: what reached the model through these reads is in the audit log, like a tool call's result
        var records = gw.gateway().audit().query().search(io.portcullis.audit.AuditQuery.Filter.all());
        JsonNode readRecord = records.stream().filter(r -> r.path("kind").asString().equals("resource_read")
                && r.path("resource").path("uri").asString().equals(uri)).findFirst().orElseThrow();
        assertThat(readRecord.path("resource").path("upstream").asString()).isEqualTo("everything");
        assertThat(readRecord.path("session").asString()).isEqualTo(s.id());
        assertThat(readRecord.path("decision").path("outcome").asString()).isEqualTo("allowed");
        assertThat(readRecord.path("result").path("bytes").asLong()).isPositive();
        assertThat(readRecord.path("result").path("content_items").asInt()).isEqualTo(read.path("contents").size());
        JsonNode promptRecord = records.stream().filter(r -> r.path("kind").asString().equals("prompt_get")
                && r.path("prompt").path("name").asString().equals(prompt)).findFirst().orElseThrow();
        assertThat(promptRecord.path("prompt").path("upstream").asString()).isEqualTo("everything");
        assertThat(gw.gateway().audit().verify().intact()).isTrue();
    }
}
