package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/** {@code portcullis stdio --config F}: the built jar as a local client's child, driven with newline JSON-RPC. */
class StdioIngressIT {

    @TempDir
    Path dir;

    private StdioPeer start(String env) throws Exception {
        return start(env, "");
    }

    private StdioPeer start(String env, String server) throws Exception {
        Path config = dir.resolve("gw.yaml");
        Files.writeString(config, server + """
                environments: [dev, prod]
                upstreams:
                  demo:
                    command: %s
                tools:
                  demo__delete_project: {environments: [dev]}
                catalog: {unlisted: allow}
                readiness: {gate: {enforce: false}}   # about the stdio wire, not the G1 gate
                """.formatted(TestGateway.list(JvmPeers.demo())));
        return env == null ? new StdioPeer(JvmPeers.portcullis("stdio", "--config", config.toString()), dir)
                : new StdioPeer(JvmPeers.portcullis("stdio", "--config", config.toString(), "--env", env), dir);
    }

    private static ObjectNode request(int id, String method, ObjectNode params) {
        return Message.request(Json.object().numberNode(id), method, params);
    }

    @Test
    void aClientInitializesListsAndCalls() throws Exception {
        try (StdioPeer gw = start(null)) {
            gw.send(LegacySession.initialize(1, "2025-06-18", Json.object()));
            ObjectNode init = gw.nextResponse();
            assertThat(init.path("id").asInt()).isEqualTo(1);
            assertThat(init.path("result").path("protocolVersion").asString()).isEqualTo("2025-06-18");
            assertThat(init.path("result").path("serverInfo").path("name").asString()).isEqualTo("portcullis");
            gw.send(Message.notification("notifications/initialized", null));

            gw.send(request(2, "tools/list", Json.object()));
            ObjectNode list = gw.nextResponse();
            assertThat(list.path("id").asInt()).isEqualTo(2);
            assertThat(LegacySession.names(list.path("result").path("tools"))).contains("demo__echo", "demo__delete_project");

            ObjectNode p = Json.object().put("name", "demo__echo");
            p.putObject("arguments").put("message", "over stdio");
            gw.send(request(3, "tools/call", p));
            ObjectNode call = gw.nextResponse();
            assertThat(call.path("id").asInt()).isEqualTo(3);
            assertThat(call.path("result").path("content").get(0).path("text").asString()).isEqualTo("over stdio");

            gw.sendLine("this is not json");
            assertThat(gw.nextResponse().path("error").path("code").asInt()).isEqualTo(-32700);
            gw.send(Json.object().put("jsonrpc", "2.0").put("id", 4));
            assertThat(gw.nextResponse().path("error").path("code").asInt()).isEqualTo(-32600);
            gw.send(request(5, "no/such/method", Json.object()));
            assertThat(gw.nextResponse().path("error").path("code").asInt()).isEqualTo(-32601);

            assertThat(gw.closeInputAndWait(Duration.ofSeconds(30))).isZero();
            assertThat(gw.stderr()).contains("upstream demo ready");
        }
    }

    /**
     * #12 small twins (protocol/JsonLines at the stdio ingress): a message is bounded like an HTTP
     * body; a longer line, invalid UTF-8 and blank lines never end the session, and each refused
     * line gets its own answer.
     */
    @Test
    void item12_hostileLinesAreAnsweredAndTheSessionGoesOn() throws Exception {
        try (StdioPeer gw = start(null, "server: {max_body_bytes: 4096}\n")) {
            gw.send(LegacySession.initialize(1, "2025-06-18", Json.object()));
            assertThat(gw.nextResponse().path("id").asInt()).isEqualTo(1);
            gw.send(Message.notification("notifications/initialized", null));

            // over the bound: cut unread, answered like an HTTP 413 body, and the next line is read as usual
            ObjectNode bigParams = Json.object().put("name", "demo__echo");
            bigParams.putObject("arguments").put("message", "x".repeat(100_000));
            ObjectNode big = request(2, "tools/call", bigParams);
            gw.send(big);
            ObjectNode tooLarge = gw.nextResponse();
            assertThat(tooLarge.path("error").path("code").asInt()).as(tooLarge.toString()).isEqualTo(-32000);
            assertThat(tooLarge.path("error").path("message").asString()).contains("too large", "4096");
            assertThat(tooLarge.path("id").isNull()).isTrue();

            // invalid UTF-8 inside a string: never the raw bytes, the replacement character instead
            byte[] prefix = "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"demo__echo\",\"arguments\":{\"message\":\"a".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] suffix = "b\"}}}\n\n   \n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            java.io.ByteArrayOutputStream hostile = new java.io.ByteArrayOutputStream();
            hostile.write(prefix);
            hostile.write(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF});
            hostile.write(suffix);
            gw.sendBytes(hostile.toByteArray());
            ObjectNode echoed = gw.nextResponse();
            assertThat(echoed.path("id").asInt()).as(echoed.toString()).isEqualTo(3);
            assertThat(echoed.path("result").path("content").get(0).path("text").asString()).startsWith("a\uFFFD").endsWith("b");

            ObjectNode p = Json.object().put("name", "demo__echo");
            p.putObject("arguments").put("message", "still here");
            gw.send(request(4, "tools/call", p));
            ObjectNode after = gw.nextResponse();
            assertThat(after.path("id").asInt()).isEqualTo(4);
            assertThat(after.path("result").path("content").get(0).path("text").asString()).isEqualTo("still here");

            // a last line without its newline is still read when stdin closes
            gw.sendBytes(Json.write(request(5, "ping", Json.object())).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(gw.closeInputAndWait(Duration.ofSeconds(30))).isZero();
            assertThat(gw.nextResponse().path("id").asInt()).isEqualTo(5);
        }
    }

    @Test
    void theEnvironmentDecidesWhatIsVisible() throws Exception {
        try (StdioPeer gw = start("prod")) {
            gw.send(LegacySession.initialize(1, "2025-11-25", Json.object()));
            gw.nextResponse();
            gw.send(request(2, "tools/list", Json.object()));
            List<String> names = LegacySession.names(gw.nextResponse().path("result").path("tools"));
            assertThat(names).contains("demo__echo").doesNotContain("demo__delete_project");
            ObjectNode p = Json.object().put("name", "demo__delete_project");
            p.putObject("arguments").put("project", "acme-web");
            gw.send(request(3, "tools/call", p));
            var refused = gw.nextResponse().path("result");
            assertThat(refused.path("isError").asBoolean()).isTrue();
            assertThat(refused.path("_meta").path("io.portcullis/refusal").path("control").asString()).isEqualTo("tool-switch");
        }
    }

    @Test
    void requestsBeforeInitializeAreRefused() throws Exception {
        try (StdioPeer gw = start(null)) {
            gw.send(request(1, "tools/list", Json.object()));
            assertThat(gw.nextResponse().path("error").path("code").asInt()).isEqualTo(-32600);
        }
    }

    @Test
    void anUndeclaredEnvironmentExits2() throws Exception {
        try (StdioPeer gw = start("nowhere")) {
            // #12 item 6: a usage or config error exits 2 (cli/Exit)
            assertThat(gw.closeInputAndWait(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(gw.stderr()).contains("nowhere");
        }
    }
}
