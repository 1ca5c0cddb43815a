package io.portcullis.it.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Transparency (issue #2): scripts/conformance.sh runs the official conformance suite's server
 * scenarios against server-everything over Streamable HTTP directly and through the gateway
 * process fronting it, and fails when a scenario passes directly but not through the gateway.
 * docs/conformance.md records the counts.
 */
class ConformanceIT {

    @Test
    void noScenarioThatPassesDirectlyIsLostThroughTheGateway() throws Exception {
        Path work = Peers.workDir(ConformanceIT.class);
        Path out = work.resolve("results");
        Peers.Result r = Peers.run(List.of("bash", Peers.root().resolve("scripts/conformance.sh").toString(), "--out", out.toString()),
                work, Duration.ofMinutes(5), Map.of("PORTCULLIS_JAR", Peers.jar().toString()));
        String report = "stdout:\n" + r.stdout() + "\nstderr:\n" + r.stderr();
        assertThat(r.exit()).as(report).isZero();
        assertThat(r.stdout()).contains("no scenario is lost through the gateway");

        JsonNode summary = Json.parse(Files.readString(out.resolve("summary.json")));
        int direct = summary.path("direct").path("passed").asInt();
        int gateway = summary.path("gateway").path("passed").asInt();
        // Both runs really ran the suite: the same scenarios, and some of them pass directly.
        assertThat(summary.path("direct").path("scenarios").asInt()).isGreaterThanOrEqualTo(30);
        assertThat(summary.path("gateway").path("scenarios").asInt()).isEqualTo(summary.path("direct").path("scenarios").asInt());
        assertThat(direct).as(report).isGreaterThanOrEqualTo(11);
        assertThat(summary.path("lost").isEmpty()).as(report).isTrue();
        assertThat(gateway).isGreaterThanOrEqualTo(direct);
        // server-everything does not check Host/Origin; the gateway in front of it does.
        JsonNode dns = summary.path("results").path("dns-rebinding-protection");
        assertThat(dns.path("direct").path("pass").asBoolean()).isFalse();
        assertThat(dns.path("gateway").path("pass").asBoolean()).isTrue();
    }
}
