package io.portcullis.it.peers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * C1.4, issue 17 (task h4 item 1): the suite's client scenarios through the gateway's own upstream
 * client. {@code scripts/conformance-client.sh --gateway} starts, per scenario, a Portcullis whose
 * upstream is the suite's scenario server (credentials mode {@code oauth} for the client-credentials ones,
 * {@code user_oauth} with discovered endpoints for the authorization-code ones, task h3) and
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
     * Issue 17 (task h3): an authorization-code scenario through the gateway. With {@code user_oauth} and no
     * configured endpoints the gateway discovers the suite's authorization server from the upstream's 401,
     * registers itself (RFC 7591) and gives the driver's user a consent link; the driver opens it (plain GETs
     * following the suite's auto-approving redirect to the gateway's callback), and lists and calls again on
     * its own per-user upstream connection, whose every request carries its token. The suite judges the
     * gateway's discovery, registration, authorization request (PKCE S256), token request and bearer tokens.
     */
    @Test
    void anAuthorizationCodeScenarioPassesThroughTheConsentLinkOfUserOauth() throws java.io.IOException {
        java.nio.file.Path out = Peers.workDir(ConformanceGatewayClientIT.class).resolve("user-oauth");
        Peers.Result run = Peers.run(List.of("bash", Peers.root().resolve("scripts/conformance-client.sh").toString(), "--out",
                        out.toString(), "--gateway", "auth/metadata-default"),
                Peers.workDir(ConformanceGatewayClientIT.class), Duration.ofMinutes(5), Map.of("PORTCULLIS_JAR", Peers.jar().toString()));
        String scenario = java.nio.file.Files.readString(out.resolve("auth_metadata-default.txt"));
        String report = "stdout:\n" + run.stdout() + "\nstderr:\n" + run.stderr() + "\nscenario:\n" + scenario;
        assertThat(run.exit()).as(report).isZero();
        assertThat(run.stdout()).as(report).contains("PASS auth/metadata-default", "conformance-client: 1 / 1 client scenarios pass");
        assertThat(scenario).as(report).contains("Client made authorization request", "Client sent code_challenge in authorization request",
                "OVERALL: PASSED");
    }
}
