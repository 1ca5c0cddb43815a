package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import io.portcullis.testing.Eventually;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue #21 item 6: a catalogued tool of an upstream that is (re)starting is refused as "upstream
 * X is starting, retry in N s" (control {@code upstream}), never as {@code Unknown tool}; a reload
 * that changes only settings of a running upstream (its timeout) applies without restarting it.
 */
@Timeout(120)
class UpstreamStartingIT {

    private static final String CATALOG = """
            catalog:
              unlisted: hide
              upstreams:
                %s: {owner: {team: platform, oncall: "pager:platform"}}
              tools:
                %s__echo: {purpose: Echo., risk: read_only}
                %s__hang: {purpose: Hang., risk: read_only}
            """;

    static ObjectNode call(LegacySession s, String tool) {
        ObjectNode p = Json.object().put("name", tool);
        p.putObject("arguments").put("message", "hi");
        return s.request("tools/call", p);
    }

    static void assertStarting(ObjectNode r, String upstream) {
        assertThat(r.path("error").path("code").asInt()).as(r.toString()).isEqualTo(-32003);
        assertThat(r.path("error").path("data").path("control").asString()).isEqualTo("upstream");
        assertThat(r.path("error").path("message").asString()).matches("upstream " + upstream + " is starting, retry in \\d+ s");
        // retryable, and says when: a program need not parse the message
        long retry = r.path("error").path("data").path("retryAfter").asLong();
        assertThat(retry).isPositive();
        assertThat(r.path("error").path("message").asString()).endsWith("retry in " + retry + " s");
    }

    static String text(ObjectNode r) {
        return r.path("result").path("content").get(0).path("text").asString();
    }

    @Test
    void robustness06_aCataloguedToolOfAStartingUpstreamIsNotAnUnknownTool() throws Exception {
        String slow = TestGateway.list(JvmPeers.testMain(FaultServer.class, "--slow-start", "60000"));
        try (TestGateway gw = TestGateway.startWithoutWaiting("""
                upstreams:
                  slow:
                    command: %s
                """.formatted(slow) + CATALOG.formatted("slow", "slow", "slow"))) {
            LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
            ObjectNode r = call(s, "slow__echo");
            assertStarting(r, "slow");
            // a name that is in no catalog is still unknown
            assertThat(call(s, "slow__nothing").path("result").path("content").get(0).path("text").asString())
                    .contains("Unknown tool");
        }
    }

    @Test
    void robustness06_aReloadThatChangesOnlyTheTimeoutDoesNotRestartTheUpstream() throws Exception {
        String fault = TestGateway.list(JvmPeers.testMain(FaultServer.class));
        String before = """
                upstreams:
                  fault:
                    command: %s
                    timeout: 20s
                """.formatted(fault) + CATALOG.formatted("fault", "fault", "fault");
        try (TestGateway gw = TestGateway.start(before)) {
            LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
            String pid = text(call(s, "fault__echo"));
            gw.reload(before.replace("timeout: 20s", "timeout: 300ms"));
            // at once after the reload: the same child answers, and the new timeout holds
            assertThat(text(call(s, "fault__echo"))).isEqualTo(pid);
            ObjectNode hang = call(s, "fault__hang");
            assertThat(hang.path("error").path("data").path("control").asString()).as(hang.toString()).isEqualTo("timeout");
            assertThat(hang.path("error").path("message").asString()).contains("300 ms");
        }
    }

    @Test
    void robustness06_aReloadThatRestartsAnUpstreamKeepsItsToolsKnownMeanwhile() throws Exception {
        String fault = TestGateway.list(JvmPeers.testMain(FaultServer.class));
        String before = """
                upstreams:
                  fault:
                    command: %s
                """.formatted(fault) + CATALOG.formatted("fault", "fault", "fault");
        try (TestGateway gw = TestGateway.start(before)) {
            LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
            String pid = text(call(s, "fault__echo"));
            gw.reload(before.replace("command: " + fault, "command: " + fault + "\n    env: {CHANGED: \"1\"}"));
            String now = Eventually.eventually(Duration.ofSeconds(30), () -> {
                ObjectNode again = call(s, "fault__echo");
                if (!again.has("result")) {
                    assertStarting(again, "fault");
                    return pid;
                }
                // never "Unknown tool" meanwhile: either the old child, the new one, or "starting"
                assertThat(again.path("result").path("isError").asBoolean(false)).as(again.toString()).isFalse();
                assertThat(text(again)).startsWith("pid ");
                return text(again);
            }, p -> !p.equals(pid));
            assertThat(now).isNotEqualTo(pid);
        }
    }
}
