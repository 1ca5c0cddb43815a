package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditQuery;
import io.portcullis.it.peers.Peers;
import io.portcullis.protocol.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Multi round-trip requests for 2026-07-28 clients: server-everything (a 2025-era upstream) asks
 * the client for sampling or elicitation in the middle of a tools/call; the gateway answers the
 * client's POST {@code input_required}, keeps the upstream call waiting, and finishes it when the
 * client retries with {@code inputResponses} and the signed {@code requestState}. Proven with the
 * real TypeScript client 2.x, and on the wire for the refusals: an altered state, another
 * caller's state, changed arguments, an expired state, a client without the capability.
 */
class InputRequiredIT {
    private static final String CAPS = "io.modelcontextprotocol/clientCapabilities";
    private static TestGateway gw;
    /** The time input windows run on: the test moves it (#12 item 7). */
    private static final io.portcullis.testing.ManualTicker TICKER = new io.portcullis.testing.ManualTicker(Instant.now());
    private static WireClient client;
    private static String alice;
    private static String bob;
    private static String carol;

    @BeforeAll
    static void start() throws Exception {
        String everything = TestGateway.list(NpmPeers.everything());
        gw = TestGateway.start("""
                upstreams:
                  everything:
                    command: %s
                  quick:
                    command: %s
                    timeout: 2s
                identity:
                  api_keys: {enabled: true}
                """.formatted(everything, everything), TICKER);
        client = gw.client();
        var store = gw.gateway().identity().store();
        Instant expires = Instant.now().plus(Duration.ofDays(1));
        alice = store.createKey("alice", "dev", List.of("default"), expires, "test").secret();
        bob = store.createKey("bob", "dev", List.of("default"), expires, "test").secret();
        carol = store.createKey("carol", "dev", List.of("default"), expires, "test").secret();
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    // --- the real client -------------------------------------------------------------------

    @Test
    void theTypeScriptClientAnswersSamplingAndElicitationThroughInputRequired() throws Exception {
        Path work = Peers.workDir(InputRequiredIT.class);
        List<String> cmd = List.of(Peers.node().toString(), Peers.root().resolve("test-support/client2-input-required.mjs").toString(),
                gw.url().toString(), carol, "everything__trigger-sampling-request", "everything__trigger-elicitation-request");
        JsonNode out = Peers.run(cmd, work, Duration.ofSeconds(90), Map.of()).ok();
        assertThat(out.path("protocolVersion").asString()).isEqualTo("2026-07-28");

        // the upstream's sampling/createMessage reached the client's handler with the upstream's params ...
        JsonNode sampling = out.path("asked").path("sampling");
        assertThat(sampling.size()).isEqualTo(1);
        assertThat(sampling.get(0).path("messages").get(0).path("content").path("text").asString()).contains("say hi");
        assertThat(sampling.get(0).path("maxTokens").asInt()).isEqualTo(20);
        // ... and the client's answer reached the upstream, which put it into the tool's result
        assertThat(out.path("sampling").path("content").get(0).path("text").asString())
                .contains("sampled-by-the-2026-client").contains("mrtr-model");

        JsonNode elicitation = out.path("asked").path("elicitation");
        assertThat(elicitation.size()).isEqualTo(1);
        assertThat(elicitation.get(0).path("requestedSchema").path("properties").has("name")).isTrue();
        assertThat(out.path("elicitation").path("content").toString()).contains("Grace Hopper", "Agreed to terms: true");

        // each call took two POSTs: input_required, then the retry with the answers and the state
        for (String tool : List.of("everything__trigger-sampling-request", "everything__trigger-elicitation-request")) {
            List<JsonNode> legs = new ArrayList<>();
            out.path("posts").forEach(p -> {
                if (tool.equals(p.path("name").asString(""))) {
                    legs.add(p);
                }
            });
            assertThat(legs).as(tool).hasSize(2);
            assertThat(legs.get(0).path("hasRequestState").asBoolean()).isFalse();
            assertThat(legs.get(0).path("resultType").asString()).isEqualTo("input_required");
            assertThat(legs.get(1).path("hasRequestState").asBoolean()).isTrue();
            assertThat(legs.get(1).path("inputResponseKeys").size()).isEqualTo(1);
            assertThat(legs.get(1).path("resultType").asString()).isEqualTo("complete");

            // the call went through the pipeline once: one intent and one outcome in the audit log
            assertThat(gw.gateway().audit().query().search(new AuditQuery.Filter("carol", tool, null, null, null, null, "call", 100)))
                    .as(tool + " outcome records").hasSize(1);
            assertThat(gw.gateway().audit().query().search(new AuditQuery.Filter("carol", tool, null, null, null, null, "intent", 100)))
                    .as(tool + " intent records").hasSize(1);
        }
    }

    // --- on the wire -----------------------------------------------------------------------

    private static ObjectNode elicit(long id, ObjectNode arguments) {
        ObjectNode p = Json.object().put("name", "everything__trigger-elicitation-request");
        p.set("arguments", arguments == null ? Json.object() : arguments);
        ObjectNode req = ModernRequests.request(id, "tools/call", p);
        ((ObjectNode) req.path("params").path("_meta")).putObject(CAPS).putObject("elicitation");
        return req;
    }

    private static WireReply post(ObjectNode req, String token) {
        return ModernRequests.post(client, req, "Authorization", "Bearer " + token);
    }

    /** The first leg: input_required with one elicitation/create request. */
    private static JsonNode askedToElicit(String token) {
        WireReply r = post(elicit(1, null), token);
        assertThat(r.status()).isEqualTo(200);
        JsonNode result = r.message().path("result");
        assertThat(result.path("resultType").asString()).as(r.message().toString()).isEqualTo("input_required");
        assertThat(result.path("inputRequests").size()).isEqualTo(1);
        JsonNode request = result.path("inputRequests").properties().iterator().next().getValue();
        assertThat(request.path("method").asString()).isEqualTo("elicitation/create");
        assertThat(request.path("params").path("requestedSchema").path("properties").has("name")).isTrue();
        assertThat(request.has("jsonrpc") || request.has("id")).as("an embedded request, not a JSON-RPC message").isFalse();
        assertThat(result.path("requestState").asString()).startsWith("portcullis.v1.");
        assertThat(result.path("_meta").path("io.modelcontextprotocol/serverInfo").path("name").asString()).isEqualTo("portcullis");
        return result;
    }

    private static ObjectNode retry(long id, JsonNode asked, String state, String name, ObjectNode arguments) {
        ObjectNode req = elicit(id, arguments);
        ObjectNode params = (ObjectNode) req.get("params");
        params.put("requestState", state);
        String key = asked.path("inputRequests").propertyNames().iterator().next();
        ObjectNode answer = params.putObject("inputResponses").putObject(key).put("action", "accept");
        answer.putObject("content").put("name", name).put("check", true);
        return req;
    }

    /** The rightful retry finishes the call with the client's answer. */
    private static void finishes(JsonNode asked, String token, String name) {
        WireReply done = post(retry(9, asked, asked.path("requestState").asString(), name, null), token);
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.message().path("id").asInt()).isEqualTo(9);
        JsonNode result = done.message().path("result");
        assertThat(result.path("resultType").asString()).isEqualTo("complete");
        assertThat(result.path("content").toString()).contains("- Name: " + name);
    }

