package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.settings.ConfigException;
import io.portcullis.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * G1 through the real gateway: with no identity and no audit signing key (C1.1, C4.2 … fail), a
 * state-changing tool is refused (control readiness-gate, naming the lines) and a read-only one
 * runs; tools/list hides or marks; an override opens a non-production environment and nothing
 * opens production.
 */
class ReadinessGateIT {
    static String config(String readiness) {
        return """
                environments:
                  - dev
                  - {name: prod, production: true}
                upstreams:
                  demo:
                    command: %s
                catalog:
                  unlisted: hide
                  upstreams:
                    demo: {owner: {team: support, oncall: "pager:support"}}
                  tools:
                    demo__echo: {purpose: Connectivity check., risk: read_only}
                    demo__create_ticket:
                      purpose: File a ticket.
                      risk: state_changing
                      constraints: {project: {allow: ["acme-*"]}}
                readiness:
                %s
                """.formatted(TestGateway.list(JvmPeers.demo()), readiness.indent(2).stripTrailing());
    }

    private TestGateway gw;

    @AfterEach
    void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
    }

    private static ObjectNode call(LegacySession s, String tool, ObjectNode args) {
        ObjectNode p = Json.object().put("name", tool);
        p.set("arguments", args);
        return s.request("tools/call", p);
    }

    private static List<JsonNode> tools(LegacySession s) {
        List<JsonNode> out = new ArrayList<>();
        s.request("tools/list", null).path("result").path("tools").forEach(out::add);
        return out;
    }

    private static List<String> names(List<JsonNode> tools) {
        return tools.stream().map(t -> t.path("name").asString()).toList();
    }

    @Test
    void aStateChangingCallIsRefusedNamingTheLinesAndAReadOnlyOneRuns() throws Exception {
        gw = TestGateway.start(config("gate: {list: hide}"));
        LegacySession s = LegacySession.open(new WireClient(gw.url("dev")), "2025-06-18");
        assertThat(names(tools(s))).containsExactly("demo__echo");

        ObjectNode refused = call(s, "demo__create_ticket", Json.object().put("project", "acme-web").put("title", "broken"));
        assertThat(refused.path("result").path("isError").asBoolean()).isTrue();
        assertThat(refused.path("result").path("_meta").path("io.portcullis/refusal").path("control").asString())
                .isEqualTo("readiness-gate");
        String text = refused.path("result").path("content").get(0).path("text").asString();
        assertThat(text).contains("C1.1").contains("C4.2").contains("G1");

        ObjectNode echo = call(s, "demo__echo", Json.object().put("message", "hello"));
        assertThat(echo.path("result").path("isError").asBoolean(false)).isFalse();
        assertThat(echo.path("result").path("content").get(0).path("text").asString()).isEqualTo("hello");
        assertThat(gw.gateway().readiness().gate("dev").failing()).contains("C1.1", "C4.2");
    }

    @Test
    void markModeKeepsTheToolWithTheGateInItsMeta() throws Exception {
        gw = TestGateway.start(config("gate: {list: mark}"));
        LegacySession s = LegacySession.open(new WireClient(gw.url("dev")), "2025-06-18");
        List<JsonNode> listed = tools(s);
        assertThat(names(listed)).containsExactlyInAnyOrder("demo__echo", "demo__create_ticket");
        JsonNode create = listed.stream().filter(t -> t.path("name").asString().equals("demo__create_ticket")).findFirst().orElseThrow();
        assertThat(create.path("description").asString()).startsWith("[refused until readiness lines C1.1");
        assertThat(create.path("_meta").path("io.portcullis/gate").path("refused").asBoolean()).isTrue();
        assertThat(create.path("_meta").path("io.portcullis/gate").path("failing").toString()).contains("C4.2");
        JsonNode echo = listed.stream().filter(t -> t.path("name").asString().equals("demo__echo")).findFirst().orElseThrow();
        assertThat(echo.path("_meta").has("io.portcullis/gate")).isFalse();
    }

    @Test
    void theGateFollowsAReloadAndProductionCannotBeOverridden() throws Exception {
        gw = TestGateway.start(config("gate: {list: hide}"));
        LegacySession dev = LegacySession.open(new WireClient(gw.url("dev")), "2025-06-18");
        ObjectNode args = Json.object().put("project", "acme-web").put("title", "broken");
        assertThat(call(dev, "demo__create_ticket", args).path("result").path("isError").asBoolean()).isTrue();

        gw.reload(config("gate:\n  override: [{env: dev, reason: integration test}]"));
        ObjectNode opened = call(dev, "demo__create_ticket", args);
        assertThat(opened.path("result").path("isError").asBoolean(false)).as(opened.toString()).isFalse();
        assertThat(names(tools(dev))).contains("demo__create_ticket");

        LegacySession prod = LegacySession.open(new WireClient(gw.url("prod")), "2025-06-18");
        ObjectNode inProd = call(prod, "demo__create_ticket", args);
        assertThat(inProd.path("result").path("_meta").path("io.portcullis/refusal").path("control").asString())
                .isEqualTo("readiness-gate");
        assertThatThrownBy(() -> gw.reload(config("gate:\n  override: [{env: prod, reason: please}]")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot be overridden");
    }
}
