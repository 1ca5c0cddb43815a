package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** An HTTP upstream that goes away: the client gets an error naming it; when it is back, the gateway reconnects. */
class HttpUpstreamRestartIT {

    @Test
    void theGatewayReconnectsToARestartedHttpUpstream() throws Exception {
        try (HttpPeer everything = HttpPeer.everything();
             TestGateway gw = TestGateway.start("""
                     upstreams:
                       everything:
                         url: %s
                         timeout: 10s
                     """.formatted(everything.url()))) {
            LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
            assertThat(echo(s).has("result")).isTrue();

            everything.close();
            JsonNode down = echo(s);
            assertThat(down.path("error").path("code").asInt()).as(down.toString()).isEqualTo(-32003);
            assertThat(down.path("error").path("message").asString()).contains("everything");
            assertThat(down.path("error").path("data").path("upstream").asString()).isEqualTo("everything");

            everything.restart();
            JsonNode r = io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(60), () -> echo(s), x -> x.has("result"));
            assertThat(r.path("result").path("content").get(0).path("text").asString()).contains("back");
        }
    }

    private static JsonNode echo(LegacySession s) {
        ObjectNode p = Json.object().put("name", "everything__echo");
        p.putObject("arguments").put("message", "back");
        return s.request("tools/call", p);
    }
}
