package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
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
            assertThat(broken.state()).isNotEqualTo(Upstream.State.READY);
            assertThat(missing.state()).isNotEqualTo(Upstream.State.READY);
            waitForError(broken);
            waitForError(missing);
            assertThat(broken.lastError()).contains("exit");
            assertThat(missing.lastError()).contains("/nonexistent/mcp-server");
        }
    }

    private static void waitForError(Upstream u) throws InterruptedException {
        for (int i = 0; i < 300 && (u.lastError() == null || u.lastError().equals("starting")); i++) {
            Thread.sleep(50);
        }
    }

    /** A "server" that exits at once. */
    public static final class Exit {
        public static void main(String[] args) {
            System.exit(7);
        }
    }
}
