package io.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.conversation.ChainRules;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** #13, session 10: whether a policy may read session.calls, conservatively (a false negative would undercount). */
class SessionReadsTest {
    @Test
    void anyMentionOfCallsOrAnyOtherUseOfSessionCounts() {
        assertThat(SessionReads.calls(List.of("session.calls > 20"))).isTrue();
        assertThat(SessionReads.calls(List.of("session[\"calls\"] > 20"))).isTrue();
        assertThat(SessionReads.calls(List.of("session[\"cal\" + \"ls\"] > 20"))).as("an index other than labels/tools").isTrue();
        assertThat(SessionReads.calls(List.of("session.exists(k, k == \"x\")"))).as("a macro over the map").isTrue();
        assertThat(SessionReads.calls(List.of("cel.bind(s, session, s.labels.size() > 1)"))).isTrue();
        assertThat(SessionReads.calls(List.of("\"x\" in session . labels && session.tools.size() > 2"))).isFalse();
        assertThat(SessionReads.calls(List.of("true"))).isFalse();
    }

    @Test
    void theChainRulesAndTheDefaultPolicyDoNotRead_aRuleThatDoesIsSeen() throws Exception {
        List<PolicyRule> rules = new ArrayList<>(PolicyConfig.DEFAULT_RULES);
        rules.addAll(ChainRules.rules(List.of("approver")));
        assertThat(Policy.compile(new PolicyConfig(rules, java.util.Set.of())).readsSessionCalls()).isFalse();
        rules.add(PolicyRule.of("many-calls", Effect.DENY, "session.calls > 500"));
        assertThat(Policy.compile(new PolicyConfig(rules, java.util.Set.of())).readsSessionCalls()).isTrue();
    }
}
