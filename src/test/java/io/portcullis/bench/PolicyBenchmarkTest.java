package io.portcullis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.policy.Decision;
import io.portcullis.policy.Effect;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keeps the benchmark honest: its policy compiles, and its requests meet every effect, not one. */
class PolicyBenchmarkTest {
    @Test
    void theBenchmarkSetupDecidesAMixOfEffects() throws Exception {
        PolicyBenchmark b = new PolicyBenchmark();
        b.setup();
        Map<Effect, Integer> seen = new EnumMap<>(Effect.class);
        int visible = 0;
        for (var r : b.requests) {
            Decision d = b.policy.decide(r);
            Decision all = b.unfiltered.decide(r);
            // the prefilter skips rules, never changes an answer
            assertThat(all.effect()).as(r.toString()).isEqualTo(d.effect());
            assertThat(all.ruleIds()).as(r.toString()).isEqualTo(d.ruleIds());
            assertThat(d.errors()).isEmpty();
            seen.merge(d.effect(), 1, Integer::sum);
        }
        for (var r : b.requests) {
            visible += b.policy.visible(r) ? 1 : 0;
            assertThat(b.unfiltered.visible(r)).isEqualTo(b.policy.visible(r));
        }
        assertThat(seen.keySet()).containsExactlyInAnyOrder(Effect.values());
        assertThat(seen.values()).allSatisfy(n -> assertThat(n).isGreaterThan(20));
        assertThat(visible).isBetween(100, 1000);
    }
}
