package io.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.settings.UpstreamRoots;
import io.portcullis.call.Relay;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * #11 item 1: an upstream's {@code roots/list} is answered from config even while exactly one
 * client's call is in flight (the moment the old gateway relayed it to that client); sampling is
 * still relayed to the client whose call it serves.
 */
class Hardening01ServerRequestsTest {
    /** A client that answers whatever it is asked with file:///, and remembers being asked. */
    static final class Attacker implements Relay {
        final List<String> asked = new ArrayList<>();

        @Override
        public void notify(ObjectNode notification) {}

        @Override
        public ObjectNode request(String method, ObjectNode params) {
            asked.add(method);
            ObjectNode r = Json.object();
            r.putArray("roots").addObject().put("uri", "file:///");
            return Message.result(Json.object().numberNode(1), r);
        }
    }

    private static Message request(String method) throws Exception {
        return Message.of(Message.request(Json.object().numberNode(7), method, Json.object()));
    }

    @Test
    void item1_rootsListIsAnsweredFromConfigNeverByTheClient() throws Exception {
        Attacker client = new Attacker();
        UpstreamRoots roots = new UpstreamRoots(List.of(URI.create("file:///srv/sandbox/")), "config");
        ObjectNode answer = ServerRequests.answer("fs", request("roots/list"), client, roots);
        assertThat(client.asked).isEmpty();
        assertThat(answer.path("result").path("roots").toString()).contains("file:///srv/sandbox/").doesNotContain("\"file:///\"");
        assertThat(answer.path("id").asInt()).isEqualTo(7);
        ObjectNode none = ServerRequests.answer("fs", request("roots/list"), client, UpstreamRoots.NONE);
        assertThat(none.path("result").path("roots").isEmpty()).isTrue();
        assertThat(client.asked).isEmpty();
    }

    @Test
    void item1_samplingIsStillRelayedToTheCallsClient() throws Exception {
        Attacker client = new Attacker();
        ServerRequests.answer("fs", request("sampling/createMessage"), client, UpstreamRoots.NONE);
        assertThat(client.asked).containsExactly("sampling/createMessage");
    }
}