    private static void refusedAsInvalidParams(WireReply r, String why) {
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.errorCode()).as(r.message().toString()).isEqualTo(-32602);
        assertThat(r.message().path("error").path("message").asString()).contains(why);
        assertThat(r.message().path("id").asInt()).isEqualTo(2);
    }

    @Test
    void anAlteredStateIsRefused() {
        JsonNode asked = askedToElicit(alice);
        String state = asked.path("requestState").asString();
        int i = state.length() - 10;
        String altered = state.substring(0, i) + (state.charAt(i) == 'A' ? 'B' : 'A') + state.substring(i + 1);
        refusedAsInvalidParams(post(retry(2, asked, altered, "Mallory", null), alice), "altered");
        refusedAsInvalidParams(post(retry(2, asked, "portcullis.v1.made-up", "Mallory", null), alice), "malformed");
        finishes(asked, alice, "Ada Lovelace");
    }

    @Test
    void anotherCallersRetryIsRefused() {
        JsonNode asked = askedToElicit(alice);
        WireReply r = post(retry(2, asked, asked.path("requestState").asString(), "Bob", null), bob);
        refusedAsInvalidParams(r, "issued to another caller");
        // no credential at all is refused before anything looks at the state
        WireReply anonymous = ModernRequests.post(client, retry(2, asked, asked.path("requestState").asString(), "Nobody", null));
        assertThat(anonymous.status()).isEqualTo(401);
        finishes(asked, alice, "Alice Liddell");
    }

    @Test
    void aRetryWithOtherArgumentsIsRefused() {
        JsonNode asked = askedToElicit(alice);
        ObjectNode other = Json.object().put("extra", "smuggled");
        WireReply r = post(retry(2, asked, asked.path("requestState").asString(), "Ada", other), alice);
        refusedAsInvalidParams(r, "same arguments");
        assertThat(r.message().path("error").path("data").path("reason").asString()).isEqualTo("request_mismatch");
        finishes(asked, alice, "Ada Byron");
    }

    @Test
    void aStateIsUsedOnce() {
        JsonNode asked = askedToElicit(alice);
        finishes(asked, alice, "Emmy Noether");
        refusedAsInvalidParams(post(retry(2, asked, asked.path("requestState").asString(), "Emmy", null), alice),
                "unknown or has expired");
    }

    @Test
    void anUnansweredStateExpiresWithTheUpstreamTimeout() throws Exception {
        ObjectNode p = Json.object().put("name", "quick__trigger-sampling-request");
        p.putObject("arguments").put("prompt", "too late").put("maxTokens", 5);
        ObjectNode req = ModernRequests.request(1, "tools/call", p);
        ((ObjectNode) req.path("params").path("_meta")).putObject(CAPS).putObject("sampling");
        JsonNode asked = post(req, alice).message().path("result");
        assertThat(asked.path("resultType").asString()).isEqualTo("input_required");
        String key = asked.path("inputRequests").propertyNames().iterator().next();
        assertThat(asked.path("inputRequests").path(key).path("method").asString()).isEqualTo("sampling/createMessage");

        TICKER.advance(Duration.ofMillis(1_999)); // the quick upstream's timeout is 2 s: the state's window
        TICKER.advance(Duration.ofMillis(1)); // the window ends: the expiry runs here, on this thread
        ObjectNode late = ModernRequests.request(2, "tools/call", p.deepCopy());
        ObjectNode params = (ObjectNode) late.get("params");
        ((ObjectNode) params.path("_meta")).putObject(CAPS).putObject("sampling");
        params.put("requestState", asked.path("requestState").asString());
        ObjectNode answer = params.putObject("inputResponses").putObject(key).put("role", "assistant").put("model", "m");
        answer.putObject("content").put("type", "text").put("text", "late");
        refusedAsInvalidParams(post(late, alice), "unknown or has expired");
    }

    @Test
    void aClientWithoutTheCapabilityIsNotAsked() {
        ObjectNode req = elicit(1, null);
        ((ObjectNode) req.path("params").path("_meta")).putObject(CAPS); // no elicitation
        WireReply r = post(req, alice);
        assertThat(r.status()).isEqualTo(200);
        JsonNode result = r.message().path("result");
        assertThat(result.path("resultType").asString()).isEqualTo("complete");
        assertThat(result.has("inputRequests")).isFalse();
        // server-everything turns the refused elicitation/create into an error result, naming why
        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(result.path("content").toString()).contains("elicitation capability");
    }
}
