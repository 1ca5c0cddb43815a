package io.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.call.ClientKey;
import io.portcullis.call.Relay;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * #11 item 21 over stdio: a log line the upstream writes right after an answer is tied to no call.
 * The reader thread completes the answer and reads the next line before the caller's thread closes
 * the call, so an answered call must no longer count as in flight (EgressDirectionsIT item 2 failed
 * on this race in CI).
 */
class CallsInFlightTest {
    private static final ClientKey OWNER = ClientKey.fresh();
    private static final Relay CLIENT = new Relay() {
        @Override
        public void notify(ObjectNode notification) {}

        @Override
        public ObjectNode request(String method, ObjectNode params) {
            return null;
        }

        @Override
        public ClientKey owner() {
            return OWNER;
        }
    };

    @Test
    void anAnsweredCallIsNoLongerInFlightBeforeItsCallerClosesIt() throws Exception {
        Calls calls = new Calls();
        Calls.Pending p = calls.open(7, CLIENT, Json.object());
        assertThat(calls.clientCallsInFlight()).isTrue();
        calls.answer(Message.of(Message.result(Json.object().numberNode(7), Json.object())), "leaky");
        assertThat(p.response()).isDone();
        assertThat(calls.isOpen(7)).as("not closed yet: the caller's thread does that").isTrue();
        assertThat(calls.clientCallsInFlight()).isFalse();
    }

    @Test
    void theGatewaysOwnRequestsNeverCountAsAClientsCall() {
        Calls calls = new Calls();
        calls.open(1, Relay.NONE, Json.object());
        assertThat(calls.clientCallsInFlight()).isFalse();
    }
}
