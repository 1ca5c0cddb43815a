package io.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** The engine's contract beyond the corpus: never throws, fails closed, thread-safe, prefilter exact. */
class PolicyTest {
    private static final ToolFacts READ = new ToolFacts("demo__search", "demo", "read_only", "team", List.of());
    private static final ToolFacts WRITE = new ToolFacts("demo__create", "demo", "state_changing", null, List.of());

    private static Principal user(String... roles) {
        return new Principal("alice", Principal.Kind.USER, "Alice", List.of(roles), "client", "dev", "oauth", null, null);
    }

    private static PolicyRequest request(ToolFacts tool, String env, ObjectNode args, String... roles) {
        return new PolicyRequest(user(roles), env, tool, args, Set.of());
    }

    private static Policy policy(PolicyRule... rules) throws PolicyException {
        return Policy.compile(new PolicyConfig(List.of(rules), Set.of("prod")));
    }

    @Test
    void aNullRequestIsDeniedNotThrown() throws Exception {
        Policy p = policy(PolicyRule.of("all", Effect.ALLOW, null));
        assertThat(p.decide(null).effect()).isEqualTo(Effect.DENY);
        assertThat(p.visible(null)).isFalse();
    }

    @Test
    void missingArgumentsAreAnEmptyObjectForDecisions() throws Exception {
        Policy p = policy(PolicyRule.of("no-args", Effect.ALLOW, "size(args) == 0"),
                PolicyRule.of("needs-x", Effect.ALLOW, "args.x == 1"));
        Decision d = p.decide(request(READ, "dev", null));
        assertThat(d.effect()).isEqualTo(Effect.ALLOW);
        assertThat(d.ruleIds()).containsExactly("no-args");
        assertThat(d.errors()).singleElement().asString().startsWith("rule 'needs-x': ");
    }

    @Test
    void comprehensionsOverHugeArgumentsErrorAndNeverGrant() throws Exception {
        Policy p = policy(PolicyRule.of("all-small", Effect.ALLOW, "args.items.all(i, i < 100)"),
                PolicyRule.of("deny-any-big", Effect.DENY, "args.items.exists(i, i > 1000)"));
        ObjectNode args = Json.object();
        var items = args.putArray("items");
        for (int i = 0; i < Conditions.MAX_ITERATIONS + 1; i++) {
            items.add(1);
        }
        Decision d = p.decide(request(READ, "dev", args));
        assertThat(d.effect()).isEqualTo(Effect.DENY);
        assertThat(d.ruleIds()).containsExactly("deny-any-big");
        assertThat(d.errors()).hasSize(2);
        ObjectNode small = Json.object();
        small.putArray("items").add(1).add(2);
        assertThat(p.decide(request(READ, "dev", small)).ruleIds()).containsExactly("all-small");
    }

    @Test
    void jsonNumbersCompareAcrossIntAndDouble() throws Exception {
        Policy p = policy(PolicyRule.of("small", Effect.ALLOW, "args.n <= 2.5 && args.m == 3"));
        ObjectNode args = Json.object().put("n", 2).put("m", 3.0);
        assertThat(p.decide(request(READ, "dev", args)).effect()).isEqualTo(Effect.ALLOW);
        assertThat(p.decide(request(READ, "dev", Json.object().put("n", 2.6).put("m", 3))).effect()).isEqualTo(Effect.DENY);
    }

    @Test
    void jsonNullAndNestedValuesReachCel() throws Exception {
        Policy p = policy(PolicyRule.of("shape", Effect.ALLOW,
                "args.owner == null && args.meta.tags[1] == \"b\" && args.meta.on && args.big > 9000000000"));
        ObjectNode args = Json.object();
        args.putNull("owner");
        ObjectNode meta = args.putObject("meta");
        meta.put("on", true);
        meta.putArray("tags").add("a").add("b");
        args.put("big", 9_000_000_001L);
        assertThat(p.decide(request(READ, "dev", args)).effect()).isEqualTo(Effect.ALLOW);
    }

