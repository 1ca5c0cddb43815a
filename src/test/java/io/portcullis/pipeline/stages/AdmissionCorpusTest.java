package io.portcullis.pipeline.stages;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.identity.Principal;
import io.portcullis.call.CallContext;
import io.portcullis.call.GatewayException;
import io.portcullis.pipeline.Pipeline;
import io.portcullis.protocol.Json;
import io.portcullis.readiness.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * #12 item 3: the admission corpus. Every case in {@code src/test/resources/admission/*.yaml} is
 * (config + listings + which environments' G1 gate is closed, principal, environment, tool,
 * arguments or none) with the expected outcome: {@code admitted}, {@code approval} or the control
 * that refuses. Each case is asked three ways, which must agree:
 * <ol>
 *   <li>the one admission function, {@link Admission#decide};</li>
 *   <li>with arguments: the tool chain's admission stages themselves (catalog, tool-switch,
 *       readiness-gate, arguments, policy), run on a fake context;</li>
 *   <li>without arguments: {@link Admission#listed}, what {@code tools/list} shows ({@code listed}
 *       in the case when it differs from "admitted", as in {@code list: mark} mode).</li>
 * </ol>
 */
class AdmissionCorpusTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    record Case(String file, String name, StageWorld world, Report report, JsonNode spec) {
        @Override
        public String toString() {
            return file + ": " + name;
        }
    }

    static Stream<Arguments> cases() throws Exception {
        Path dir = Paths.get(AdmissionCorpusTest.class.getResource("/admission").toURI());
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                JsonNode doc = YAML.readTree(file.toFile());
                Map<String, ArrayNode> listings = new HashMap<>();
                doc.path("listings").properties().forEach(e -> listings.put(e.getKey(), (ArrayNode) e.getValue()));
                StageWorld world = StageWorld.of(doc.get("config").asString(), listings);
                List<String> closed = new ArrayList<>();
                doc.path("gate_closed").forEach(n -> closed.add(n.asString()));
                Report report = world.report(closed);
                for (JsonNode c : doc.get("cases")) {
                    out.add(Arguments.of(new Case(file.getFileName().toString(), c.get("name").asString(), world, report, c)));
                }
            }
        }
        assertThat(out).hasSizeGreaterThan(20);
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void corpus(Case c) throws Exception {
        JsonNode s = c.spec();
        String env = s.get("environment").asString();
        String tool = s.get("tool").asString();
        List<String> roles = new ArrayList<>();
        s.path("principal").path("roles").forEach(r -> roles.add(r.asString()));
        Principal p = StageWorld.user(s.path("principal").path("subject").asString("alice"), roles, env);
        ObjectNode args = s.get("arguments") instanceof ObjectNode a ? (ObjectNode) Json.MAPPER.readTree(a.toString()) : null;
        String expect = s.get("expect").asString();
        StageWorld w = c.world();

        Admission.Verdict v = Admission.decide(w.catalog, w.policy, c.report(), p, env, tool, args);
        assertThat(v.outcome()).as(c + " -> " + v).isEqualTo(expect);

        if (args != null && !expect.equals("approval")) {
            assertThat(chain(c, p, env, tool, args)).as(c + " through the stages").isEqualTo(expect);
        }
        if (args == null) {
            boolean listed = s.has("listed") ? s.get("listed").asBoolean() : expect.equals("admitted");
            var entry = w.catalog.tool(tool);
            boolean shown = entry.isPresent() && Admission.listed(w.catalog, w.policy, c.report(),
                    w.config.readiness().list(), p, env, entry.get());
            assertThat(shown).as(c + " listed").isEqualTo(listed);
        }
    }

    /** The admission stages of the tool chain, in its order, on a fake context. */
    private static String chain(Case c, Principal p, String env, String tool, ObjectNode args) {
        Pipeline admission = new Pipeline(List.of(new CatalogLookup(c.world().catalog), new ToolSwitch(),
                new ReadinessGate(c.report()), new io.portcullis.pipeline.stages.Arguments(), new PolicyCheck(c.world().policy, null)),
                call -> StageWorld.text("upstream reached"));
        CallContext call = StageWorld.call(p, env, tool, args);
        try {
            admission.call(call);
            return "admitted";
        } catch (GatewayException e) {
            return e.control();
        }
    }
}
