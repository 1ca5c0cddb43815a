package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import io.portcullis.testing.Eventually;
import java.time.Duration;
import io.portcullis.upstream.Upstream;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** An upstream that never comes up: the gateway serves the others and says why that one is missing. */
class UpstreamDownIT {

    @Test
    void aCrashLoopingUpstreamDoesNotTakeTheGatewayDown() throws Exception {
        List<String> dies = JvmPeers.testMain(Exit.class);
        try (TestGateway gw = TestGateway.startWithoutWaiting("""
                upstreams:
                  broken:
                    command: %s
                  missing:
                    command: ["/nonexistent/mcp-server"]
                  demo:
                    command: %s
                """.formatted(TestGateway.list(dies), TestGateway.list(JvmPeers.demo())))) {
            gw.awaitCatalog(c -> c.tool("demo__echo").isPresent());
            LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
            ObjectNode p = Json.object().put("name", "demo__echo");
            p.putObject("arguments").put("message", "up");
            assertThat(s.request("tools/call", p).path("result").path("content").get(0).path("text").asString()).isEqualTo("up");
            Upstream broken = gw.gateway().upstream("broken").orElseThrow();
            Upstream missing = gw.gateway().upstream("missing").orElseThrow();
            // #12 item 7: the precondition (each down upstream has said why) is waited for, and its
            // absence fails naming the upstream, its state and what it said, instead of the test going on
            awaitReason(broken, "exit");
            awaitReason(missing, "/nonexistent/mcp-server");
            assertThat(broken.state()).isNotEqualTo(Upstream.State.READY);
            assertThat(missing.state()).isNotEqualTo(Upstream.State.READY);
        }
    }

    /**
     * Waits until {@code u} reports a failure that names {@code cause}. A JVM that exits at once still
     * takes seconds to start on a loaded machine: the bound is the harness's usual 30 s, not 15.
     */
    private static void awaitReason(Upstream u, String cause) {
        try {
            Eventually.eventually(Duration.ofSeconds(30), () -> assertThat(u.lastError())
                    .as("upstream %s (state %s) says why it is down", u.name(), u.state())
                    .isNotNull().isNotEqualTo("starting").contains(cause));
        } catch (AssertionError e) {
            throw new AssertionError("precondition failed: upstream " + u.name() + " never reported a failure naming '" + cause
                    + "' (state " + u.state() + ", last error " + u.lastError() + ")", e);
        }
    }

    /** A "server" that exits at once. */
    public static final class Exit {
        public static void main(String[] args) {
            System.exit(7);
        }
    }
}
