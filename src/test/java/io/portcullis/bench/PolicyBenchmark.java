package io.portcullis.bench;

import io.portcullis.identity.Principal;
import io.portcullis.policy.Decision;
import io.portcullis.policy.Effect;
import io.portcullis.policy.Policy;
import io.portcullis.policy.PolicyConfig;
import io.portcullis.policy.PolicyException;
import io.portcullis.policy.PolicyRequest;
import io.portcullis.policy.PolicyRule;
import io.portcullis.policy.ToolFacts;
import io.portcullis.protocol.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link Policy#decide} and {@link Policy#visible} for a catalog-sized setup: 1,000 tools on 20
 * upstreams and 200 rules (generic risk/environment/role rules, per-upstream team rules, per-tool
 * argument allowlists, deny rules on arguments, chain rules on session labels). Each invocation
 * decides the next of 1,024 pre-built requests (random tool, environment, principal, arguments),
 * so the figure is an average over the mix, argument conversion included. {@code decideAllRules}
 * is the same policy with every condition hidden from the prefilter, for comparison.
 *
 * <p>Run: {@code mvn -B -Pjmh clean test-compile exec:exec -Djmh.args="PolicyBenchmark"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PolicyBenchmark {
    static final int TOOLS = 1_000;
    static final int UPSTREAMS = 20;
    static final int RULES = 200;
    static final List<String> ENVS = List.of("dev", "staging", "prod");
    static final String[] RISKS = {"read_only", "read_only", "read_only", "state_changing", "state_changing", "irreversible"};

    Policy policy;
    Policy unfiltered;
    PolicyRequest[] requests;
    private int next;

    @Setup
    public void setup() throws PolicyException {
        Random random = new Random(42);
        List<ToolFacts> tools = tools(random);
        List<PolicyRule> rules = rules(random);
        if (rules.size() != RULES || tools.size() != TOOLS) {
            throw new IllegalStateException(rules.size() + " rules, " + tools.size() + " tools");
        }
        policy = Policy.compile(new PolicyConfig(rules, Set.of("prod")));
        unfiltered = Policy.compile(new PolicyConfig(rules.stream().map(r -> new PolicyRule(r.id(), "", r.effect(),
                "true ? (" + (r.environments().isEmpty() ? "" : "env in " + Json.MAPPER.valueToTree(r.environments()) + " && ")
                        + r.condition() + ") : false", List.of(), r.approvers(), r.quorum(), r.ttl(), null, null)).toList(),
                Set.of("prod")));
        requests = new PolicyRequest[1024];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = request(random, tools.get(random.nextInt(tools.size())));
        }
    }

    @Benchmark
    public Decision decide() {
        return policy.decide(requests[next++ & 1023]);
    }

    @Benchmark
    public boolean visible() {
        return policy.visible(requests[next++ & 1023]);
    }

    @Benchmark
    public Decision decideAllRules() {
        return unfiltered.decide(requests[next++ & 1023]);
    }

    static List<ToolFacts> tools(Random random) {
        List<ToolFacts> out = new ArrayList<>();
        for (int i = 0; i < TOOLS; i++) {
            int u = i % UPSTREAMS;
            List<String> labels = random.nextInt(10) == 0 ? List.of("egress") : List.of();
            out.add(new ToolFacts("up" + u + "__tool_" + i, "up" + u, RISKS[random.nextInt(RISKS.length)], "team-" + u, labels));
        }
        return out;
    }

    static List<PolicyRule> rules(Random random) {
        List<PolicyRule> out = new ArrayList<>();
        // 20 generic rules every request meets
        out.add(PolicyRule.of("read-only-anywhere", Effect.ALLOW, "tool.risk == \"read_only\""));
        out.add(PolicyRule.of("changes-outside-production", Effect.ALLOW, "tool.risk != \"read_only\" && !production"));
        out.add(PolicyRule.approval("irreversible-in-production", "tool.risk == \"irreversible\" && production",
                List.of("approver"), "{tool} is irreversible"));
        out.add(PolicyRule.of("contractors-never-irreversible", Effect.DENY,
                "tool.risk == \"irreversible\" && principal.roles.exists(r, r.startsWith(\"contractor\"))"));
        out.add(PolicyRule.of("services-read-only", Effect.DENY, "principal.kind == \"service\" && tool.risk != \"read_only\" && env == \"prod\""));
        out.add(PolicyRule.of("anonymous-nothing", Effect.DENY, "principal.kind == \"anonymous\""));
        out.add(PolicyRule.approval("egress-after-sensitive", "\"sensitive\" in session.labels && \"egress\" in tool.labels",
                List.of("security"), null));
        out.add(PolicyRule.of("no-egress-after-secrets", Effect.DENY, "\"secret\" in session.labels && \"egress\" in tool.labels"));
        out.add(PolicyRule.of("no-path-escapes", Effect.DENY, "has(args.path) && args.path.contains(\"..\")"));
        out.add(PolicyRule.of("no-force", Effect.DENY, "has(args.force) && args.force == true && production"));
        out.add(PolicyRule.of("known-clients-write", Effect.DENY,
                "tool.risk != \"read_only\" && !(principal.client in [\"claude-desktop\", \"cursor\", \"ci\"])"));
        out.add(PolicyRule.of("admins-anything-outside-prod", Effect.ALLOW, "\"admin\" in principal.roles && !production"));
        out.add(PolicyRule.of("big-batches", Effect.DENY, "has(args.limit) && args.limit > 1000"));
        out.add(PolicyRule.of("sre-in-prod", Effect.ALLOW, "production && sets.intersects(principal.roles, [\"sre\", \"oncall\"])"));
        out.add(PolicyRule.of("staging-irreversible", Effect.DENY, "env == \"staging\" && tool.risk == \"irreversible\" && !(\"admin\" in principal.roles)"));
        out.add(PolicyRule.of("mfa-for-prod-writes", Effect.DENY, "production && tool.risk != \"read_only\" && principal.auth_method == \"api_key\" && principal.kind == \"user\""));
        out.add(PolicyRule.of("dump-tools", Effect.DENY, "\"*dump*\".glob(tool.name)"));
        out.add(PolicyRule.of("export-tools", Effect.DENY, "\"*export*\".glob(tool.name)"));
        out.add(PolicyRule.of("owned-tools-only", Effect.DENY, "tool.owner == \"\""));
        out.add(PolicyRule.of("long-queries", Effect.DENY, "has(args.query) && size(args.query) > 2000"));
        // 100 per-upstream team rules: 5 per upstream
        for (int u = 0; u < UPSTREAMS; u++) {
            String up = "\"up" + u + "\"";
            out.add(PolicyRule.of("team-" + u + "-uses-own", Effect.ALLOW, "tool.upstream == " + up + " && \"team-" + u + "\" in principal.roles"));
            out.add(PolicyRule.of("team-" + u + "-writes-in-prod", Effect.ALLOW,
                    "tool.upstream == " + up + " && production && \"team-" + u + "-lead\" in principal.roles"));
            out.add(PolicyRule.of("up" + u + "-project-allowlist", Effect.DENY,
                    "tool.upstream == " + up + " && has(args.project) && !(args.project in [\"acme-" + u + "\", \"acme-shared\"] || \"sandbox-*\".glob(args.project))"));
            out.add(PolicyRule.approval("up" + u + "-prod-irreversible", "tool.upstream == " + up + " && env == \"prod\" && tool.risk == \"irreversible\"",
                    List.of("approver", "team-" + u + "-lead"), null));
            out.add(new PolicyRule("up" + u + "-dev-open", "", Effect.ALLOW, "tool.upstream == " + up + " && tool.risk != \"irreversible\"",
                    List.of("dev"), List.of(), 1, Duration.ofHours(1), null, null));
        }
        // 80 per-tool rules on arguments
        for (int i = 0; i < 80; i++) {
            int tool = random.nextInt(TOOLS);
            String name = "\"up" + (tool % UPSTREAMS) + "__tool_" + tool + "\"";
            out.add(switch (i % 4) {
                case 0 -> PolicyRule.of("tool-" + i + "-repos", Effect.ALLOW, "tool.name == " + name + " && has(args.repo) && args.repo in [\"acme/web\", \"acme/api\", \"acme/docs\"]");
                case 1 -> PolicyRule.of("tool-" + i + "-range", Effect.DENY, "tool.name == " + name + " && has(args.replicas) && (args.replicas < 1 || args.replicas > 20)");
                case 2 -> PolicyRule.approval("tool-" + i + "-amount", "tool.name == " + name + " && has(args.amount) && args.amount > 10000",
                        List.of("finance"), null);
                default -> PolicyRule.of("tool-" + i + "-pattern", Effect.ALLOW,
                        "tool.name == " + name + " && has(args.account) && args.account.matches(\"^acct-[0-9]{6}$\")");
            });
        }
        return out;
    }

    static PolicyRequest request(Random random, ToolFacts tool) {
        String env = ENVS.get(random.nextInt(ENVS.size()));
        int team = random.nextInt(UPSTREAMS);
        List<String> roles = switch (random.nextInt(5)) {
            case 0 -> List.of("team-" + team);
            case 1 -> List.of("team-" + team, "team-" + team + "-lead");
            case 2 -> List.of("sre", "team-" + team);
            case 3 -> List.of("admin");
            default -> List.of("contractor-acme", "team-" + team);
        };
        Principal.Kind kind = random.nextInt(6) == 0 ? Principal.Kind.SERVICE : Principal.Kind.USER;
        Principal p = new Principal("user-" + random.nextInt(100), kind, null, roles, "claude-desktop", env,
                kind == Principal.Kind.SERVICE ? "api_key" : "oauth", null, null);
        ObjectNode args = Json.object();
        args.put("project", random.nextBoolean() ? "acme-" + team : "sandbox-" + random.nextInt(50));
        args.put("query", "status:open assignee:me");
        args.put("limit", random.nextInt(200));
        if (random.nextBoolean()) {
            args.put("repo", "acme/web");
            args.put("path", "/workspace/src/App.java");
        }
        Set<String> session = random.nextInt(8) == 0 ? Set.of("sensitive") : Set.of();
        return new PolicyRequest(p, env, tool, args, session);
    }
}