    @Test
    void visibleIgnoresArgumentsGivenToIt() throws Exception {
        Policy p = policy(PolicyRule.of("deny-x", Effect.DENY, "args.x == 1"), PolicyRule.of("all", Effect.ALLOW, null));
        assertThat(p.visible(request(READ, "dev", Json.object().put("x", 1)))).isTrue();
        assertThat(p.decide(request(READ, "dev", Json.object().put("x", 1))).effect()).isEqualTo(Effect.DENY);
    }

    @Test
    void reasonTemplatesAreFilledIn() throws Exception {
        Policy p = policy(new PolicyRule("r", "", Effect.DENY, null, List.of(), List.of(), 1, null,
                "{rule}: {subject} may not run {tool} ({risk}) of {upstream} in {env}", null));
        assertThat(p.decide(request(WRITE, "prod", Json.object())).reason())
                .isEqualTo("r: alice may not run demo__create (state_changing) of demo in prod");
    }

    @Test
    void thePrefilterNeverChangesAnAnswer() throws Exception {
        List<PolicyRule> rules = List.of(
                PolicyRule.of("read", Effect.ALLOW, "tool.risk == \"read_only\""),
                PolicyRule.of("dev-writes", Effect.ALLOW, "tool.risk == \"state_changing\" && env == \"dev\""),
                PolicyRule.of("prod-by-ops", Effect.ALLOW, "production && \"ops\" in principal.roles && tool.name in [\"demo__create\"]"),
                PolicyRule.of("no-demo-in-staging", Effect.DENY, "tool.upstream == \"demo\" && env == \"staging\" && args.missing > 1"),
                PolicyRule.approval("prod-writes", "!production == false && tool.risk != \"read_only\"", List.of("approver"), null),
                new PolicyRule("dev-only", "", Effect.ALLOW, "tool.owner == \"team\"", List.of("dev"), List.of(), 1, null, null, null));
        Policy targeted = Policy.compile(new PolicyConfig(rules, Set.of("prod")));
        // true ? (c) : false means c to CEL but hides every term from the prefilter, so this policy evaluates every
        // rule; an environments list moves into the condition
        Policy exhaustive = Policy.compile(new PolicyConfig(rules.stream().map(r -> new PolicyRule(r.id(), "", r.effect(),
                "true ? (" + (r.environments().isEmpty() ? "" : "env in " + Json.MAPPER.valueToTree(r.environments()) + " && ")
                        + r.condition() + ") : false", List.of(), r.approvers(), r.quorum(), r.ttl(), null, null)).toList(),
                Set.of("prod")));
        int compared = 0;
        for (ToolFacts tool : List.of(READ, WRITE, new ToolFacts("x__y", "x", "irreversible", "team", List.of()))) {
            for (String env : List.of("dev", "staging", "prod")) {
                for (String[] roles : List.of(new String[] {}, new String[] {"ops"})) {
                    PolicyRequest r = request(tool, env, Json.object(), roles);
                    Decision a = targeted.decide(r);
                    Decision b = exhaustive.decide(r);
                    assertThat(a.effect()).as(r.toString()).isEqualTo(b.effect());
                    assertThat(a.ruleIds()).as(r.toString()).isEqualTo(b.ruleIds());
                    assertThat(a.errors().size()).as(r.toString()).isEqualTo(b.errors().size());
                    assertThat(targeted.visible(r)).as(r.toString()).isEqualTo(exhaustive.visible(r));
                    compared++;
                }
            }
        }
        assertThat(compared).isEqualTo(18);
    }

    @Test
    void decisionsAreTheSameFromManyThreads() throws Exception {
        Policy p = policy(PolicyRule.of("read", Effect.ALLOW, "tool.risk == \"read_only\" && args.n < 5"),
                PolicyRule.of("deny-big", Effect.DENY, "args.n > 100"));
        List<Future<Effect>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 400; i++) {
                int n = i % 200;
                results.add(pool.submit(() -> p.decide(request(READ, "dev", Json.object().put("n", n))).effect()));
            }
        }
        for (int i = 0; i < results.size(); i++) {
            int n = i % 200;
            Effect expected = n < 5 ? Effect.ALLOW : Effect.DENY;
            assertThat(results.get(i).get()).as("n=" + n).isEqualTo(expected);
        }
    }
}
