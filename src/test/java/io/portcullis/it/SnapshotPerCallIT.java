package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.call.CallContext;
import io.portcullis.call.CallTrail;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Relay;
import io.portcullis.identity.Principal;
import io.portcullis.pipeline.Pipeline;
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

    /** A fault upstream whose {@code hang} tool never answers, with {@code timeout}; calls of it need one approval by ops. */
    private static String hanging(String timeout) {
        return """
                environments: [dev]
                upstreams:
                  fault: {command: %s, timeout: %s}
                policy:
                  rules:
                    - id: hang-needs-ops
                      effect: require_approval
                      when: tool.name == "fault__hang"
                      approvers: [ops]
                """.formatted(TestGateway.list(JvmPeers.testMain(FaultServer.class)), timeout);
    }

    private static Principal user(String subject, List<String> roles) {
        return new Principal(subject, Principal.Kind.USER, subject, roles, "test-client", "dev", "jwt", "jti-" + subject,
                Instant.parse("2030-01-01T00:00:00Z"), "https://idp.example", subject + "@example.com", List.of("mcp:tools"));
    }

    /**
     * The same, with the reload truly in the middle of the call: the call waits in its policy stage
     * for an approval (a stage blocked on a latch), the config is reloaded with another upstream
     * timeout (a live setting: the upstream keeps running), then the approval is given. The call
     * goes on under v1's timeout, the one it was decided on; before #12 the upstream call read the
     * live upstream's timeout again and ran under v2's.
     */
    @Test
    void item1_aReloadWhileTheCallWaitsInAStageDoesNotReachTheRestOfTheCall() throws Exception {
        try (TestGateway gw = TestGateway.start(hanging("4s"))) {
            ObjectNode params = Json.object().put("name", "fault__hang");
            params.putObject("arguments");
            CallContext call = new CallContext(CallContext.newCallId(), user("alice", List.of("dev")), "dev", null,
                    "2025-11-25", "fault__hang", params, null, Relay.NONE, Instant.now(), new CallTrail());
            Pipeline dispatched = gw.gateway().pipeline();
            var outcome = new java.util.concurrent.CompletableFuture<Throwable>();
            Thread.ofVirtual().start(() -> {
                try {
                    dispatched.call(call);
                    outcome.complete(null);
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            });
            var approvals = gw.gateway().approvals();
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            var pending = approvals.list(io.portcullis.approval.ApprovalRequest.Status.PENDING);
            while (pending.isEmpty() && System.nanoTime() < deadline && !outcome.isDone()) {
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000); // an eventually loop on the store
                pending = approvals.list(io.portcullis.approval.ApprovalRequest.Status.PENDING);
            }
            assertThat(pending).as("the call waits for an approval: " + (outcome.isDone() ? outcome.get() : "")).hasSize(1);

            gw.reload(hanging("1s")); // mid-call: the upstream's timeout changes in place
            assertThat(gw.gateway().upstream("fault").orElseThrow().config().timeout()).hasSeconds(1);
            approvals.decide(pending.getFirst().id(), user("olga", List.of("ops")), true, "ok");

            Throwable t = outcome.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(t).isInstanceOf(GatewayException.UpstreamFailure.class);
            assertThat(t.getMessage()).as("decided on v1, so called under v1's timeout").contains("within 4000 ms");
            assertThat(call.trail().approvalIds()).containsOnly(pending.getFirst().id());
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
            assertThat(v1.chains().toolCall().stageNames()).isEqualTo(List.of("call-log", "audit", "catalog", "pin", "kill-switch", "rate-limit", "tool-switch",
                "readiness-gate", "conversation", "egress", "result-limit", "arguments", "policy",
                "credentials", "audit-intent", "upstream"));
        }
    }
}
