package io.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.settings.ConfigException;
import io.portcullis.settings.ConfigProblem;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The {@code policy:} section: what it accepts, and every problem at its file and line (C3.1). */
class PolicyConfigReaderTest {
    private static final String ENVS = """
            environments:
              - dev
              - name: prod
                production: true
            """;

    private static GatewayConfig read(String yaml) throws ConfigException {
        return ConfigReader.parse(yaml, "gw.yaml", Path.of("."), null);
    }

    private static List<String> problems(String yaml) {
        try {
            read(yaml);
        } catch (ConfigException e) {
            return e.problems().stream().map(ConfigProblem::toString).toList();
        }
        throw new AssertionError("expected config problems");
    }

    @Test
    void readsEveryKeyOfARule() throws Exception {
        GatewayConfig c = read(ENVS + """
                policy:
                  rules:
                    - id: prod-deletes
                      description: deletes in prod need two approvers
                      effect: require_approval
                      when: tool.risk == "irreversible"
                      environments: [prod]
                      approvers: [approver, sre]
                      quorum: 2
                      ttl: 30m
                      reason: "{tool} in {env}"
                """);
        PolicyRule r = c.policy().rules().getFirst();
        assertThat(r.id()).isEqualTo("prod-deletes");
        assertThat(r.description()).isEqualTo("deletes in prod need two approvers");
        assertThat(r.effect()).isEqualTo(Effect.REQUIRE_APPROVAL);
        assertThat(r.when()).isEqualTo("tool.risk == \"irreversible\"");
        assertThat(r.environments()).containsExactly("prod");
        assertThat(r.approvers()).containsExactly("approver", "sre");
        assertThat(r.quorum()).isEqualTo(2);
        assertThat(r.ttl()).isEqualTo(Duration.ofMinutes(30));
        assertThat(r.reason()).isEqualTo("{tool} in {env}");
        assertThat(r.origin()).isEqualTo("gw.yaml:7");
        assertThat(c.policy().productionEnvironments()).containsExactly("prod");
    }

    @Test
    void noPolicySectionMeansTheShippedDefaults() throws Exception {
        GatewayConfig c = read(ENVS);
        assertThat(c.policy().rules()).isEqualTo(PolicyConfig.DEFAULT_RULES);
        assertThat(c.policy().productionEnvironments()).isEqualTo(Set.of("prod"));
    }

