package io.portcullis.it.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Transparency (issue #2): scripts/conformance.sh runs the official conformance suite's server
 * scenarios against an upstream directly and through the gateway process fronting it, for
 * server-everything and for the suite's own fixtures (test-support/conformance-fixture.mjs), and
 * fails when a scenario passes directly but not through the gateway. docs/conformance.md records
 * the counts.
 */
class ConformanceIT {
    private static Peers.Result run;
    private static Path results;

    @BeforeAll
    static void runTheScript() {
        Path work = Peers.workDir(ConformanceIT.class);
        results = work.resolve("results");
        run = Peers.run(List.of("bash", Peers.root().resolve("scripts/conformance.sh").toString(), "--out", results.toString()),
                work, Duration.ofMinutes(5), Map.of("PORTCULLIS_JAR", Peers.jar().toString()));
    }

    private static String report() {
        return "stdout:\n" + run.stdout() + "\nstderr:\n" + run.stderr();
    }

    private static JsonNode summary(String upstream) throws Exception {
        return Json.parse(Files.readString(results.resolve(upstream).resolve("summary.json")));
    }

    @Test
    void theScriptFindsNoLostScenario() {
        assertThat(run.exit()).as(report()).isZero();
        assertThat(run.stdout()).contains("== everything", "== fixture");
        assertThat(run.stdout().split("no scenario is lost through the gateway", -1)).hasSize(3);
    }

    @Test
    void serverEverythingLosesNothingAndGainsDnsRebindingProtection() throws Exception {
        JsonNode s = summary("everything");
        int scenarios = s.path("direct").path("scenarios").asInt();
        assertThat(scenarios).as(report()).isGreaterThanOrEqualTo(30);
        assertThat(s.path("gateway").path("scenarios").asInt()).isEqualTo(scenarios);
        // Both runs really ran: some scenarios pass directly, and none of them is lost.
        assertThat(s.path("direct").path("passed").asInt()).isGreaterThanOrEqualTo(11);
        assertThat(s.path("lost").isEmpty()).as(report()).isTrue();
        // server-everything does not check Host/Origin; the gateway in front of it does.
        JsonNode dns = s.path("results").path("dns-rebinding-protection");
        assertThat(dns.path("direct").path("pass").asBoolean()).isFalse();
        assertThat(dns.path("gateway").path("pass").asBoolean()).isTrue();
    }

    @Test
    void everyScenarioPassesOnTheFixtureDirectlyAndThroughTheGateway() throws Exception {
        JsonNode s = summary("fixture");
        int scenarios = s.path("direct").path("scenarios").asInt();
        assertThat(scenarios).as(report()).isGreaterThanOrEqualTo(30);
        assertThat(s.path("direct").path("passed").asInt()).as("the fixture passes every scenario directly").isEqualTo(scenarios);
        assertThat(s.path("gateway").path("passed").asInt()).as(report()).isEqualTo(scenarios);
        for (String scenario : List.of("tools-call-with-progress", "tools-call-with-logging", "tools-call-sampling",
                "tools-call-elicitation", "elicitation-sep1034-defaults", "elicitation-sep1330-enums", "completion-complete")) {
            assertThat(s.path("results").path(scenario).path("gateway").path("pass").asBoolean()).as(scenario).isTrue();
        }
    }
}
