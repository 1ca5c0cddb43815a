package io.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The envelope and headers of requests to 2026-07-28 upstreams, and the stripping for legacy ones. */
class ModernEnvelopeTest {
    private static final String V = "io.modelcontextprotocol/protocolVersion";
    private static final String CAPS = "io.modelcontextprotocol/clientCapabilities";
    private static final String INFO = "io.modelcontextprotocol/clientInfo";
    private static final String LOG = "io.modelcontextprotocol/logLevel";

    private static ObjectNode modernClientParams() {
        ObjectNode p = Json.object().put("name", "echo");
        p.putObject("arguments").put("message", "hi");
        ObjectNode meta = p.putObject("_meta");
        meta.put(V, "2026-07-28");
        ObjectNode caps = meta.putObject(CAPS);
        caps.putObject("elicitation").putObject("form");
        caps.putObject("sampling");
        caps.putObject("experimental").put("x", true);
        meta.putObject(INFO).put("name", "some-client").put("version", "9");
        meta.put(LOG, "warning");
        meta.put("progressToken", "pc-3");
        meta.put("custom/unknown", 1);
        return p;
    }

    @Test
    void aLegacyClientsRequestGetsTheGatewaysIdentityNoCapabilitiesAndTheUpstreamLogLevel() {
        ObjectNode params = Json.object().put("name", "echo").put("futureField", "kept");
        params.putObject("_meta").put("progressToken", 5);
        String before = Json.write(params);
        ObjectNode out = ModernEnvelope.wrap(params, "2026-07-28", "debug");
        assertThat(Json.write(params)).as("the client's params are not mutated").isEqualTo(before);
        JsonNode meta = out.path("_meta");
        assertThat(meta.path(V).asString()).isEqualTo("2026-07-28");
        assertThat(meta.path(INFO).path("name").asString()).isEqualTo("portcullis");
        assertThat(meta.path(CAPS).isObject()).isTrue();
        assertThat(meta.path(CAPS).isEmpty()).isTrue();
        assertThat(meta.path(LOG).asString()).isEqualTo("debug");
        assertThat(meta.path("progressToken").asInt()).isEqualTo(5);
        assertThat(out.path("futureField").asString()).isEqualTo("kept");
        assertThat(ModernEnvelope.wrap(Json.object(), "2026-07-28", null).path("_meta").has(LOG)).isFalse();
        assertThat(ModernEnvelope.wrap(null, "2026-07-28", null).path("_meta").has(V)).isTrue();
    }

    @Test
    void aModernClientsEnvelopeIsReplacedKeepingWhatTheGatewayCanRelayAndItsLogLevel() {
        ObjectNode params = modernClientParams();
        String before = Json.write(params);
        JsonNode meta = ModernEnvelope.wrap(params, "2026-07-28", "debug").path("_meta");
        assertThat(Json.write(params)).isEqualTo(before);
        assertThat(meta.path(INFO).path("name").asString()).isEqualTo("portcullis");
        assertThat(meta.path(CAPS).propertyNames()).containsExactlyInAnyOrder("elicitation", "sampling");
        assertThat(meta.path(CAPS).path("elicitation").has("form")).isTrue();
        assertThat(meta.path(LOG).asString()).isEqualTo("warning");
        assertThat(meta.path("custom/unknown").asInt()).isEqualTo(1);
        assertThat(meta.path("progressToken").asString()).isEqualTo("pc-3");
        assertThat(ModernEnvelope.fromModernClient(params)).isTrue();
        assertThat(ModernEnvelope.fromModernClient(Json.object())).isFalse();
    }

    @Test
    void aLegacyUpstreamGetsNoneOfAModernClientsEnvelope() {
        ObjectNode params = modernClientParams();
        ObjectNode out = ModernEnvelope.strip(params);
        assertThat(out.path("_meta").propertyNames()).containsExactlyInAnyOrder("progressToken", "custom/unknown");
        assertThat(params.path("_meta").has(V)).as("not mutated").isTrue();
        ObjectNode onlyEnvelope = Json.object();
        onlyEnvelope.putObject("_meta").put(V, "2026-07-28");
        assertThat(ModernEnvelope.strip(onlyEnvelope).has("_meta")).isFalse();
        ObjectNode plain = Json.object().put("name", "x");
        assertThat(ModernEnvelope.strip(plain)).isSameAs(plain);
        assertThat(ModernEnvelope.strip(null)).isNull();
    }

