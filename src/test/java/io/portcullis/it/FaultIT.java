package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import io.portcullis.upstream.Upstream;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Upstream faults (issue #2, item 8): a crash mid-call, a hang, garbage on stdout. The client
 * gets an error naming the upstream, the gateway keeps serving, a crashed upstream is restarted.
 */
class FaultIT {
    /** #12 item 7: the gateway of this class, started and stopped by the extension. */
    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.config(() -> """
                upstreams:
                  fault:
                    command: %s
                    timeout: 500ms
                  noisy:
                    command: %s
                  mute:
                    command: %s
                    timeout: 10m
                  demo:
                    command: %s
                tools:
                  noisy__hang: {timeout: 300ms}
                """.formatted(TestGateway.list(JvmPeers.testMain(FaultServer.class)),
                TestGateway.list(JvmPeers.testMain(FaultServer.class, "--banner")),
                TestGateway.list(JvmPeers.testMain(FaultServer.class, "--logging")),
                TestGateway.list(JvmPeers.demo()))).build();
    private static LegacySession session;

    @BeforeAll
    static void start() throws Exception {
        session = LegacySession.open(gw.client(), "2025-11-25");
    }

    static ObjectNode call(String tool, String message) {
        ObjectNode p = Json.object().put("name", tool);
        p.putObject("arguments").put("message", message);
        return session.request("tools/call", p);
    }

    static String text(ObjectNode response) {
        return response.path("result").path("content").get(0).path("text").asString();
    }

    /** Calls fault__echo until it answers (the upstream may be restarting); returns its pid. */
    static long echoPid() throws InterruptedException {
        ObjectNode r = io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(30),
                () -> call("fault__echo", "ping"), x -> x.has("result"));
        String t = text(r);
        return Long.parseLong(t.substring(4, t.indexOf(':')));
    }

    static void assertUpstreamError(ObjectNode r, String control) {
        JsonNode error = r.path("error");
        assertThat(error.path("code").asInt()).as(r.toString()).isEqualTo(-32003);
        assertThat(error.path("message").asString()).contains("fault");
        assertThat(error.path("data").path("upstream").asString()).isEqualTo("fault");
        assertThat(error.path("data").path("control").asString()).isEqualTo(control);
        assertThat(r.toString()).doesNotContain("Exception", "java.");
    }

    @Test
    void aCrashMidCallIsAnErrorAndTheUpstreamComesBack() throws Exception {
        long before = echoPid();
        ObjectNode r = call("fault__crash", "x");
        assertUpstreamError(r, "upstream");
        // the gateway and its other upstreams keep serving meanwhile
        assertThat(text(call("demo__echo", "still here"))).isEqualTo("still here");
        long after = echoPid();
        assertThat(after).isNotEqualTo(before);
        assertThat(ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(gw.gateway().upstream("fault").orElseThrow().state()).isEqualTo(Upstream.State.READY);
    }

    @Test
    void aHangIsATimeoutErrorAndTheUpstreamStaysUp() throws Exception {
        long pid = echoPid();
        ObjectNode r = call("fault__hang", "x");
        assertUpstreamError(r, "timeout");
        assertThat(r.path("error").path("message").asString()).contains("500 ms");
        assertThat(echoPid()).isEqualTo(pid);
    }

    @Test
    void garbageIsAnErrorNotACrash() throws Exception {
        long pid = echoPid();
        ObjectNode r = call("fault__garbage", "x");
        assertUpstreamError(r, "upstream");
        // the first line that is not JSON fails the call at once (issue #11 item 21), within the tolerance
        assertThat(r.path("error").path("message").asString()).contains("not JSON", "protocol violation");
        assertThat(echoPid()).isEqualTo(pid);
    }

    @Test
    void aToolsOwnTimeoutWinsOverItsUpstreams() {
        ObjectNode r = call("noisy__hang", "x");
        assertThat(r.path("error").path("data").path("control").asString()).isEqualTo("timeout");
        assertThat(r.path("error").path("message").asString()).contains("noisy", "300 ms");
    }

    @Test
    void aBannerOnStdoutIsIgnored() {
        assertThat(text(call("noisy__echo", "hi"))).endsWith(": hi");
    }

    @Test
    @Timeout(60)
    void setLevelDoesNotWaitForAnUpstreamThatNeverAnswers() {
        // "mute" never answers logging/setLevel and has a 10-minute timeout: the client is answered anyway
        ObjectNode r = session.request("logging/setLevel", Json.object().put("level", "info"));
        assertThat(r.has("result")).isTrue();
        assertThat(text(call("mute__echo", "still fine"))).endsWith(": still fine");
    }

    @Test
    void theSameFaultsOverThe2026Form() throws Exception {
        echoPid();
        ObjectNode p = Json.object().put("name", "fault__hang");
        WireReply r = ModernRequests.post(gw.client(), ModernRequests.request(1, "tools/call", p));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.errorCode()).isEqualTo(-32003);
        assertThat(r.message().path("error").path("data").path("upstream").asString()).isEqualTo("fault");
    }
}
