package io.portcullis.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.identity.Principal;
import io.portcullis.policy.Decision;
import io.portcullis.policy.Effect;
import io.portcullis.policy.Policy;
import io.portcullis.policy.PolicyRequest;
import io.portcullis.policy.PolicyRule;
import io.portcullis.policy.ToolFacts;
import io.portcullis.protocol.Json;
import io.portcullis.settings.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * #13 items 4, 5: the {@code conversation:} section (validated with file and line), the catalog's
 * {@code produces}, and the shipped chain rules as the policy decides them on {@code session.*}.
 */
class ConversationConfigTest {
    static final String BASE = "upstreams:\n  up: {command: [\"true\"]}\n";

    static GatewayConfig parse(String yaml) throws ConfigException {
        return ConfigReader.parse(BASE + yaml, "conv.yaml", Path.of("/tmp"), null);
    }

    @Test
    void item4_offWithoutTheSectionAndNoChainRulesInThePolicy() throws Exception {
        GatewayConfig c = parse("");
        assertThat(c.conversation().enabled()).isFalse();
        assertThat(c.policy().rules()).noneMatch(r -> r.id().startsWith("chain."));
    }

    @Test
    void item4_theSectionIsReadAndTheChainRulesAreAddedWhenEnabled() throws Exception {
        GatewayConfig c = parse("""
                conversation:
                  enabled: true
                  window: 8h
                  key: principal+request
                  chain_rules: default
                  approvers: [security]
                  max_tools: 20
                  max_call_ids: 5
                """);
        assertThat(c.conversation()).isEqualTo(new ConversationConfig(true, Duration.ofHours(8), true, true, List.of("security"), 20, 5));
        assertThat(c.policy().rules()).extracting(PolicyRule::id)
                .contains(ChainRules.UNTRUSTED, ChainRules.SECRET, ChainRules.PRIVATE);
        assertThat(c.policy().rules().stream().filter(r -> r.id().equals(ChainRules.UNTRUSTED)).findFirst().orElseThrow().approvers())
                .containsExactly("security");
    }

    @Test
    void session10_theCallCountIsWrittenEveryCallOnlyWhenReadUnlessConfigured() throws Exception {
        assertThat(parse("conversation: {enabled: true}").conversation().countEveryCall()).isFalse();
        assertThat(parse("conversation: {enabled: true, count_calls: when_read}").conversation().countEveryCall()).isFalse();
        assertThat(parse("conversation: {enabled: true, count_calls: every_call}").conversation().countEveryCall()).isTrue();
        assertThatThrownBy(() -> parse("conversation: {enabled: true, count_calls: sometimes}"))
                .hasMessageContaining("count_calls").hasMessageContaining("every_call");
    }

    @Test
    void item4_mistakesAreReportedWithFileAndLine() {
        assertThatThrownBy(() -> parse("""
                conversation:
                  window: 10s
                  key: session
                  chain_rules: strict
                  approvers: []
                  max_tools: 0
                  colour: blue
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("conv.yaml:4: 'window' must be between 1m and 90d")
                .hasMessageContaining("conv.yaml:5: 'key' must be principal or principal+request")
                .hasMessageContaining("conv.yaml:6: 'chain_rules' must be none or default")
                .hasMessageContaining("conv.yaml:7: 'approvers' must name at least one role")
                .hasMessageContaining("conv.yaml:8:")
                .hasMessageContaining("colour");
        assertThatThrownBy(() -> parse("conversation: {chain_rules: default}\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("conv.yaml:3: 'chain_rules: default' needs 'enabled: true'");
    }

    @Test
    void item4_theCatalogDeclaresWhatAToolProduces() throws Exception {
        GatewayConfig c = parse("""
                catalog:
                  tools:
                    up__lookup: {purpose: Look up., risk: read_only, produces: [customer-data]}
                """);
        assertThat(c.catalog().tools().get("up__lookup").produces()).containsExactly("customer-data");
    }

    static Decision decide(Policy p, List<String> toolLabels, Set<String> session) {
        Principal alice = new Principal("alice", Principal.Kind.USER, "alice", List.of(), null, "dev", "jwt", null, null);
        return p.decide(new PolicyRequest(alice, "dev", new ToolFacts("mail__send", "mail", "state_changing", null, toolLabels),
                Json.object(), session, List.of("crm__lookup"), 3));
    }

    @Test
    void item5_theShippedRulesDecideTheToxicFlowsAndLeaveCleanConversationsAlone() throws Exception {
        Policy p = Policy.compile(parse("conversation: {enabled: true, chain_rules: default}\n").policy());
        assertThat(decide(p, List.of("egress"), Set.of()).effect()).isEqualTo(Effect.ALLOW);
        assertThat(decide(p, List.of(), Set.of("untrusted", "secret", "customer-data")).effect()).as("not egress").isEqualTo(Effect.ALLOW);
        Decision a = decide(p, List.of("egress"), Set.of("untrusted"));
        assertThat(a.effect()).isEqualTo(Effect.REQUIRE_APPROVAL);
        assertThat(a.ruleIds()).containsExactly(ChainRules.UNTRUSTED);
        Decision b = decide(p, List.of("egress"), Set.of("secret.aws-access-key-id", "untrusted"));
        assertThat(b.effect()).isEqualTo(Effect.DENY);
        assertThat(b.ruleIds()).containsExactly(ChainRules.SECRET);
        assertThat(decide(p, List.of("egress"), Set.of("pii.email")).ruleIds()).containsExactly(ChainRules.PRIVATE);
        assertThat(decide(p, List.of("egress", "internal"), Set.of("customer-data")).effect()).as("(c) spares internal egress")
                .isEqualTo(Effect.ALLOW);
        assertThat(ChainRules.causes(List.of(ChainRules.PRIVATE)).test("pii.email")).isTrue();
        assertThat(ChainRules.causes(List.of(ChainRules.PRIVATE)).test("untrusted")).isFalse();
    }

    @Test
    void item5_policySeesSessionToolsAndCalls() throws Exception {
        Policy p = Policy.compile(parse("""
                policy:
                  rules:
                    - {id: all, effect: allow}
                    - {id: no-mail-after-crm, effect: deny, when: '"crm__lookup" in session.tools && session.calls >= 3'}
                """).policy());
        assertThat(decide(p, List.of(), Set.of()).ruleIds()).containsExactly("no-mail-after-crm");
    }
}
