package io.portcullis.it.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.LegacySession;
import io.portcullis.it.NpmPeers;
import io.portcullis.it.TestGateway;
import io.portcullis.it.WireClient;
import io.portcullis.protocol.Json;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue #11 item 6: a stdio upstream must not inherit the gateway's environment. The real
 * gateway runs as its own process with a database password in its environment; the real
 * server-everything's {@code get-env} shows what its child process got: the minimal set (PATH,
 * HOME, LANG, TMPDIR), its declared {@code env}, and what {@code inherit_env} allows, nothing else.
 */
class Hardening06ChildEnvironmentIT {

    @Test
    void item6_stdioChildGetsAMinimalEnvironmentNotTheGatewaysSecrets() {
        Path work = Peers.workDir(Hardening06ChildEnvironmentIT.class);
        Map<String, String> gatewayEnv = Map.of(
                "PORTCULLIS_DB_PASSWORD", "hunter2-gateway-secret",
                "SHARED_REGION", "eu-west-1",
                "LANG", "C.UTF-8");
        try (GatewayProcess gw = GatewayProcess.start("""
                upstreams:
                  everything:
                    command: %s
                    env: {DECLARED: "yes"}
                    inherit_env: [SHARED_REGION]
                catalog: {unlisted: allow}
                """.formatted(TestGateway.list(NpmPeers.everything())), work, gatewayEnv).awaitTools("everything__get-env")) {
            LegacySession s = LegacySession.open(new WireClient(URI.create(gw.url())), "2025-11-25");
            ObjectNode call = Json.object().put("name", "everything__get-env");
            call.putObject("arguments");
            ObjectNode r = s.request("tools/call", call);
            String text = r.path("result").path("content").get(0).path("text").asString();
            JsonNode env = Json.parse(text);

            assertThat(text).doesNotContain("hunter2-gateway-secret");
            assertThat(env.has("PORTCULLIS_DB_PASSWORD")).isFalse();
            assertThat(env.path("DECLARED").asString()).isEqualTo("yes");
            assertThat(env.path("SHARED_REGION").asString()).isEqualTo("eu-west-1");
            assertThat(env.path("LANG").asString()).isEqualTo("C.UTF-8");
            assertThat(env.has("PATH")).isTrue();
            assertThat(env.has("HOME")).isTrue();
            // nothing else of the gateway's (Node adds none of its own to process.env)
            assertThat(env.propertyNames()).isSubsetOf("PATH", "HOME", "LANG", "TMPDIR", "DECLARED", "SHARED_REGION");
        }
    }
}
