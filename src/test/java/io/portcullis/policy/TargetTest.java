package io.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The prefilter read off conditions: what it extracts, and that it never changes an answer. */
class TargetTest {
    private static Target target(String condition, List<String> envs) throws Exception {
        return Target.of(Conditions.check(condition).getExpr(), envs);
    }

    @Test
    void readsTopLevelConjunctsOnToolAndEnvironment() throws Exception {
        Target t = target("tool.name == \"a\" && \"prod\" == env && tool.upstream in [\"u1\", \"u2\"] && tool.risk == \"irreversible\" && !production", List.of());
        assertThat(t).isEqualTo(new Target(Set.of("a"), Set.of("u1", "u2"), Set.of("irreversible"), Set.of("prod"), false));
        assertThat(target("production && args.x == 1", List.of()).production()).isTrue();
    }

    @Test
    void theEnvironmentsListAndTheConditionNarrowEachOther() throws Exception {
        assertThat(target("env in [\"dev\", \"prod\"]", List.of("prod", "staging")).envs()).containsExactly("prod");
        assertThat(target("true", List.of("dev")).envs()).containsExactly("dev");
    }

    @Test
    void disjunctionsNegationsAndNonConstantsAreLeftToCel() throws Exception {
        assertThat(target("tool.name == \"a\" || tool.name == \"b\"", List.of())).isEqualTo(Target.ANY);
        assertThat(target("!(tool.name == \"a\")", List.of())).isEqualTo(Target.ANY);
        assertThat(target("tool.name == args.name", List.of())).isEqualTo(Target.ANY);
        assertThat(target("tool.name in args.names", List.of())).isEqualTo(Target.ANY);
        assertThat(target("tool.owner == \"x\"", List.of())).isEqualTo(Target.ANY);
        assertThat(target("has(tool.name)", List.of())).isEqualTo(Target.ANY);
        // PolicyTest relies on this wrapper to switch the prefilter off
        assertThat(target("true ? (tool.name == \"a\" && env == \"dev\") : false", List.of())).isEqualTo(Target.ANY);
    }

    @Test
    void admitsOnlyWhatTheConditionCouldMatch() throws Exception {
        Target t = target("tool.upstream == \"git\" && env == \"prod\"", List.of());
        ToolFacts git = new ToolFacts("git__push", "git", "state_changing", null, List.of());
        ToolFacts other = new ToolFacts("db__drop", "db", "irreversible", null, List.of());
        assertThat(t.admits(git, "prod", true)).isTrue();
        assertThat(t.admits(git, "dev", false)).isFalse();
        assertThat(t.admits(other, "prod", true)).isFalse();
        assertThat(target("tool.name == \"a\" && tool.name == \"b\"", List.of()).admits(
                new ToolFacts("a", "u", "read_only", null, List.of()), "dev", false)).isFalse();
    }
}
