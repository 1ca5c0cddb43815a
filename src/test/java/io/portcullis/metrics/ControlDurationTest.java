package io.portcullis.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.CallTrail;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Relay;
import io.portcullis.call.Stage;
import io.portcullis.call.StageTimer;
import io.portcullis.identity.Principal;
import io.portcullis.pipeline.Pipeline;
import io.portcullis.protocol.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * #18 item 1 "per control: decisions and durations": {@code portcullis_control_duration} has one
 * timer per (environment, control), its count the number of calls that reached the control, and no
 * other label (bounded: no tool, subject or argument value).
 */
class ControlDurationTest {

    static Stage named(String name, Stage body) {
        return new Stage() {
            @Override
            public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
                return body.handle(call, next);
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    static CallContext call(String env, String tool) {
        return new CallContext(CallContext.newCallId(), Principal.anonymous(env == null ? "default" : env, "c"), env, "s-1", "2025-11-25",
                tool, Json.object(), null, Relay.NONE, Instant.now(), new CallTrail());
    }

    @Test
    void eachControlIsTimedOncePerCallThatReachedItByEnvironment() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CallMetrics metrics = new CallMetrics(registry);
        Stage policy = named("policy", (c, n) -> {
            if (c.toolName().startsWith("deny")) {
                throw new GatewayException.Refused("policy", "denied");
            }
            return n.handle(c);
        });
        List<Stage> stages = List.of(named("call-log", (c, n) -> n.handle(c)), named("arguments", (c, n) -> n.handle(c)), policy)
                .stream().map(s -> StageTimer.timed(s, metrics)).toList();
        Pipeline p = new Pipeline(stages, StageTimer.timed(named("upstream", (c, n) -> Json.object()), metrics));

        for (int i = 0; i < 3; i++) {
            p.call(call("prod", "echo-" + i));
        }
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> p.call(call("prod", "deny-me"))).isInstanceOf(GatewayException.Refused.class);
        }
        p.call(call("dev", "echo"));
        p.call(call(null, "echo"));

        assertThat(count(registry, "prod", "call-log")).isEqualTo(5);
        assertThat(count(registry, "prod", "arguments")).isEqualTo(5);
        assertThat(count(registry, "prod", "policy")).isEqualTo(5);
        assertThat(count(registry, "prod", "upstream")).isEqualTo(3); // the refused two never reached it
        assertThat(count(registry, "dev", "policy")).isEqualTo(1);
        assertThat(count(registry, "none", "upstream")).isEqualTo(1);
        // bounded: 3 environments (none included) x 4 controls, and the labels are those three alone
        List<Timer> timers = registry.find("portcullis_control_duration").timers().stream().toList();
        assertThat(timers).hasSize(12);
        assertThat(timers).allSatisfy(t -> assertThat(t.getId().getTags()).extracting(tag -> tag.getKey())
                .containsExactlyInAnyOrder("environment", "method", "control"));
        assertThat(timers).allSatisfy(t -> assertThat(t.getId().getTag("method")).isEqualTo("tools/call"));
        // the timers are registered once and looked up afterwards: the same instance each time
        metrics.stageTook("prod", "policy", 1000);
        assertThat(registry.find("portcullis_control_duration").timers()).hasSize(12);
        assertThat(count(registry, "prod", "policy")).isEqualTo(6);
    }

    /** #18 item 1 (leftover): a read chain's stages are timed under their chain's method, apart from the tool chain's. */
    @Test
    void aReadChainsStagesAreTimedUnderItsMethod() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CallMetrics metrics = new CallMetrics(registry);
        Pipeline read = new Pipeline(List.of(StageTimer.timed(named("call-log", (c, n) -> n.handle(c)), metrics, "resources/read"),
                StageTimer.timed(named("admission", (c, n) -> n.handle(c)), metrics, "resources/read")),
                StageTimer.timed(named("upstream", (c, n) -> Json.object()), metrics, "resources/read"));
        Pipeline tool = new Pipeline(List.of(StageTimer.timed(named("call-log", (c, n) -> n.handle(c)), metrics)),
                StageTimer.timed(named("upstream", (c, n) -> Json.object()), metrics));
        for (int i = 0; i < 3; i++) {
            read.call(call("prod", "file:///r"));
        }
        tool.call(call("prod", "echo"));
        assertThat(count(registry, "prod", "resources/read", "call-log")).isEqualTo(3);
        assertThat(count(registry, "prod", "resources/read", "admission")).isEqualTo(3);
        assertThat(count(registry, "prod", "resources/read", "upstream")).isEqualTo(3);
        assertThat(count(registry, "prod", "tools/call", "call-log")).isEqualTo(1);
        assertThat(count(registry, "prod", "tools/call", "upstream")).isEqualTo(1);
        assertThat(registry.find("portcullis_control_duration").timers()).hasSize(5);
        // metrics off: nothing is wrapped
        Stage bare = named("admission", (c, n) -> n.handle(c));
        assertThat(StageTimer.timed(bare, io.portcullis.call.CallObserver.NONE, "prompts/get")).isSameAs(bare);
    }

    private static long count(SimpleMeterRegistry registry, String env, String method, String control) {
        Timer t = registry.find("portcullis_control_duration").tags("environment", env, "method", method, "control", control).timer();
        return t == null ? 0 : t.count();
    }

    private static long count(SimpleMeterRegistry registry, String env, String control) {
        Timer t = registry.find("portcullis_control_duration").tags("environment", env, "control", control).timer();
        return t == null ? 0 : t.count();
    }
}
