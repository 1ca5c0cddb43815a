package io.portcullis.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.JvmPeers;
import io.portcullis.it.peers.GatewayProcess;
import io.portcullis.it.peers.Peers;
import io.portcullis.protocol.Json;
import io.portcullis.testing.Eventually;
import io.portcullis.testing.PgSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * #19 item 2: membership. Real gateway processes share one PostgreSQL store; each registers itself
 * (id, version, config hash, address, started, last seen). {@code portcullis nodes} and
 * {@code /admin/api/nodes} list them; a node started with a different config is flagged (in the listing,
 * the command's exit code 1 and the log); a node stopped with SIGTERM (by the PID this test started)
 * is listed as stopped, and the flag goes with it.
 */
class ClusterNodesIT {
    @RegisterExtension
    final PgSchema pg = new PgSchema("nodes_");

    @TempDir
    Path dir;

    private Peers.Result nodes(Path config, String format) {
        return Peers.run(JvmPeers.portcullis("nodes", "--config", config.toString(), "--format", format), dir, Duration.ofSeconds(60));
    }

    private Map<String, JsonNode> listed(Path config, int exit) {
        Peers.Result r = nodes(config, "json");
        assertThat(r.exit()).as(r.stdout() + r.stderr()).isEqualTo(exit);
        Map<String, JsonNode> byAddress = new HashMap<>();
        r.json().path("nodes").forEach(n -> byAddress.put(n.path("address").asString(), n));
        return byAddress;
    }

    private static String address(GatewayProcess g) {
        return "http://127.0.0.1:" + g.port();
    }

    @Test
    void item2_nodesOnPostgresRegisterAndOneWithAnotherConfigIsFlagged() throws Exception {
        String yaml = "server: {data_dir: data}\nstore: {url: \"" + pg.url() + "\"}\n";
        try (GatewayProcess a = GatewayProcess.start(yaml, dir.resolve("a"));
             GatewayProcess b = GatewayProcess.start(yaml, dir.resolve("b"))) {
            Path config = dir.resolve("a/portcullis.yaml");
            Map<String, JsonNode> two = listed(config, 0);
            assertThat(two).containsOnlyKeys(address(a), address(b));
            JsonNode na = two.get(address(a));
            JsonNode nb = two.get(address(b));
            assertThat(na.path("id").asString()).isNotBlank().isNotEqualTo(nb.path("id").asString());
            assertThat(na.path("state").asString()).isEqualTo("up");
            assertThat(nb.path("state").asString()).isEqualTo("up");
            assertThat(na.path("config_hash").asString()).hasSize(64).isEqualTo(nb.path("config_hash").asString());
            assertThat(na.path("version").asString()).isNotBlank().isEqualTo(nb.path("version").asString());
            assertThat(na.path("config_differs").asBoolean()).isFalse();
            assertThat(na.path("started").asString()).isNotBlank();
            assertThat(na.path("last_seen").asString()).isNotBlank();

            // the admin API of node A answers the same list (the local CLI's token, as `portcullis nodes` would use)
            JsonNode local = Json.parse(Files.readString(dir.resolve("a/data/admin.local")));
            HttpResponse<String> api = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(address(a) + "/admin/api/nodes"))
                    .header("Authorization", "Bearer " + local.path("token").asString()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(api.statusCode()).as(api.body()).isEqualTo(200);
            assertThat(Json.parse(api.body()).path("nodes")).hasSize(2);
            HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(address(a) + "/admin/api/nodes")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isIn(401, 403);

            // a third node started on another config is flagged: listing, exit code, log
            try (GatewayProcess c = GatewayProcess.start(yaml + "# changed on one node only\n", dir.resolve("c"))) {
                Map<String, JsonNode> three = listed(config, 1);
                assertThat(three.get(address(c)).path("config_differs").asBoolean()).isTrue();
                assertThat(three.get(address(a)).path("config_differs").asBoolean()).isFalse();
                assertThat(three.get(address(b)).path("config_differs").asBoolean()).isFalse();
                Peers.Result text = nodes(config, "text");
                assertThat(text.exit()).isEqualTo(1);
                assertThat(text.stdout()).contains("CONFIG DIFFERS", "WARNING: the live nodes do not run the same config");
                assertThat(c.log()).contains("the live nodes do not run the same config");
                // the others see it at their next heartbeat
                Eventually.eventually(Duration.ofSeconds(30), () -> assertThat(a.log()).contains("the live nodes do not run the same config"));
                c.terminate();
                assertThat(c.awaitExit(Duration.ofSeconds(60))).isZero();
                Map<String, JsonNode> after = listed(config, 0);
                assertThat(after.get(address(c)).path("state").asString()).isEqualTo("stopped");
                assertThat(after.values()).noneMatch(n -> n.path("config_differs").asBoolean());
            }
            b.terminate();
            assertThat(b.awaitExit(Duration.ofSeconds(60))).isZero();
            assertThat(listed(config, 0).get(address(b)).path("state").asString()).isEqualTo("stopped");
            assertThat(listed(config, 0).get(address(a)).path("state").asString()).isEqualTo("up");
        }
    }
}
