package io.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.call.ClientKey;
import io.portcullis.call.Relay;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * #18 item 2 (session 9): the trace context an upstream's message is continued from when it has none of
 * its own is that of the call it belongs to, as the call went upstream ({@code _meta}): a progress
 * notification's by its token, another message's by the call that carried it (HTTP) or the one client's
 * call in flight (stdio), never a guess between two clients' calls, never the gateway's own request's.
 */
class CallsTraceTest {
    private static final String TP_A = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String TP_B = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static Relay client(ClientKey owner) {
        return new Relay() {
            @Override
            public void notify(ObjectNode notification) {}

            @Override
            public ObjectNode request(String method, ObjectNode params) {
                return null;
            }

            @Override
            public ClientKey owner() {
                return owner;
            }
        };
    }

    private static ObjectNode params(String traceparent) {
        ObjectNode p = Json.object();
        p.putObject("_meta").put("traceparent", traceparent).put("progressToken", 5);
        return p;
    }

    private static Message note(String method, ObjectNode params) throws Exception {
        return Message.of(Message.notification(method, params));
    }

    @Test
    void progressByItsTokenOtherMessagesByTheirCall() throws Exception {
        Calls calls = new Calls();
        calls.open(1, client(ClientKey.fresh()), params(TP_A));
        calls.open(2, client(ClientKey.fresh()), params(TP_B));
        assertThat(calls.traceFor(note("notifications/progress", Json.object().put("progressToken", "pc-2")), null))
                .isEqualTo(Map.of("traceparent", TP_B));
        assertThat(calls.traceFor(note("notifications/message", Json.object()), 1L)).isEqualTo(Map.of("traceparent", TP_A));
        // stdio, two clients' calls in flight: which one it belongs to is unknowable, so none
        assertThat(calls.traceFor(note("notifications/message", Json.object()), null)).isEmpty();
        assertThat(calls.traceFor(note("notifications/progress", Json.object().put("progressToken", "pc-x")), null)).isEmpty();
        assertThat(calls.traceFor(note("notifications/progress", null), null)).isEmpty();
    }

    @Test
    void theOneClientsCallOverStdioAndNeverTheGatewaysOwnRequest() throws Exception {
        Calls calls = new Calls();
        calls.open(1, Relay.NONE, params(TP_B));
        assertThat(calls.traceFor(note("notifications/message", Json.object()), null)).isEmpty();
        assertThat(calls.traceFor(note("notifications/message", Json.object()), 1L)).isEmpty();
        calls.open(2, client(ClientKey.fresh()), params(TP_A));
        assertThat(calls.traceFor(note("notifications/message", Json.object()), null)).isEqualTo(Map.of("traceparent", TP_A));
        // a call sent with tracing off has no context of the gateway's: nothing
        calls.open(3, client(ClientKey.fresh()), Json.object());
        assertThat(calls.traceFor(note("notifications/message", Json.object()), 3L)).isEmpty();
    }
}
