package io.portcullis.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The policy corpus (C3.1, C3.4): every case in {@code src/test/resources/policy-corpus/*.yaml}
 * is a (policy, request, expected decision) triple, run by this one test. A corpus file holds
 * {@code environments} (as in the gateway config; default dev, staging and production prod), a
 * {@code policy} section (absent = the shipped defaults), {@code tools} (name → upstream, risk,
 * owner, labels) and {@code cases}. A case gives {@code principal}, {@code environment},
 * {@code tool}, {@code arguments}, {@code session} and any of: {@code expect} (the effect),
 * {@code rules} (the exact rule ids, in order), {@code visible}, {@code errors} (how many rules
 * errored), {@code reason} (a substring), {@code approval} (approvers, quorum, ttl).
 *
 * <p>The policy goes through the real {@link ConfigReader}, so the corpus also proves that the
 * YAML form of every rule is accepted.
 */
class PolicyCorpusTest {
    private static final ObjectMapper YAML = YAMLMapper.builder().build();
    private static final String DEFAULT_ENVIRONMENTS = "[dev, staging, {name: prod, production: true}]";

    record Case(String file, String name, Policy policy, JsonNode spec, Map<String, ToolFacts> tools) {
        @Override
        public String toString() {
            return file + ": " + name;
        }
    }

    static Stream<Arguments> cases() throws IOException, URISyntaxException {
        Path dir = Paths.get(PolicyCorpusTest.class.getResource("/policy-corpus").toURI());
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                JsonNode doc = YAML.readTree(file.toFile());
                Policy policy = policy(file, doc);
                Map<String, ToolFacts> tools = tools(doc.get("tools"));
                for (JsonNode c : doc.get("cases")) {
                    out.add(Arguments.of(new Case(file.getFileName().toString(), c.get("name").asString(), policy, c, tools)));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void corpus(Case c) {
        JsonNode s = c.spec();
        PolicyRequest request = request(s, c.tools());
        Decision d = c.policy().decide(request);
        String context = c + " -> " + d;
        if (s.has("expect")) {
            assertThat(d.effect().yamlName()).as(context).isEqualTo(s.get("expect").asString());
        }
        if (s.has("rules")) {
            assertThat(d.ruleIds()).as(context).containsExactlyElementsOf(strings(s.get("rules")));
        }
        if (s.has("errors")) {
            assertThat(d.errors()).as(context).hasSize(s.get("errors").asInt());
        } else if (s.has("expect")) {
            assertThat(d.errors()).as(context).isEmpty();
        }
        if (s.has("reason")) {
            assertThat(d.reason()).as(context).contains(s.get("reason").asString());
        }
        if (s.has("approval")) {
            JsonNode a = s.get("approval");
            assertThat(d.approval()).as(context).isNotNull();
            assertThat(d.approval().approverRoles()).as(context).containsExactlyElementsOf(strings(a.get("approvers")));
            assertThat(d.approval().quorum()).as(context).isEqualTo(a.path("quorum").asInt(1));
            assertThat(d.approval().ttl()).as(context).isEqualTo(Duration.parse("PT" + a.path("ttl").asString("1h").toUpperCase(Locale.ROOT)));
        }
        if (s.has("visible")) {
            assertThat(c.policy().visible(request.withoutArguments())).as(c + " visible").isEqualTo(s.get("visible").asBoolean());
        }
        assertThat(s.has("expect") || s.has("visible")).as(c + " expects something").isTrue();
    }

    private static Policy policy(Path file, JsonNode doc) {
        ObjectNode config = Json.object();
        config.set("environments", doc.has("environments") ? doc.get("environments") : YAML.readTree(DEFAULT_ENVIRONMENTS));
        if (doc.has("policy")) {
            config.set("policy", doc.get("policy"));
        }
        try {
            GatewayConfig g = ConfigReader.parse(YAML.writeValueAsString(config), file.toString(), file.getParent(), null);
            return Policy.compile(g.policy());
        } catch (Exception e) {
            throw new IllegalStateException(file + ": the corpus policy does not load: " + e.getMessage(), e);
        }
    }

    private static Map<String, ToolFacts> tools(JsonNode n) {
        Map<String, ToolFacts> out = new java.util.HashMap<>();
        if (n != null) {
            for (String name : n.propertyNames()) {
                JsonNode t = n.get(name);
                out.put(name, new ToolFacts(name, t.path("upstream").asString("demo"), t.path("risk").asString("read_only"),
                        t.path("owner").asString(null), strings(t.get("labels"))));
            }
        }
        return out;
    }

    private static PolicyRequest request(JsonNode s, Map<String, ToolFacts> tools) {
        String env = s.path("environment").asString("dev");
        JsonNode p = s.path("principal");
        Principal.Kind kind = Principal.Kind.valueOf(p.path("kind").asString("user").toUpperCase(Locale.ROOT));
        String subject = p.path("subject").asString(kind == Principal.Kind.ANONYMOUS ? "anonymous" : "alice");
        Principal principal = new Principal(subject, kind, p.path("display_name").asString(null), strings(p.get("roles")),
                p.path("client").asString("test-client"), env,
                p.path("auth_method").asString(kind == Principal.Kind.ANONYMOUS ? "none" : "oauth"), null, null);
        String toolName = s.get("tool").asString();
        ToolFacts tool = tools.get(toolName);
        if (tool == null) {
            throw new UncheckedIOException(new IOException("case names tool '" + toolName + "', which the file's tools do not list"));
        }
        ObjectNode args = s.has("arguments") ? (ObjectNode) s.get("arguments") : Json.object();
        Set<String> session = new HashSet<>(strings(s.get("session")));
        return new PolicyRequest(principal, env, tool, args, session);
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n != null) {
            n.forEach(e -> out.add(e.asString()));
        }
        return out;
    }
}
