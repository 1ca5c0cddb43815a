package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.identity.Principal;
import io.portcullis.call.CallContext;
import io.portcullis.call.CallTrail;
import io.portcullis.call.GatewayException;
import io.portcullis.pipeline.Pipeline;
import io.portcullis.call.Relay;
import io.portcullis.protocol.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * #12 item 1: a call is decided on the one config version it was dispatched on. The dispatcher
 * reads the gateway's state once (here: the tool chain, {@code Gateway.pipeline()}, what dispatch
 * takes); a reload then lands before the call's stages run, the way a reload lands in the middle
 * of a call. Before #12 the stages looked the catalog, policy and readiness report up in the
 * gateway on each use, so this call was decided on the NEW policy with the entry of whichever
 * catalog was current: the mixed result this test refuses.
 */
class SnapshotPerCallIT {
    private static final String V1 = """
            environments: [dev]
            upstreams:
              demo:
                command: %s
            """.formatted(TestGateway.list(JvmPeers.demo()));
    /** v2: the same upstream (it keeps running), the echo tool switched off and denied by policy. */
    private static final String V2 = V1 + """
            tools:
              demo__echo:
                enabled: false
            policy:
              rules:
                - id: no-echo
                  effect: deny
                  when: tool.name == "demo__echo"
                - id: the-rest
                  effect: allow
                  when: "true"
            """;

    private static CallContext echo() {
        ObjectNode params = Json.object().put("name", "demo__echo");
        params.putObject("arguments").put("message", "decided on v1");
        Principal p = Principal.anonymous("dev", "test-client");
        return new CallContext(CallContext.newCallId(), p, "dev", null, "2025-11-25", "demo__echo", params, null,
                Relay.NONE, Instant.now(), new CallTrail());
    }

    @Test
    void item1_aReloadBetweenDispatchAndTheStagesDoesNotChangeTheCallsDecision() throws Exception {
        try (TestGateway gw = TestGateway.start(V1)) {
            Pipeline dispatched = gw.gateway().pipeline(); // read once, at dispatch

            gw.reload(V2);
            gw.awaitCatalog(c -> !c.tool("demo__echo").orElseThrow().settings().enabled());

            // the call dispatched on v1 is decided entirely on v1: allowed, answered by the upstream
            CallContext call = echo();
            ObjectNode result = dispatched.call(call);
            assertThat(result.path("isError").asBoolean(false)).as(result.toString()).isFalse();
            assertThat(result.toString()).contains("decided on v1");
            assertThat(call.trail().decision()).isEqualTo("allow");
            assertThat(call.trail().ruleIds()).doesNotContain("no-echo", "the-rest");

            // a call dispatched after the reload is decided entirely on v2: the switch refuses it first
            assertThatThrownBy(() -> gw.gateway().pipeline().call(echo()))
                    .isInstanceOf(GatewayException.Refused.class)
                    .extracting(e -> ((GatewayException) e).control()).isEqualTo("tool-switch");
        }
    }

    @Test
    void item1_theSnapshotIsOneValueAndAReloadReplacesItWhole() throws Exception {
        try (TestGateway gw = TestGateway.start(V1)) {
            var v1 = gw.gateway().snapshot();
            gw.reload(V2);
            var v2 = gw.gateway().snapshot();
            assertThat(v2).isNotSameAs(v1);
            // v1 is untouched by the reload: its catalog, policy and chains are still v1's
            assertThat(v1.catalog().tool("demo__echo").orElseThrow().settings().enabled()).isTrue();
            assertThat(v1.policy().ruleIds()).doesNotContain("no-echo");
            assertThat(v2.policy().ruleIds()).contains("no-echo");
            assertThat(v1.chains().toolCall()).isNotSameAs(v2.chains().toolCall());
            assertThat(v1.chains().toolCall().stageNames()).isEqualTo(List.of("call-log", "audit", "catalog", "tool-switch",
                    "readiness-gate", "result-limit", "arguments", "policy", "audit-intent", "upstream"));
        }
    }
}
