package io.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.settings.ConfigException;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * #11 item 16, policy as code: {@code mode: audit_only} rules are evaluated and reported as what
 * they would do, never enforced; {@link Policy#explain} says which rules matched, which did not
 * and why.
 */
class Hardening16PolicyAsCodeTest {
    private static final ToolFacts SEARCH = new ToolFacts("demo__search", "demo", "read_only", "team", List.of());
    private static final ToolFacts CREATE = new ToolFacts("demo__create", "demo", "state_changing", null, List.of());

    private static final String CONFIG = """
            environments: [dev, {name: prod, production: true}]
            policy:
              rules:
                - id: reads
                  effect: allow
                  when: tool.risk == "read_only"
                - id: changes-in-dev
                  effect: allow
                  environments: [dev]
                  when: tool.risk != "read_only"
                - id: watch-short-queries
                  mode: audit_only
                  effect: deny
                  when: tool.name == "demo__search" && has(args.query) && size(args.query) < 3
                  reason: "short query on {tool}"
                - id: would-open-prod
                  mode: audit_only
                  effect: allow
                  when: production && "ops" in principal.roles
                - id: would-need-approval
                  mode: audit_only
                  effect: require_approval
                  when: tool.name == "demo__create" && args.size > 10
                  approvers: [approver]
            """;

    static Policy policy(String yaml) throws Exception {
        GatewayConfig g = ConfigReader.parse(yaml, "gw.yaml", Path.of("."), null);
        return Policy.compile(g.policy());
    }

    static PolicyRequest request(ToolFacts tool, String env, ObjectNode args, String... roles) {
        return new PolicyRequest(new Principal("alice", Principal.Kind.USER, "Alice", List.of(roles), "c", env, "oauth",
                null, null), env, tool, args, Set.of());
    }

    static ObjectNode args(String json) {
        return (ObjectNode) Json.parse(json);
    }

    @Test
    void item16_anAuditOnlyDenyIsRecordedAsWouldDenyButNotEnforced() throws Exception {
        Decision d = policy(CONFIG).decide(request(SEARCH, "dev", args("{\"query\":\"ab\"}")));
        assertThat(d.effect()).isEqualTo(Effect.ALLOW);
        assertThat(d.ruleIds()).containsExactly("reads");
        assertThat(d.dryRun()).isNotNull();
        assertThat(d.dryRun().effect()).isEqualTo(Effect.DENY);
        assertThat(d.dryRun().label()).isEqualTo("would deny");
        assertThat(d.dryRun().ruleIds()).containsExactly("watch-short-queries");
        assertThat(d.dryRun().reason()).isEqualTo("short query on demo__search");

        Decision fine = policy(CONFIG).decide(request(SEARCH, "dev", args("{\"query\":\"abc\"}")));
        assertThat(fine.effect()).isEqualTo(Effect.ALLOW);
        assertThat(fine.dryRun()).isNull();
    }

    @Test
    void item16_anAuditOnlyAllowNeverGrants() throws Exception {
        Decision d = policy(CONFIG).decide(request(CREATE, "prod", args("{\"size\":1}"), "ops"));
        assertThat(d.effect()).isEqualTo(Effect.DENY);
        assertThat(d.ruleIds()).isEmpty();
        assertThat(d.dryRun().effect()).isEqualTo(Effect.ALLOW);
        assertThat(d.dryRun().ruleIds()).containsExactly("would-open-prod");
        // a dry run neither shows nor hides a tool
        assertThat(policy(CONFIG).visible(request(CREATE, "prod", null, "ops"))).isFalse();
    }

    @Test
    void item16_anErroringAuditOnlyRuleNeitherDeniesNorAddsErrors() throws Exception {
        // args.size is a string: the audit_only approval rule errors; enforced, that would be a deny
        Decision d = policy(CONFIG).decide(request(CREATE, "dev", args("{\"size\":\"big\"}")));
        assertThat(d.effect()).isEqualTo(Effect.ALLOW);
        assertThat(d.errors()).isEmpty();
        assertThat(d.dryRun().effect()).isEqualTo(Effect.DENY);
        assertThat(d.dryRun().errors()).singleElement().asString().startsWith("rule 'would-need-approval'");

        Decision approval = policy(CONFIG).decide(request(CREATE, "dev", args("{\"size\":11}")));
        assertThat(approval.effect()).isEqualTo(Effect.ALLOW);
        assertThat(approval.dryRun().effect()).isEqualTo(Effect.REQUIRE_APPROVAL);
    }

    @Test
    void item16_modeIsValidatedWithItsLine() {
        String bad = """
                environments: [dev]
                policy:
                  rules:
                    - id: r
                      effect: deny
                      mode: dry_run
                """;
        assertThatThrownBy(() -> ConfigReader.parse(bad, "gw.yaml", Path.of("."), null))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems().toString())
                        .contains("gw.yaml:6").contains("'mode' must be enforce or audit_only"));
    }

    @Test
    void item16_explainSaysWhichRulesMatchedAndWhyOthersDidNot() throws Exception {
        Explanation x = policy(CONFIG).explain(request(CREATE, "prod", args("{\"size\":3}"), "dev"));
        assertThat(x.decision().effect()).isEqualTo(Effect.DENY);
        assertThat(x.rules()).extracting(Explanation.RuleResult::id)
                .containsExactly("reads", "changes-in-dev", "watch-short-queries", "would-open-prod", "would-need-approval");
        assertThat(x.rules().get(0).outcome()).isEqualTo(Explanation.Outcome.NOT_APPLICABLE);
        assertThat(x.rules().get(0).why()).contains("tool.risk in [read_only]").contains("state_changing");
        assertThat(x.rules().get(1).why()).contains("only in environments [dev]").contains("prod");
        assertThat(x.rules().get(2).why()).contains("tool.name in [demo__search]");
        // a false condition names its first false term
        assertThat(x.rules().get(3).outcome()).isEqualTo(Explanation.Outcome.NOT_MATCHED);
        assertThat(x.rules().get(3).why()).isEqualTo("`\"ops\" in principal.roles` is false");
        assertThat(x.rules().get(4).why()).isEqualTo("`args.size > 10` is false");
        assertThat(x.rules().get(4).mode()).isEqualTo(PolicyRule.Mode.AUDIT_ONLY);
        assertThat(String.join("\n", x.lines())).startsWith("decision: deny: no rule allows this")
                .contains("not applicable").contains("gw.yaml:");

        Explanation matched = policy(CONFIG).explain(request(SEARCH, "dev", args("{\"query\":1}")));
        assertThat(matched.rules().get(0).outcome()).isEqualTo(Explanation.Outcome.MATCHED);
        assertThat(matched.rules().get(2).outcome()).isEqualTo(Explanation.Outcome.ERRORED);
        assertThat(matched.rules().get(2).why()).contains("counts as a deny");
        assertThat(String.join("\n", matched.lines())).contains("dry run: with the audit_only rules [watch-short-queries] enforced the decision would be deny");
    }

    @Test
    void item16_conjunctsSplitOnlyAtTheTopLevel() {
        assertThat(Explainer.conjuncts("a && (b && c) && d == \"x && y\"")).containsExactly("a ", " (b && c) ", " d == \"x && y\"");
        assertThat(Explainer.conjuncts("a && b || c")).containsExactly("a && b || c");
        assertThat(Explainer.conjuncts("a ? b && c : d")).containsExactly("a ? b && c : d");
    }
}
