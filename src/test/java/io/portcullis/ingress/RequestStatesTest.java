package io.portcullis.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** The requestState of input_required rounds: unforgeable, and bound to caller, environment and request. */
class RequestStatesTest {
    static Principal caller(String subject, String issuer) {
        return new Principal(subject, Principal.Kind.USER, null, List.of(), "c", "dev", "jwt", null, null, issuer, null, List.of());
    }

    static Message call(String tool, String argValue) throws Exception {
        ObjectNode p = Json.object().put("name", tool);
        p.putObject("arguments").put("q", argValue).put("n", 1);
        return Message.of(Message.request(Json.object().numberNode(1), "tools/call", p));
    }

    private final RequestStates states = new RequestStates();

    private RequestStates.Binding binding(Principal p, String env, Message m) {
        return RequestStates.Binding.of(p, env, m);
    }

    @Test
    void anIssuedStateVerifiesForItsBinding() throws Exception {
        var b = binding(caller("alice", "idp"), "dev", call("t", "x"));
        String id = states.newId();
        String state = states.issue(id, b);
        assertThat(state).startsWith("portcullis.v1.").doesNotContain("alice").doesNotContain("idp");
        RequestStates.Parsed parsed = RequestStates.parse(state);
        assertThat(parsed).isNotNull();
        assertThat(parsed.id()).isEqualTo(id);
        assertThat(states.verify(parsed, b)).isTrue();
    }

    @Test
    void itDoesNotVerifyForAnyOtherCallerEnvironmentToolOrArguments() throws Exception {
        var b = binding(caller("alice", "idp"), "dev", call("t", "x"));
        RequestStates.Parsed parsed = RequestStates.parse(states.issue(states.newId(), b));
        assertThat(states.verify(parsed, binding(caller("bob", "idp"), "dev", call("t", "x")))).isFalse();
        assertThat(states.verify(parsed, binding(caller("alice", "other-idp"), "dev", call("t", "x")))).isFalse();
        assertThat(states.verify(parsed, binding(caller("alice", "idp"), "prod", call("t", "x")))).isFalse();
        assertThat(states.verify(parsed, binding(caller("alice", "idp"), "dev", call("u", "x")))).isFalse();
        assertThat(states.verify(parsed, binding(caller("alice", "idp"), "dev", call("t", "y")))).isFalse();
    }

    @Test
    void anAlteredOrForeignStateDoesNotVerify() throws Exception {
        var b = binding(caller("alice", "idp"), "dev", call("t", "x"));
        String state = states.issue(states.newId(), b);
        // another id with the same tag
        String otherId = states.newId();
        String swapped = "portcullis.v1." + otherId + state.substring(state.lastIndexOf('.'));
        assertThat(states.verify(RequestStates.parse(swapped), b)).isFalse();
        // one bit of the tag flipped
        byte[] tag = Base64.getUrlDecoder().decode(state.substring(state.lastIndexOf('.') + 1));
        tag[0] ^= 1;
        String flipped = state.substring(0, state.lastIndexOf('.') + 1) + Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
        assertThat(states.verify(RequestStates.parse(flipped), b)).isFalse();
        // issued by a gateway of another cluster (another cluster key) for the very same binding and id (#19 item 1)
        RequestStates.Parsed parsed = RequestStates.parse(state);
        assertThat(new RequestStates(ClusterKey.random()).verify(parsed, b)).isFalse();
    }

    @Test
    void malformedStatesAreNotParsed() {
        for (String s : new String[] {null, "", "portcullis.v1.", "portcullis.v1.abc", "v2.AAAAAAAAAAAAAAAAAAAAAA.AAAA", "portcullis.v1.a.b.c",
                "portcullis.v1.!!!.AAAA", "portcullis.v1.AAAAAAAAAAAAAAAAAAAAAA.AAAA", "x".repeat(500)}) {
            assertThat(RequestStates.parse(s)).as(String.valueOf(s)).isNull();
        }
    }

    @Test
    void theBindingIgnoresWhatChangesBetweenLegsAndKeyOrder() throws Exception {
        Principal alice = caller("alice", "idp");
        ObjectNode first = Json.object().put("name", "t");
        first.putObject("arguments").put("a", 1).put("b", 2);
        first.putObject("_meta").put("progressToken", 1);
        ObjectNode retry = Json.object().put("name", "t").put("requestState", "portcullis.v1.x.y");
        retry.putObject("arguments").put("b", 2).put("a", 1);
        retry.putObject("_meta").put("progressToken", 2);
        retry.putObject("inputResponses").putObject("k").put("action", "accept");
        var b1 = binding(alice, "dev", Message.of(Message.request(Json.object().numberNode(1), "tools/call", first)));
        var b2 = binding(alice, "dev", Message.of(Message.request(Json.object().numberNode(2), "tools/call", retry)));
        assertThat(b2).isEqualTo(b1);
    }
}
