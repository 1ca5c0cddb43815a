package io.portcullis.bench;

import io.portcullis.catalog.Catalog;
import io.portcullis.catalog.Catalogs;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.identity.Principal;
import io.portcullis.pipeline.stages.PolicyCheck;
import io.portcullis.policy.Decision;
import io.portcullis.policy.Policy;
import io.portcullis.policy.PolicyConfig;
import io.portcullis.policy.PolicyRequest;
import io.portcullis.protocol.Json;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue #4's figure: catalog lookup + argument validation (the upstream's inputSchema, compiled
 * once, and the catalog's overlay) + the policy decision, per call, for a catalog of 1,000 tools
 * (each listed, with constraints) and the 200 rules of {@link PolicyBenchmark}.
 *
 * <p>Run: {@code mvn -B -Pjmh clean test-compile exec:exec -Djmh.args="CallDecisionBenchmark"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CallDecisionBenchmark {
    Catalog catalog;
    Policy policy;
    String[] names;
    PolicyRequest[] requests;
    private int next;

    @Setup
    public void setup() throws Exception {
        Random random = new Random(42);
        StringBuilder yaml = new StringBuilder("environments: [dev, staging, {name: prod, production: true}]\nupstreams:\n");
        for (int u = 0; u < PolicyBenchmark.UPSTREAMS; u++) {
            yaml.append("  up").append(u).append(": {command: [x]}\n");
        }
        yaml.append("catalog:\n  tools:\n");
        Map<String, ArrayNode> listings = new HashMap<>();
        for (int i = 0; i < PolicyBenchmark.TOOLS; i++) {
            int u = i % PolicyBenchmark.UPSTREAMS;
            String tool = "tool_" + i;
            yaml.append("    up").append(u).append("__").append(tool).append(":\n")
                    .append("      owner: team-").append(u).append("\n      purpose: benchmark tool\n")
                    .append("      risk: ").append(PolicyBenchmark.RISKS[random.nextInt(PolicyBenchmark.RISKS.length)]).append('\n')
                    .append("      constraints:\n        project: {allow: [\"acme-*\", \"sandbox-*\"]}\n")
                    .append("        query: {max_length: 2000}\n        path: {pattern: \"/workspace/.*\"}\n");
            ObjectNode def = listings.computeIfAbsent("up" + u, k -> Json.array()).addObject().put("name", tool);
            ObjectNode schema = def.putObject("inputSchema").put("type", "object");
            ObjectNode props = schema.putObject("properties");
            props.putObject("project").put("type", "string");
            props.putObject("query").put("type", "string");
            props.putObject("limit").put("type", "integer").put("minimum", 0).put("maximum", 1000);
            props.putObject("repo").put("type", "string");
            props.putObject("path").put("type", "string");
            schema.putArray("required").add("project");
        }
        GatewayConfig cfg = ConfigReader.parse(yaml.toString(), "bench.yaml", Path.of("/tmp"), null);
        catalog = Catalogs.of(cfg, listings);
        if (catalog.tools().size() != PolicyBenchmark.TOOLS) {
            throw new IllegalStateException(catalog.tools().size() + " tools in the catalog");
        }
        policy = Policy.compile(new PolicyConfig(PolicyBenchmark.rules(random), Set.of("prod")));
        names = new String[1024];
        requests = new PolicyRequest[1024];
        List<ToolEntry> tools = catalog.tools();
        for (int i = 0; i < names.length; i++) {
            ToolEntry t = tools.get(random.nextInt(tools.size()));
            names[i] = t.name();
            requests[i] = PolicyBenchmark.request(random, PolicyCheck.facts(t));
        }
    }

    /** What the catalog, tool-switch, arguments and policy stages compute for one call. */
    @Benchmark
    public Decision lookupValidateDecide() {
        int i = next++ & 1023;
        PolicyRequest r = requests[i];
        ToolEntry t = catalog.tool(names[i]).orElseThrow();
        if (!t.enabledIn(r.environment())) {
            return null;
        }
        Optional<String> violation = t.arguments().check(r.arguments());
        if (violation.isPresent()) {
            return null;
        }
        return policy.decide(new PolicyRequest(r.principal(), r.environment(), PolicyCheck.facts(t), r.arguments(), r.sessionLabels()));
    }
}