    @Test
    void headersMirrorTheBody() {
        ObjectNode call = Message.request(Json.object().numberNode(1), "tools/call", ModernEnvelope.wrap(
                Json.object().put("name", "inspect"), "2026-07-28", null));
        assertThat(ModernEnvelope.headers(call, null)).containsExactly(Map.entry("MCP-Protocol-Version", "2026-07-28"),
                Map.entry("Mcp-Method", "tools/call"), Map.entry("Mcp-Name", "inspect"));
        ObjectNode read = Message.request(Json.object().numberNode(2), "resources/read", ModernEnvelope.wrap(
                Json.object().put("uri", "file:///a b"), "2026-07-28", null));
        assertThat(ModernEnvelope.headers(read, null)).containsEntry("Mcp-Name", "file:///a b");
        ObjectNode list = Message.request(Json.object().numberNode(3), "tools/list", ModernEnvelope.wrap(null, "2026-07-28", null));
        assertThat(ModernEnvelope.headers(list, null)).doesNotContainKey("Mcp-Name").containsEntry("Mcp-Method", "tools/list");
        ObjectNode task = Message.request(Json.object().numberNode(4), "tasks/get", ModernEnvelope.wrap(
                Json.object().put("taskId", "t-1"), "2026-07-28", null));
        assertThat(ModernEnvelope.headers(task, null)).containsEntry("Mcp-Name", "t-1");
    }

    @Test
    void declaredArgumentsBecomeMcpParamHeaders() {
        ObjectNode schema = (ObjectNode) Json.parse("""
                {"type":"object","properties":{
                  "region":{"type":"string","x-mcp-header":"Region"},
                  "count":{"type":"integer","x-mcp-header":"Count"},
                  "dry":{"type":"boolean","x-mcp-header":"Dry"},
                  "absent":{"type":"string","x-mcp-header":"Absent"},
                  "list":{"type":"array","x-mcp-header":"List"},
                  "nested":{"type":"object","properties":{"zone":{"type":"string","x-mcp-header":"Zone"}}},
                  "plain":{"type":"string"}}}
                """);
        ObjectNode args = (ObjectNode) Json.parse("""
                {"region":"eu-west","count":3,"dry":false,"list":["a"],"nested":{"zone":"b"},"plain":"p"}
                """);
        ObjectNode call = Message.request(Json.object().numberNode(1), "tools/call", ModernEnvelope.wrap(
                Json.object().put("name", "t").set("arguments", args), "2026-07-28", null));
        Map<String, String> h = ModernEnvelope.headers(call, schema);
        assertThat(h).containsEntry("Mcp-Param-Region", "eu-west").containsEntry("Mcp-Param-Count", "3")
                .containsEntry("Mcp-Param-Dry", "false").containsEntry("Mcp-Param-Zone", "b")
                .doesNotContainKeys("Mcp-Param-Absent", "Mcp-Param-List");
        assertThat(h.keySet().stream().filter(k -> k.startsWith("Mcp-Param-"))).hasSize(4);
    }

    @Test
    void valuesThatAreNotPlainAsciiAreBase64Encoded() {
        assertThat(ModernEnvelope.encode("eu-west 1")).isEqualTo("eu-west 1");
        for (String v : new String[] {"Île-de-France", " padded", "line\nbreak", "", "=?base64?abc?="}) {
            String e = ModernEnvelope.encode(v);
            assertThat(e).as(v).startsWith("=?base64?").endsWith("?=");
            assertThat(new String(Base64.getDecoder().decode(e.substring(9, e.length() - 2)), StandardCharsets.UTF_8)).isEqualTo(v);
        }
    }

    @Test
    void theSubscriptionIdOfAListenStreamIsNotPassedOn() {
        ObjectNode n = (ObjectNode) Json.parse("""
                {"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":"a://b","_meta":{"io.modelcontextprotocol/subscriptionId":7}}}
                """);
        ObjectNode out = ModernEnvelope.withoutSubscriptionId(n);
        assertThat(out.path("params").has("_meta")).isFalse();
        assertThat(out.path("params").path("uri").asString()).isEqualTo("a://b");
        assertThat(n.path("params").has("_meta")).as("not mutated").isTrue();
    }
}
