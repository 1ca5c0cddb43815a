package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Server-to-client requests relayed through the gateway: server-everything's
 * trigger-sampling-request asks the client for sampling/createMessage on the POST's SSE stream;
 * the client answers with a POST and the tool's result comes back.
 */
class RelayIT {
    /** #12 item 7: the gateway of this class, started and stopped by the extension. */
    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.config(() -> """
                upstreams:
                  everything:
                    command: %s
                """.formatted(TestGateway.list(NpmPeers.everything()))).build();
    private static WireClient client;

    @BeforeAll
    static void start() throws Exception {
        client = gw.client();
    }

    private static ObjectNode sampling() {
        ObjectNode caps = Json.object();
        caps.putObject("sampling");
        return caps;
    }

    private static ObjectNode triggerSampling(LegacySession s) {
        ObjectNode p = Json.object().put("name", "everything__trigger-sampling-request");
        p.putObject("arguments").put("prompt", "say hello").put("maxTokens", 20);
        return s.message("tools/call", p);
    }

    @Test
    void theClientAnswersSamplingAndTheToolFinishes() throws Exception {
        LegacySession s = LegacySession.open(client, "2025-11-25", sampling());
        ObjectNode call = triggerSampling(s);
        try (SseStream stream = s.stream(call)) {
            ObjectNode asked = stream.nextMessage();
            assertThat(asked.path("method").asString()).isEqualTo("sampling/createMessage");
            assertThat(asked.path("id").isString()).isTrue();
            assertThat(asked.path("params").path("messages").get(0).path("content").path("text").asString()).contains("say hello");
            assertThat(asked.path("params").path("maxTokens").asInt()).isEqualTo(20);

            ObjectNode answer = Json.object().put("role", "assistant").put("model", "test-model").put("stopReason", "endTurn");
            answer.putObject("content").put("type", "text").put("text", "hello from the test client");
            assertThat(s.respond(asked.path("id"), answer).status()).isEqualTo(202);

            ObjectNode result = stream.nextMessage();
            assertThat(result.path("id").asLong()).isEqualTo(call.path("id").asLong());
            String text = result.path("result").path("content").get(0).path("text").asString();
            assertThat(text).contains("hello from the test client").contains("test-model");
            assertThat(stream.endsWithin(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void aClientErrorReachesTheUpstream() throws Exception {
        LegacySession s = LegacySession.open(client, "2025-06-18", sampling());
        try (SseStream stream = s.stream(triggerSampling(s))) {
            ObjectNode asked = stream.nextMessage();
            ObjectNode error = io.portcullis.protocol.Message.error(asked.path("id"), -1, "the user declined", null);
            assertThat(s.post(error).status()).isEqualTo(202);
            JsonNode result = stream.nextMessage().path("result");
            assertThat(result.path("isError").asBoolean()).isTrue();
            assertThat(result.path("content").get(0).path("text").asString()).contains("the user declined");
        }
    }

    @Test
    void elicitationIsRelayedToo() throws Exception {
        ObjectNode caps = Json.object();
        caps.putObject("elicitation");
        LegacySession s = LegacySession.open(client, "2025-06-18", caps);
        ObjectNode call = s.message("tools/call", Json.object().put("name", "everything__trigger-elicitation-request"));
        try (SseStream stream = s.stream(call)) {
            ObjectNode asked = stream.nextMessage();
            assertThat(asked.path("method").asString()).isEqualTo("elicitation/create");
            assertThat(asked.path("params").path("requestedSchema").path("properties").has("name")).isTrue();
            ObjectNode answer = Json.object().put("action", "accept");
            answer.putObject("content").put("name", "Ada Lovelace").put("check", true);
            assertThat(s.respond(asked.path("id"), answer).status()).isEqualTo(202);
            JsonNode content = stream.nextMessage().path("result").path("content");
            assertThat(content.toString()).contains("- Name: Ada Lovelace", "- Agreed to terms: true");
        }
    }

    @Test
    void twoSessionsAreEachAskedForTheirOwnCall() throws Exception {
        LegacySession a = LegacySession.open(client, "2025-11-25", sampling());
        LegacySession b = LegacySession.open(client, "2025-11-25", sampling());
        try (SseStream sa = a.stream(triggerSampling(a))) {
            ObjectNode askedA = sa.nextMessage();
            // b's answer to a's request id is not taken as a's answer
            assertThat(b.respond(askedA.path("id"), Json.object().put("role", "assistant")).status()).isEqualTo(202);
            ObjectNode answer = Json.object().put("role", "assistant").put("model", "a-model");
            answer.putObject("content").put("type", "text").put("text", "from a");
            a.respond(askedA.path("id"), answer);
            assertThat(sa.nextMessage().path("result").path("content").get(0).path("text").asString()).contains("from a");
        }
    }

    @Test
    void overStdioARequestIsNeverGuessedOntoAnotherClient() throws Exception {
        // stdio carries no hint of which call a sampling request is for: with calls of two clients
        // in flight, the gateway refuses rather than show one client's prompt to the other
        LegacySession a = LegacySession.open(client, "2025-11-25", sampling());
        LegacySession b = LegacySession.open(client, "2025-11-25", sampling());
        try (SseStream sa = a.stream(triggerSampling(a))) {
            ObjectNode askedA = sa.nextMessage();
            assertThat(askedA.path("method").asString()).isEqualTo("sampling/createMessage");
            try (SseStream sb = b.stream(triggerSampling(b))) {
                ObjectNode first = sb.nextMessage();
                assertThat(first.has("method")).as("b must not be asked: %s", first).isFalse();
                JsonNode resultB = first.path("result");
                assertThat(resultB.path("isError").asBoolean()).isTrue();
                assertThat(resultB.toString()).contains("exactly one client");
            }
            ObjectNode answer = Json.object().put("role", "assistant").put("model", "m");
            answer.putObject("content").put("type", "text").put("text", "a's answer");
            a.respond(askedA.path("id"), answer);
            assertThat(sa.nextMessage().path("result").path("content").get(0).path("text").asString()).contains("a's answer");
        }
    }

    @Test
    void aClientWithoutSamplingIsNotAsked() {
        LegacySession s = LegacySession.open(client, "2025-11-25");
        WireReply r = s.post(triggerSampling(s));
        assertThat(r.messages()).hasSize(1); // no sampling request went out
        JsonNode result = r.message().path("result");
        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(result.path("content").get(0).path("text").asString()).contains("sampling capability");
    }

    @Test
    void aModernClientIsNotAskedEither() {
        ObjectNode p = Json.object().put("name", "everything__trigger-sampling-request");
        p.putObject("arguments").put("prompt", "x");
        WireReply r = ModernRequests.post(client, ModernRequests.request(1, "tools/call", p));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.messages()).hasSize(1);
        assertThat(r.message().path("result").path("isError").asBoolean()).isTrue();
    }
}
