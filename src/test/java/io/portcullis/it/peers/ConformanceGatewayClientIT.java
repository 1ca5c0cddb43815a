package io.portcullis.it.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * C1.4, issue 17 (task h4 item 1): the suite's client scenarios through the gateway's own upstream
 * client. {@code scripts/conformance-client.sh --gateway} starts, per scenario, a Portcullis whose
 * upstream is the suite's scenario server (credentials mode {@code oauth} for the auth scenarios) and
 * drives it with the TypeScript SDK over Streamable HTTP; the suite's servers judge the gateway's
 * requests. CI runs the scenarios that pass through the gateway (each starts a gateway JVM, so the
 * whole list of 26, with its expected failures, is run by hand: docs/conformance.md has both).
 */
class ConformanceGatewayClientIT {
    @Test
    void theGatewaysUpstreamClientPassesTheClientCredentialsAndResourceScenarios() {
        Peers.Result run = Peers.run(List.of("bash", Peers.root().resolve("scripts/conformance-client.sh").toString(), "--out",
                        Peers.workDir(ConformanceGatewayClientIT.class).resolve("results").toString(), "--gateway",
                        "auth/client-credentials-basic", "auth/client-credentials-jwt", "auth/pre-registration", "auth/resource-mismatch"),
                Peers.workDir(ConformanceGatewayClientIT.class), Duration.ofMinutes(10), Map.of("PORTCULLIS_JAR", Peers.jar().toString()));
        String report = "stdout:\n" + run.stdout() + "\nstderr:\n" + run.stderr();
        assertThat(run.exit()).as(report).isZero();
        assertThat(run.stdout()).as(report).contains("PASS auth/client-credentials-basic", "PASS auth/client-credentials-jwt",
                "PASS auth/pre-registration", "PASS auth/resource-mismatch", "conformance-client: 4 / 4 client scenarios pass");
    }

    /**
     * Why the authorization-code scenarios cannot pass through the gateway (docs/conformance.md, A): with the
     * per-user mode {@code user_oauth} the gateway's own first request to the suite's server carries no user
     * token and is refused with 401, so the upstream never connects and no tool is offered to call.
     */
    @Test
    void withUserOauthTheGatewaysOwnRequestsAreRefusedAndTheUpstreamNeverConnects() throws java.io.IOException {
        java.nio.file.Path out = Peers.workDir(ConformanceGatewayClientIT.class).resolve("user-oauth");
        Peers.Result run = Peers.run(List.of("bash", Peers.root().resolve("scripts/conformance-client.sh").toString(), "--out",
                        out.toString(), "--gateway", "auth/metadata-default"),
                Peers.workDir(ConformanceGatewayClientIT.class), Duration.ofMinutes(5),
                Map.of("PORTCULLIS_JAR", Peers.jar().toString(), "GATEWAY_CREDENTIALS", "user_oauth"));
        String scenario = java.nio.file.Files.readString(out.resolve("auth_metadata-default.txt"));
        String report = "stdout:\n" + run.stdout() + "\nstderr:\n" + run.stderr() + "\nscenario:\n" + scenario;
        assertThat(run.exit()).as(report).isZero(); // listed as an expected failure
        assertThat(run.stdout()).as(report).contains("FAIL auth/metadata-default");
        assertThat(scenario).as(report).contains("answered the server/discover probe with HTTP 401",
                "the gateway offers no test-tool (offered: none): its upstream is not connected");
    }
}
