package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code GET /admin/api/readiness}: the cached report for admins only, authenticated like the admin API. */
class ReadinessApiIT {

    @Test
    void adminsGetTheReportOthersAreRefused() throws Exception {
        Path dir = Files.createTempDirectory("readiness-api");
        String yaml = """
                server: {host: 127.0.0.1, port: 0, data_dir: data}
                environments: [dev, {name: prod, production: true}]
                upstreams:
                  demo:
                    command: %s
                identity:
                  api_keys: {enabled: true}
                  admin_roles: [portcullis-admin]
                """.formatted(io.portcullis.it.TestGateway.list(io.portcullis.it.JvmPeers.demo()));
        try (GatewayUnderTest gw = new GatewayUnderTest(yaml, dir)) {
            var store = gw.gateway.identity().store();
            String admin = store.createKey("ops", "portcullis-admin", List.of("dev", "prod"),
                    Instant.now().plus(Duration.ofDays(1)), "test").secret();
            String ci = store.createKey("ci", "ci", List.of("dev", "prod"), Instant.now().plus(Duration.ofDays(1)), "test").secret();

            assertThat(gw.get("/admin/api/readiness", null).status()).isEqualTo(401);
            assertThat(gw.get("/admin/api/readiness", ci).status()).isEqualTo(403);

            var all = gw.get("/admin/api/readiness", admin);
            assertThat(all.status()).isEqualTo(200);
            assertThat(all.json().path("environments")).hasSize(2);
            var dev = all.json().path("environments").get(0);
            assertThat(dev.path("lines").get(0).path("id").asString()).isEqualTo("C1.1");
            assertThat(dev.path("lines").get(0).path("status").asString()).isEqualTo("pass");
            assertThat(dev.path("gate").path("failing").toString()).contains("C4.2");

            var prod = gw.get("/admin/api/readiness?env=prod", admin);
            assertThat(prod.json().path("environments")).hasSize(1);
            assertThat(prod.json().path("environments").get(0).path("name").asString()).isEqualTo("prod");
            assertThat(gw.get("/admin/api/readiness?env=nowhere", admin).status()).isEqualTo(404);
        }
    }
}