    @Test
    void theDefaultRulesResourceIsTheDefaultRules() throws Exception {
        String yaml;
        try (InputStream in = PolicyConfig.class.getResourceAsStream(PolicyConfig.DEFAULT_RULES_RESOURCE)) {
            assertThat(in).as(PolicyConfig.DEFAULT_RULES_RESOURCE).isNotNull();
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        List<PolicyRule> fromYaml = read(ENVS + yaml).policy().rules().stream()
                .map(r -> new PolicyRule(r.id(), r.description(), r.effect(), r.when(), r.environments(), r.approvers(),
                        r.quorum(), r.ttl(), r.reason(), null))
                .toList();
        assertThat(fromYaml).isEqualTo(PolicyConfig.DEFAULT_RULES);
    }

    @Test
    void aConditionThatDoesNotCompileIsReportedAtItsLineNamingTheRule() {
        List<String> p = problems(ENVS + """
                policy:
                  rules:
                    - id: fine
                      effect: allow
                    - id: typo-in-field
                      effect: allow
                      when: '"admin" in principal.rolez'
                    - id: syntax
                      effect: deny
                      when: env == "prod" &&
                    - id: not-a-bool
                      effect: deny
                      when: principal.subject
                    - id: unknown-variable
                      effect: allow
                      when: user.name == "x"
                """);
        assertThat(p).hasSize(4);
        assertThat(p.get(0)).startsWith("gw.yaml:11: rule 'typo-in-field': 'when' does not compile:")
                .contains("undefined field 'rolez'");
        assertThat(p.get(1)).startsWith("gw.yaml:14: rule 'syntax': 'when' does not compile:");
        assertThat(p.get(2)).startsWith("gw.yaml:17: rule 'not-a-bool': 'when' does not compile:")
                .contains("expected type 'bool' but found 'string'");
        assertThat(p.get(3)).startsWith("gw.yaml:20: rule 'unknown-variable': 'when' does not compile:")
                .contains("undeclared reference to 'user'");
    }

    @Test
    void reportsStructuralProblemsWithLines() {
        List<String> p = problems(ENVS + """
                policy:
                  rules:
                    - id: a
                      effect: permit
                    - effect: allow
                    - id: b
                      effect: allow
                      approvers: [x]
                      colour: blue
                    - id: c
                      effect: require_approval
                    - id: d
                      effect: allow
                      environments: [qa]
                    - id: b
                      effect: deny
                    - id: e
                      effect: deny
                      reason: "{nope} is not a placeholder"
                    - id: f
                      effect: require_approval
                      approvers: [approver]
                      quorum: 0
                      ttl: soon
                """);
        assertThat(p).containsExactlyInAnyOrder(
                "gw.yaml:8: rule 'a' needs an 'effect': allow, deny or require_approval",
                "gw.yaml:9: a policy rule needs an 'id' of letters, digits and _ . : - (1-128)",
                "gw.yaml:13: unknown key 'colour'; expected one of [approvers, description, effect, environments, id, mode, quorum, reason, ttl, when]",
                "gw.yaml:12: rule 'b': 'approvers' applies to require_approval rules only",
                "gw.yaml:14: rule 'c' requires approval but names no 'approvers' (the roles that may approve)",
                "gw.yaml:18: rule 'd' names environment 'qa', which is not declared",
                "gw.yaml:19: rule id 'b' is already used by rule at line 10",
                "gw.yaml:23: rule 'e': 'reason' uses {nope}; known placeholders are [env, risk, rule, subject, tool, upstream]",
                "gw.yaml:27: 'quorum' must be a whole number from 1 to 100",
                "gw.yaml:28: 'ttl' must be a duration such as 500ms, 30s, 5m, 1h or 7d; got 'soon'");
    }

    @Test
    void policyNeedsARulesList() {
        assertThat(problems(ENVS + "policy:\n  rule: []\n")).containsExactlyInAnyOrder(
                "gw.yaml:6: unknown key 'rule'; expected one of [rules]",
                // a mapping's line is its key's
                "gw.yaml:5: 'policy' needs 'rules', a list of rules (leave 'policy' out for the shipped defaults; "
                        + "an empty list denies every call)");
        assertThat(problems(ENVS + "policy: [a]\n")).containsExactly("gw.yaml:5: 'policy' must be a mapping");
    }

    @Test
    void whatTheReaderAcceptsCompiles() throws Exception {
        GatewayConfig c = read(ENVS + """
                policy:
                  rules:
                    - id: x
                      effect: allow
                      when: '"prod-*".glob(env) || sets.intersects(principal.roles, ["a"]) || args.n > 2.5'
                """);
        assertThat(Policy.compile(c.policy()).ruleIds()).containsExactly("x");
    }

    @Test
    void compileNamesEveryBadRuleById() {
        PolicyConfig config = new PolicyConfig(List.of(
                PolicyRule.of("ok", Effect.ALLOW, "true"),
                PolicyRule.of("bad-cel", Effect.ALLOW, "tool.nmae == 'x'"),
                PolicyRule.approval("no-approvers", "true", List.of(), null),
                PolicyRule.of("ok", Effect.DENY, "false")), Set.of());
        assertThatThrownBy(() -> Policy.compile(config))
                .isInstanceOf(PolicyException.class)
                .satisfies(e -> assertThat(((PolicyException) e).problems()).containsExactly(
                        "rule 'bad-cel': condition does not compile: 1:5: undefined field 'nmae'",
                        "rule 'no-approvers': require_approval needs 'approvers' (the roles that may approve)",
                        "rule 'ok': the id is used by another rule"));
    }
}
