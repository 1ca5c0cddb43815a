package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /admin/api/upstreams}: admins see each upstream's state, era and last error, and
 * never a credential (no header value, no URL user info or query, no program arguments).
 */
class UpstreamsApiIT {

    @Test
    void adminsSeeEachUpstreamsStateAndNoSecret() throws Exception {
        Path dir = Files.createTempDirectory("upstreams-api");
        Path token = Files.writeString(dir.resolve("token"), "s3cr3t-header\n");
        String yaml = """
                server: {host: 127.0.0.1, port: 0, data_dir: data}
                environments: [dev]
                upstreams:
                  demo:
                    command: %s
                  gone:
                    url: "http://user:pw@127.0.0.1:9/mcp?api_key=s3cr3t-query"
                    headers: {Authorization: {file: %s, prefix: "Bearer "}}
                identity:
                  api_keys: {enabled: true}
                  admin_roles: [portcullis-admin]
                """.formatted(io.portcullis.it.TestGateway.list(io.portcullis.it.JvmPeers.demo()), token);
        try (GatewayUnderTest gw = new GatewayUnderTest(yaml, dir,
                java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), false)) {
            gw.gateway.upstream("demo").orElseThrow().awaitReady(Duration.ofSeconds(30));
            var store = gw.gateway.identity().store();
            String admin = store.createKey("ops", "portcullis-admin", List.of("dev"), Instant.now().plus(Duration.ofDays(1)), "test").secret();
            String ci = store.createKey("ci", "ci", List.of("dev"), Instant.now().plus(Duration.ofDays(1)), "test").secret();
            assertThat(gw.get("/admin/api/upstreams", null).status()).isEqualTo(401);
            assertThat(gw.get("/admin/api/upstreams", ci).status()).isEqualTo(403);

            var r = gw.get("/admin/api/upstreams", admin);
            assertThat(r.status()).isEqualTo(200);
            JsonNode demo = byName(r.json(), "demo");
            assertThat(demo.path("state").asString()).isEqualTo("ready");
            assertThat(demo.path("transport").asString()).isEqualTo("stdio");
            assertThat(demo.path("era").asString()).isIn("legacy", "modern");
            assertThat(demo.path("protocol_version").asString()).isNotBlank();
            assertThat(demo.path("tools").asInt()).isPositive();
            assertThat(demo.path("last_error").isNull()).isTrue();

            JsonNode gone = byName(r.json(), "gone");
            assertThat(gone.path("state").asString()).isIn("starting", "down");
            assertThat(gone.path("last_error").asString()).isNotBlank();
            assertThat(gone.path("url").asString()).isEqualTo("http://127.0.0.1:9/mcp");
            assertThat(gone.path("header_names").asString()).isEqualTo("Authorization");
            assertThat(r.json().toString()).doesNotContain("s3cr3t", "user:pw", "api_key");
        }
    }

    private static JsonNode byName(JsonNode list, String name) {
        for (JsonNode u : list) {
            if (u.path("name").asString().equals(name)) {
                return u;
            }
        }
        throw new AssertionError("no upstream " + name + " in " + list);
    }
}
