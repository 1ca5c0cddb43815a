package io.portcullis.pipeline.stages;

import io.portcullis.catalog.Catalog;
import io.portcullis.catalog.Catalogs;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.identity.Principal;
import io.portcullis.call.CallContext;
import io.portcullis.call.CallTrail;
import io.portcullis.call.Relay;
import io.portcullis.policy.Policy;
import io.portcullis.protocol.Json;
import io.portcullis.readiness.Report;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * A config, a catalog built from listings given by hand (no upstream processes), its compiled
 * policy and a readiness report made to order: the pieces of a snapshot, for the stage unit tests
 * (#12 item 7) and the admission corpus (#12 item 3).
 */
final class StageWorld {
    final GatewayConfig config;
    final Catalog catalog;
    final Policy policy;

    private StageWorld(GatewayConfig config, Catalog catalog, Policy policy) {
        this.config = config;
        this.catalog = catalog;
        this.policy = policy;
    }

    /** @param listings upstream name → the tools it lists ({@code tools/list} definitions) */
    static StageWorld of(String yaml, Map<String, ArrayNode> listings) throws Exception {
        GatewayConfig cfg = ConfigReader.parse(yaml, "stages.yaml", Path.of("/tmp"), null);
        return new StageWorld(cfg, Catalogs.of(cfg, listings), Policy.compile(cfg.policy()));
    }

    /** The listing of one upstream from YAML: a list of tool definitions. */
    static ArrayNode tools(String yaml) {
        JsonNode n = new YAMLMapper().readTree(yaml);
        ArrayNode a = Json.array();
        n.forEach(a::add);
        return a;
    }

    /** A report whose gate is closed (failing line C1.1) in the named environments and open elsewhere. */
    Report report(List<String> closed) {
        List<Report.EnvironmentReport> envs = new ArrayList<>();
        config.environments().forEach(e -> envs.add(new Report.EnvironmentReport(e.name(), e.production(), List.of(),
                new Report.Gate(closed.contains(e.name()), closed.contains(e.name()) ? List.of("C1.1") : List.of(), true, null))));
        return new Report(Instant.now(), envs);
    }

    static Principal user(String subject, List<String> roles, String environment) {
        return new Principal(subject, Principal.Kind.USER, subject, roles, "test-client", environment, "jwt", "jti-1",
                Instant.parse("2030-01-01T00:00:00Z"), "https://idp.example", subject + "@example.com", List.of("mcp:tools"));
    }

    /** A fake call context: no transport, no client to talk back to, a fresh trail. */
    static CallContext call(Principal p, String environment, String tool, ObjectNode arguments) {
        ObjectNode params = Json.object().put("name", tool);
        if (arguments != null) {
            params.set("arguments", arguments);
        }
        return new CallContext(CallContext.newCallId(), p, environment, "s-1", "2025-11-25", tool, params, null,
                Relay.NONE, Instant.now(), new CallTrail());
    }

    static ObjectNode args(String json) {
        return (ObjectNode) Json.MAPPER.readTree(json);
    }

    static ObjectNode text(String text) {
        ObjectNode r = Json.object();
        r.putArray("content").addObject().put("type", "text").put("text", text);
        return r;
    }
}
