package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input gets a clear JSON-RPC error and the right HTTP status, never a stack trace (issue #2, item 8). */
class BadInputIT {
    private static final List<String> BODIES = new ArrayList<>();
    /** #12 item 7: the gateway of this class, started and stopped by the extension. */
    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.config(() -> """
                server:
                  max_body_bytes: 2048
                  allowed_origins: ["https://app.example.com"]
                upstreams:
                  demo:
                    command: %s
                """.formatted(TestGateway.list(JvmPeers.demo()))).build();
    private static WireClient client;

    @BeforeAll
    static void start() throws Exception {
        client = gw.client();
    }

    @AfterAll
    static void stop() throws Exception {
        // nothing the gateway said to a bad request names a Java class or shows a stack trace
        assertThat(BODIES).isNotEmpty().allSatisfy(BadInputIT::assertClean);
    }

    static void assertClean(String body) {
        assertThat(body).doesNotContain("Exception", "\tat ", "java.", "tools.jackson", "org.eclipse", "io.portcullis.");
    }

    private static WireReply seen(WireReply r) {
        BODIES.add(r.body());
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"jsonrpc\":\"2.0\",", "not json", "{\"a\":1}}"})
    void malformedJsonIs400ParseError(String body) {
        WireReply r = seen(client.post(body));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo(-32700);
        assertThat(r.header("Content-Type")).startsWith("application/json");
    }

    @Test
    void anEmptyBodyIs400ParseError() {
        WireReply r = seen(client.post(""));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo(-32700);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1}", "42", "\"ping\"", "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":[1]}", "{\"jsonrpc\":\"2.0\",\"id\":1}"})
    void notJsonRpcIs400InvalidRequest(String body) {
        WireReply r = seen(client.post(body));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo(-32600);
    }

    @Test
    void anUnknownMethodIs32601() {
        LegacySession s = LegacySession.open(client, "2025-11-25");
        WireReply r = seen(s.post(s.message("tools/teleport", null)));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.errorCode()).isEqualTo(-32601);
    }

    @Test
    void badParamsAre32602() throws Exception {
        LegacySession s = LegacySession.open(client, "2025-11-25");
        assertThat(seen(s.post(s.message("tools/call", Json.object()))).errorCode()).isEqualTo(-32602);
        assertThat(seen(s.post(s.message("tools/call", Json.object().put("name", "demo__echo").put("arguments", 3)))).errorCode())
                .isEqualTo(-32602);
        assertThat(seen(s.post(s.message("tools/list", Json.object().put("cursor", "garbage!")))).errorCode()).isEqualTo(-32602);
        assertThat(seen(s.post(s.message("logging/setLevel", Json.object().put("level", "loud")))).errorCode()).isEqualTo(-32602);
        // C4.1: the malformed tools/call attempts are audit records too (refused, control protocol), in this session
        var rejected = gw.gateway().audit().query().search(io.portcullis.audit.AuditQuery.Filter.all()).stream()
                .filter(r -> s.id().equals(r.path("session").asString(null))).toList();
        assertThat(rejected).hasSize(2).allSatisfy(r -> {
            assertThat(r.path("kind").asString()).isEqualTo("call");
            assertThat(r.path("decision").path("outcome").asString()).isEqualTo("refused");
            assertThat(r.path("decision").path("control").asString()).isEqualTo("protocol");
        });
        assertThat(rejected).extracting(r -> r.path("tool").path("name").asString()).containsExactlyInAnyOrder("", "demo__echo");
    }

    @Test
    void anUnknownToolIsRefusedByTheCatalogAsAToolError() {
        // As the reference servers answer it (docs/conformance.md: tools-call-simple-text, tools-call-error).
        LegacySession s = LegacySession.open(client, "2025-11-25");
        WireReply r = seen(s.post(s.message("tools/call", Json.object().put("name", "demo__nope"))));
        assertThat(r.errorCode()).isNull();
        assertThat(r.message().path("result").path("isError").asBoolean()).isTrue();
        assertThat(r.message().path("result").path("_meta").path("io.portcullis/refusal").path("control").asString()).isEqualTo("catalog");
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "application/xml"})
    void aWrongContentTypeIs415(String type) {
        WireReply r = seen(client.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", "Content-Type", type));
        assertThat(r.status()).isEqualTo(415);
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        String big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"" + "x".repeat(4000) + "\"}}";
        WireReply r = seen(client.post(big));
        assertThat(r.status()).isEqualTo(413);
        // without Content-Length (chunked), the limit holds while reading
        String chunk = Integer.toHexString(big.length()) + "\r\n" + big + "\r\n0\r\n\r\n";
        String raw = RawHttp.exchange(gw.port(), "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunk);
        assertThat(RawHttp.status(raw)).isEqualTo(413);
        BODIES.add(RawHttp.body(raw));
        // just under the limit is fine
        String ok = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"" + "y".repeat(1800) + "\",\"version\":\"1\"}}}";
        assertThat(ok.length()).isLessThan(2048);
        assertThat(client.post(ok).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evil.example.com", "http://evil.example.com:8080", "null", "http://localhost.evil.com"})
    void aForeignOriginIs403(String origin) {
        WireReply r = seen(client.post(Json.write(LegacySession.initialize(1, "2025-11-25", Json.object())), "Origin", origin));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.message().path("error").path("message").asString()).contains("Origin");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:6274", "http://127.0.0.1", "https://app.example.com"})
    void loopbackAndAllowedOriginsPass(String origin) {
        WireReply r = client.post(Json.write(LegacySession.initialize(1, "2025-11-25", Json.object())), "Origin", origin);
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void aForeignHostIs403() throws Exception {
        String init = Json.write(LegacySession.initialize(1, "2025-11-25", Json.object()));
        String evil = RawHttp.post(gw.port(), "evil.example.com", init);
        assertThat(RawHttp.status(evil)).isEqualTo(403);
        assertThat(RawHttp.body(evil)).contains("Host");
        BODIES.add(RawHttp.body(evil));
        assertThat(RawHttp.status(RawHttp.post(gw.port(), "evil.example.com:" + gw.port(), init))).isEqualTo(403);
        assertThat(RawHttp.status(RawHttp.post(gw.port(), "localhost:" + gw.port(), init))).isEqualTo(200);
    }

    @Test
    void otherHttpMethodsAre405() {
        WireReply r = seen(client.method("PUT", "{}"));
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Allow")).contains("POST");
    }

    @Test
    void aGetThatDoesNotAcceptSseIs406() {
        LegacySession s = LegacySession.open(client, "2025-11-25");
        WireReply r = seen(client.get(s.headers("Accept", "application/json")));
        assertThat(r.status()).isEqualTo(406);
    }

    @Test
    void anUndeclaredEnvironmentIs404() {
        WireReply r = seen(new WireClient(gw.url("nowhere")).post(Json.write(LegacySession.initialize(1, "2025-11-25", Json.object()))));
        assertThat(r.status()).isEqualTo(404);
    }

    @Test
    void aBadLastEventIdIs400() {
        LegacySession s = LegacySession.open(client, "2025-11-25");
        WireReply noDot = seen(client.get(s.headers("Accept", "text/event-stream", "Last-Event-ID", "garbage")));
        assertThat(noDot.status()).isEqualTo(400);
        WireReply unknown = seen(client.get(s.headers("Accept", "text/event-stream", "Last-Event-ID", "post-deadbeef.3")));
        assertThat(unknown.status()).isEqualTo(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n",
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n",
        "BLAH\r\n\r\n",
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"jsonrpc\""})
    void brokenHttpGetsAJsonErrorNotAnHtmlPage(String request) throws Exception {
        String raw = RawHttp.exchangeHalfClosed(gw.port(), request);
        assertThat(RawHttp.status(raw)).isEqualTo(400);
        assertThat(raw).containsIgnoringCase("Content-Type: application/json").doesNotContain("<html");
        BODIES.add(RawHttp.body(raw));
    }

    @Test
    void hugeHeadersGet431() throws Exception {
        String raw = RawHttp.exchangeHalfClosed(gw.port(), "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
                + "a".repeat(20000) + "\r\n\r\n");
        assertThat(RawHttp.status(raw)).isEqualTo(431);
        BODIES.add(RawHttp.body(raw));
    }

    @Test
    void theGatewayStillServesAfterAllThat() {
        LegacySession s = LegacySession.open(client, "2025-11-25");
        assertThat(s.request("tools/list", null).path("result").path("tools").size()).isEqualTo(7); // #13: the demo's lookup_customer, fetch_page, send_email
    }
}
