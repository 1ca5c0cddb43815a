package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import io.portcullis.testing.Eventually;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The client's notifications/cancelled ends its call and reaches the upstream that serves it. */
class CancellationIT {
    /** #12 item 7: the gateway of this class, started and stopped by the extension. */
    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.config(() -> """
                upstreams:
                  everything:
                    command: %s
                  fault:
                    command: %s
                    timeout: 5m
                """.formatted(TestGateway.list(NpmPeers.everything()), TestGateway.list(JvmPeers.testMain(FaultServer.class)))).build();

    @Test
    void cancellingALongOperationEndsTheCall() throws Exception {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
        ObjectNode p = Json.object().put("name", "everything__trigger-long-running-operation");
        p.putObject("arguments").put("duration", 600).put("steps", 600);
        p.putObject("_meta").put("progressToken", "c");
        ObjectNode call = s.message("tools/call", p);
        try (SseStream stream = s.stream(call)) {
            assertThat(stream.nextMessage().path("method").asString()).isEqualTo("notifications/progress");
            WireReply cancel = s.notify("notifications/cancelled", Json.object().set("requestId", call.path("id")));
            assertThat(cancel.status()).isEqualTo(202);
            // the 10-minute operation ends now: what follows is at most progress already sent, then the error
            JsonNode last = null;
            var e = stream.poll(Duration.ofSeconds(30));
            while (e.isPresent()) {
                last = Json.parse(e.get().data());
                e = stream.poll(Duration.ofSeconds(30));
            }
            assertThat(last).isNotNull();
            assertThat(last.path("id").asLong()).isEqualTo(call.path("id").asLong());
            assertThat(last.path("error").path("data").path("control").asString()).isEqualTo("cancel");
        }
        assertThat(s.request("ping", null).has("result")).isTrue();
    }

    @Test
    void theUpstreamIsToldWithItsOwnRequestId() throws Exception {
        LegacySession s = LegacySession.open(gw.client(), "2025-06-18");
        ObjectNode call = s.message("tools/call", Json.object().put("name", "fault__hang"));
        call.put("id", "client-chosen-id");
        Thread caller = Thread.ofVirtual().start(() -> s.post(call));
        // cancel once the call is in flight at the upstream; before that a cancellation has nothing to act on
        String before = cancellations(s);
        // each poll sends the cancellation again: one sent before the call reached the upstream acts on nothing
        JsonNode cancelled = Eventually.eventually(Duration.ofSeconds(15), () -> {
            s.notify("notifications/cancelled", Json.object().put("requestId", "client-chosen-id").put("reason", "user"));
            String now = cancellations(s);
            return now.equals(before) ? null : Json.parse(now);
        }, c -> c != null && !c.isEmpty());
        caller.join(Duration.ofSeconds(30));
        assertThat(caller.isAlive()).isFalse();
        assertThat(cancelled).isNotNull();
        // the upstream hears the gateway's id for the call (a number), never the client's
        assertThat(cancelled.get(cancelled.size() - 1).isIntegralNumber()).isTrue();
    }

    private static String cancellations(LegacySession s) {
        return s.request("tools/call", Json.object().put("name", "fault__cancellations"))
                .path("result").path("content").get(0).path("text").asString();
    }
}
