package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.settings.ConfigException;
import io.portcullis.protocol.Json;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Config hot reload through the file watcher, as {@code serve} runs it: the per-tool switch
 * (C6.2) hides and refuses a tool at once, and a broken edit keeps the last good config.
 */
class HotReloadIT {
    private static final String BASE = """
            environments: [dev, prod]
            upstreams:
              demo:
                command: %s
            """.formatted(TestGateway.list(JvmPeers.demo()));

    private final LinkedBlockingQueue<ConfigException> refused = new LinkedBlockingQueue<>();
    private TestGateway gw;

    @BeforeEach
    void start() throws Exception {
        gw = TestGateway.start(BASE);
        gw.watch(refused::add);
    }

    @AfterEach
    void stop() throws Exception {
        gw.close();
    }

    private static List<String> names(LegacySession s) {
        return s.toolNames();
    }

    private static JsonNode echo(LegacySession s) {
        ObjectNode p = Json.object().put("name", "demo__echo");
        p.putObject("arguments").put("message", "m");
        return s.request("tools/call", p).path("result");
    }

    @Test
    void disablingAToolHidesAndRefusesIt() throws Exception {
        LegacySession dev = LegacySession.open(gw.client(), "2025-11-25");
        assertThat(echo(dev).path("isError").asBoolean(false)).isFalse();

        gw.writeConfig(BASE + "tools:\n  demo__echo:\n    enabled: false\n");
        gw.awaitCatalog(c -> !c.tool("demo__echo").orElseThrow().settings().enabled());

        assertThat(names(dev)).doesNotContain("demo__echo").contains("demo__search_tickets");
        JsonNode refusal = echo(dev);
        assertThat(refusal.path("isError").asBoolean()).isTrue();
        assertThat(refusal.path("_meta").path("io.portcullis/refusal").path("control").asString()).isEqualTo("tool-switch");
        assertThat(refusal.path("content").get(0).path("text").asString()).contains("tool-switch", "demo__echo");
        // the same session, unchanged, sees the tool come back when the switch is turned on again
        gw.writeConfig(BASE);
        gw.awaitCatalog(c -> c.tool("demo__echo").orElseThrow().settings().enabled());
        assertThat(echo(dev).path("isError").asBoolean(false)).isFalse();
    }

    @Test
    void theSwitchIsPerEnvironment() throws Exception {
        gw.writeConfig(BASE + "tools:\n  demo__echo:\n    environments: [dev]\n");
        gw.awaitCatalog(c -> !c.tool("demo__echo").orElseThrow().settings().environments().isEmpty());
        LegacySession dev = LegacySession.open(new WireClient(gw.url("dev")), "2025-11-25");
        LegacySession prod = LegacySession.open(new WireClient(gw.url("prod")), "2025-11-25");
        assertThat(names(dev)).contains("demo__echo");
        assertThat(names(prod)).doesNotContain("demo__echo");
        assertThat(echo(dev).path("isError").asBoolean(false)).isFalse();
        assertThat(echo(prod).path("_meta").path("io.portcullis/refusal").path("control").asString()).isEqualTo("tool-switch");
    }

    @Test
    void aBrokenEditKeepsTheLastGoodConfig() throws Exception {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
        gw.writeConfig(BASE + "tools:\n  demo__echo:\n    enabled: maybe\nbogus: 1\n");
        ConfigException e = refused.poll(30, TimeUnit.SECONDS);
        assertThat(e).isNotNull();
        assertThat(e.problems()).hasSize(2);
        assertThat(e.problems().get(0).line()).isEqualTo(7);
        assertThat(e.problems().get(0).file()).isEqualTo(gw.configFile().toString());

        assertThat(names(s)).contains("demo__echo");
        assertThat(echo(s).path("isError").asBoolean(false)).isFalse();
        assertThat(gw.gateway().config().tools()).isEmpty();

        gw.writeConfig("upstreams: [not, a, mapping");
        assertThat(refused.poll(30, TimeUnit.SECONDS)).isNotNull();
        assertThat(names(s)).contains("demo__echo");

        // a good edit after broken ones is applied
        gw.writeConfig(BASE + "tools:\n  demo__echo:\n    enabled: false\n");
        gw.awaitCatalog(c -> !c.tool("demo__echo").orElseThrow().settings().enabled());
        assertThat(names(s)).doesNotContain("demo__echo");
    }

    @Test
    void anUpstreamIsAddedWhileOthersKeepRunning() throws Exception {
        var before = gw.gateway().upstream("demo").orElseThrow();
        gw.writeConfig(BASE + "  echo:\n    command: " + TestGateway.list(JvmPeers.demo("--echo")) + "\n");
        gw.awaitCatalog(c -> c.tool("echo__echo").isPresent());
        assertThat(gw.gateway().upstream("demo").orElseThrow()).isSameAs(before);
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
        assertThat(names(s)).contains("echo__echo", "demo__echo");
    }
}
