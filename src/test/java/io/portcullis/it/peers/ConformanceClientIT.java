package io.portcullis.it.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * C1.4, issue 17: scripts/conformance-client.sh runs every client scenario of the official
 * conformance suite (auth suite included) against {@code portcullis connect}, driven over stdio by
 * the TypeScript SDK; the suite's scenario servers and authorization servers judge connect's
 * requests. Every scenario passes except those listed in scripts/conformance-client-expected.txt,
 * each with its reason in docs/conformance.md; the script also fails when a listed one passes.
 */
class ConformanceClientIT {
    @Test
    void everyClientScenarioPassesOrIsListedWithItsReason() {
        Peers.Result run = Peers.run(List.of("bash", Peers.root().resolve("scripts/conformance-client.sh").toString(), "--out",
                        Peers.workDir(ConformanceClientIT.class).resolve("results").toString()),
                Peers.workDir(ConformanceClientIT.class), Duration.ofMinutes(20), Map.of("PORTCULLIS_JAR", Peers.jar().toString()));
        String report = "stdout:\n" + run.stdout() + "\nstderr:\n" + run.stderr();
        assertThat(run.exit()).as(report).isZero();
        assertThat(run.stdout()).as(report).contains("PASS auth/metadata-default", "PASS auth/scope-step-up", "PASS auth/resource-mismatch",
                "PASS auth/pre-registration", "PASS auth/client-credentials-basic", "PASS sse-retry",
                "PASS auth/cross-app-access-complete-flow");
        assertThat(run.stdout()).as(report).containsPattern("conformance-client: \\d+ / 26 client scenarios pass");
    }
}
