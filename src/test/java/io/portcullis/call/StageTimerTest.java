package io.portcullis.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.identity.Principal;
import io.portcullis.pipeline.Pipeline;
import io.portcullis.protocol.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * #18 item 1 "per control: durations": {@link StageTimer} tells each stage's OWN time (its time less
 * the stages inside it). The accounting is checked exactly, not by timing: the own times of every
 * stage of a call add up to the outermost stage's whole time, also when a stage calls the rest of the
 * chain twice (a retry), and a refused call times only the stages it reached.
 */
class StageTimerTest {

    /** Records every (control, nanos) it is told. */
    static final class Clock implements CallObserver {
        final List<String> order = new ArrayList<>();
        final Map<String, Long> own = new LinkedHashMap<>();

        @Override
        public void completed(CallContext call, String outcome, String control, Duration took) {
        }

        @Override
        public void stageTook(String environment, String control, long nanos) {
            order.add(environment + "/" + control);
            own.merge(control, nanos, Long::sum);
        }
    }

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

            @Override
            public List<String> checklist() {
                return List.of("C3.1");
            }
        };
    }

    /** Work the test can see (not a sleep, not a timing assert): a stage that does something. */
    static long spin(int n) {
        long x = 0;
        for (int i = 0; i < n; i++) {
            x += Long.toString(i).hashCode();
        }
        return x;
    }

    static CallContext call() {
        return new CallContext(CallContext.newCallId(), Principal.anonymous("prod", "c"), "prod", "s-1", "2025-11-25",
                "echo", Json.object(), null, Relay.NONE, Instant.now(), new CallTrail());
    }

    static Pipeline chain(Clock clock, Stage... stages) {
        List<Stage> timed = new ArrayList<>();
        for (Stage s : stages) {
            timed.add(StageTimer.timed(s, clock));
        }
        return new Pipeline(timed, StageTimer.timed(named("upstream", (c, n) -> {
            spin(20_000);
            return Json.object();
        }), clock));
    }

    @Test
    void ownTimesAddUpToTheWholeChainExactly() throws Exception {
        Clock clock = new Clock();
        Stage outer = named("call-log", (c, n) -> {
            spin(5_000);
            ObjectNode r = n.handle(c);
            spin(5_000);
            return r;
        });
        // a retry: the rest of the chain runs twice, and both runs are the inner stages' time, not the retry's own
        Stage retry = named("retry", (c, n) -> {
            n.handle(c);
            return n.handle(c);
        });
        Stage policy = named("policy", (c, n) -> {
            spin(10_000);
            return n.handle(c);
        });
        CallContext c = call();
        chain(clock, outer, retry, policy).call(c);

        assertThat(clock.order).containsExactly("prod/upstream", "prod/policy", "prod/upstream", "prod/policy",
                "prod/retry", "prod/call-log");
        long sum = clock.own.values().stream().mapToLong(Long::longValue).sum();
        // the outermost timer leaves the call's whole time (as its caller's inner time) on the trail
        assertThat(sum).isEqualTo(c.trail().innerNanos);
        assertThat(clock.own.values()).allMatch(n -> n >= 0);
    }

    @Test
    void aRefusedCallTimesTheStagesItReachedAndTheRefusingOne() {
        Clock clock = new Clock();
        Stage log = named("call-log", CallHandlerStage.PASS);
        Stage kill = named("kill-switch", (c, n) -> {
            throw new GatewayException.Refused("kill-switch", "tool killed");
        });
        Stage policy = named("policy", CallHandlerStage.PASS);
        assertThatThrownBy(() -> chain(clock, log, kill, policy).call(call())).isInstanceOf(GatewayException.Refused.class);
        assertThat(clock.order).containsExactly("prod/kill-switch", "prod/call-log");
    }

    @Test
    void theTimedStageKeepsItsNameAndChecklistAndNoneWrapsNothing() {
        Stage s = named("policy", CallHandlerStage.PASS);
        assertThat(StageTimer.timed(s, new Clock()).name()).isEqualTo("policy");
        assertThat(StageTimer.timed(s, new Clock()).checklist()).containsExactly("C3.1");
        assertThat(StageTimer.timed(s, CallObserver.NONE)).isSameAs(s);
    }

    @Test
    void manyTellsEveryObserverOfStageTimesAndSkipsOneThatThrows() {
        CallObserver.Many many = new CallObserver.Many();
        Clock a = new Clock();
        many.add(new CallObserver() {
            @Override
            public void completed(CallContext call, String outcome, String control, Duration took) {
            }

            @Override
            public void stageTook(String environment, String control, long nanos) {
                throw new IllegalStateException("broken observer");
            }
        });
        many.add(a);
        many.stageTook("prod", "policy", 7);
        assertThat(a.own).containsEntry("policy", 7L);
        many.remove(a);
        many.stageTook("prod", "policy", 7);
        assertThat(a.own).containsEntry("policy", 7L);
    }

    interface CallHandlerStage {
        Stage PASS = (c, n) -> n.handle(c);
    }
}
