package io.portcullis.cli;

import io.portcullis.settings.EnvironmentConfig;
import io.portcullis.settings.ConfigException;
import io.portcullis.config.GatewayConfig;
import io.portcullis.identity.Principal;
import io.portcullis.policy.Explanation;
import io.portcullis.policy.Policy;
import io.portcullis.policy.PolicyCases;
import io.portcullis.policy.PolicyException;
import io.portcullis.policy.PolicyRequest;
import io.portcullis.policy.ToolFacts;
import io.portcullis.protocol.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Policy as code (#11 item 16, C3.1, C7.2): {@code policy test} runs a file of cases against a
 * config's policy and exits 1 on any mismatch, each explained; {@code policy explain} shows how
 * every rule came out for one request. Neither starts an upstream: the tools' facts come from the
 * config's catalog ({@link DeclaredTools}).
 */
@Command(name = "policy", description = "Policy as code: test a config's rules against cases, explain one decision.",
        subcommands = {PolicyCommand.TestCommand.class, PolicyCommand.ExplainCommand.class})
final class PolicyCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** The compiled policy of a config, or null after printing why there is none. */
    static Policy compile(GatewayConfig cfg) {
        try {
            return Policy.compile(cfg.policy());
        } catch (PolicyException e) {
            e.problems().forEach(System.err::println);
            return null;
        }
    }

    @Command(name = "test", description = "Runs every case of CASES against the config's policy; exit 1 on any "
            + "mismatch (each explained), 2 when the config or the cases file has a problem.")
    static final class TestCommand implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "the gateway config whose policy is tested")
        Path config;

        @Parameters(index = "0", paramLabel = "CASES", description = "the cases file (YAML), e.g. examples/policy-cases.yaml")
        Path cases;

        @Option(names = "--verbose", description = "also explain the cases that pass")
        boolean verbose;

        @Override
        public Integer call() throws Exception {
            GatewayConfig cfg = Configs.load(config); // problems (of the config or the cases file): exit 2 (Main)
            Set<String> envs = cfg.environments().stream().map(EnvironmentConfig::name).collect(Collectors.toSet());
            List<PolicyCases.Case> read = PolicyCases.read(cases, envs, new DeclaredTools(cfg));
            Policy policy = compile(cfg);
            if (policy == null) {
                return 2;
            }
            if (read.isEmpty()) {
                System.err.println(cases + ": no cases: a policy test that tests nothing passes nothing");
                return 2;
            }
            int failed = 0;
            Set<String> undecided = new LinkedHashSet<>(policy.ruleIds());
            for (PolicyCases.Case c : read) {
                PolicyCases.Result r = PolicyCases.run(policy, c);
                r.decision().ruleIds().forEach(undecided::remove);
                if (r.decision().dryRun() != null) {
                    r.decision().dryRun().ruleIds().forEach(undecided::remove);
                }
                if (r.passed()) {
                    System.out.println("PASS " + c.name());
                    if (verbose) {
                        policy.explain(c.request()).lines().forEach(l -> System.out.println("       " + l));
                    }
                    continue;
                }
                failed++;
                System.out.println("FAIL " + c.name() + " (" + c.where() + ")");
                r.mismatches().forEach(m -> System.out.println("       " + m));
                policy.explain(c.request()).lines().forEach(l -> System.out.println("       " + l));
            }
            // a rule no case ever decides is untested: say so (not a failure, the cases may be new)
            System.out.println(undecided.isEmpty() ? "every rule decided at least one case"
                    : "rules that decided no case (untested): " + undecided);
            System.out.println(read.size() + " cases, " + (read.size() - failed) + " passed, " + failed + " failed");
            return failed == 0 ? 0 : 1;
        }
    }

    @Command(name = "explain", description = "Shows the decision for one request and how every rule came out: "
            + "matched, not matched (the term that was false), errored, or not applicable (and why).")
    static final class ExplainCommand implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "the gateway config")
        Path config;

        @Option(names = "--principal", defaultValue = "anonymous", description = "the caller's subject (default anonymous)")
        String subject;

        @Option(names = "--kind", description = "user, service or anonymous (default: anonymous for the subject "
                + "'anonymous', otherwise user)")
        String kind;

        @Option(names = "--roles", split = ",", description = "the caller's roles, comma-separated")
        List<String> roles = new ArrayList<>();

        @Option(names = "--client", defaultValue = "policy-explain", description = "the client the call comes through")
        String client;

        @Option(names = "--env", required = true, description = "the environment of the call")
        String env;

        @Option(names = "--tool", required = true, description = "the exposed tool name, e.g. demo__create_ticket")
        String tool;

        @Option(names = "--args", defaultValue = "{}", description = "the call's arguments as a JSON object")
        String args;

        @Option(names = "--risk", description = "the risk class, for a tool whose class the catalog does not declare")
        String risk;

        @Option(names = "--session-label", description = "a data label seen earlier in the session (repeatable)")
        List<String> sessionLabels = new ArrayList<>();

        @Option(names = "--format", defaultValue = "text", description = "text or json")
        String format;

        @Override
        public Integer call() throws Exception {
            GatewayConfig cfg = Configs.load(config); // problems: exit 2 (Main)
            if (cfg.environment(env).isEmpty()) {
                System.err.println("environment '" + env + "' is not declared in the config; declared: "
                        + cfg.environments().stream().map(EnvironmentConfig::name).toList());
                return 2;
            }
            String k = kind != null ? kind : subject.equals("anonymous") ? "anonymous" : "user";
            if (!Set.of("user", "service", "anonymous").contains(k) || !List.of("text", "json").contains(format)) {
                System.err.println("--kind must be user, service or anonymous; --format text or json");
                return 2;
            }
            ObjectNode arguments;
            try {
                JsonNode parsed = Json.MAPPER.readTree(args);
                if (!(parsed instanceof ObjectNode o)) {
                    System.err.println("--args must be a JSON object, e.g. '{\"project\": \"acme-web\"}'");
                    return 2;
                }
                arguments = o;
            } catch (JacksonException e) {
                System.err.println("--args is not valid JSON: " + e.getOriginalMessage());
                return 2;
            }
            DeclaredTools tools = new DeclaredTools(cfg);
            ToolFacts facts;
            try {
                facts = tools.facts(tool, risk);
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return 2;
            }
            Policy policy = compile(cfg);
            if (policy == null) {
                return 2;
            }
            Principal.Kind pk = Principal.Kind.valueOf(k.toUpperCase(Locale.ROOT));
            Principal principal = new Principal(subject, pk, null, roles, client, env,
                    pk == Principal.Kind.ANONYMOUS ? "none" : pk == Principal.Kind.SERVICE ? "api_key" : "oauth", null, null);
            PolicyRequest request = new PolicyRequest(principal, env, facts, arguments, new LinkedHashSet<>(sessionLabels));
            Explanation x = policy.explain(request);
            List<String> notes = tools.notes(tool, env);
            if (format.equals("json")) {
                System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json(x, facts, notes,
                        policy.visible(request.withoutArguments()))));
                return 0;
            }
            System.out.println("tool " + facts.name() + " (upstream " + facts.upstream() + ", risk " + facts.riskClass()
                    + "), env " + env + ", principal " + subject + " (" + k + ", roles " + roles + ")");
            x.lines().forEach(System.out::println);
            System.out.println("tools/list: " + (policy.visible(request.withoutArguments()) ? "shown" : "hidden"));
            notes.forEach(n -> System.out.println("note: " + n));
            return 0;
        }

        private static ObjectNode json(Explanation x, ToolFacts facts, List<String> notes, boolean visible) {
            ObjectNode o = Json.object();
            o.put("effect", x.decision().effect().yamlName()).put("reason", x.decision().reason()).put("visible", visible);
            x.decision().ruleIds().forEach(o.putArray("rule_ids")::add);
            o.putObject("tool").put("name", facts.name()).put("upstream", facts.upstream()).put("risk", facts.riskClass());
            if (x.decision().dryRun() != null) {
                ObjectNode d = o.putObject("dry_run").put("would", x.decision().dryRun().effect().yamlName())
                        .put("reason", x.decision().dryRun().reason());
                x.decision().dryRun().ruleIds().forEach(d.putArray("rule_ids")::add);
            }
            var rules = o.putArray("rules");
            for (Explanation.RuleResult r : x.rules()) {
                rules.addObject().put("id", r.id()).put("effect", r.effect().yamlName()).put("mode", r.mode().yamlName())
                        .put("outcome", r.outcome().name().toLowerCase(Locale.ROOT)).put("why", r.why()).put("origin", r.origin());
            }
            notes.forEach(o.putArray("notes")::add);
            return o;
        }
    }
}
