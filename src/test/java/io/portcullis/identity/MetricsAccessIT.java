package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * #18 item 1: {@code /metrics} is protected like the admin API. With an identity section, a scraper
 * without a credential gets 401, a principal without an admin role 403 (and no metric), an admin's
 * API key the Prometheus text. (Without one, only loopback peers are served: MetricsIT scrapes that way.)
 */
class MetricsAccessIT {

    @Test
    void onlyAdminsMayScrape() throws Exception {
        Path dir = Files.createTempDirectory("metrics-access");
        String yaml = """
                server: {host: 127.0.0.1, port: 0, data_dir: data}
                upstreams:
                  demo:
                    command: %s
                identity:
                  api_keys: {enabled: true}
                  admin_roles: [portcullis-admin]
                """.formatted(io.portcullis.it.TestGateway.list(io.portcullis.it.JvmPeers.demo()));
        try (GatewayUnderTest gw = new GatewayUnderTest(yaml, dir)) {
            var store = gw.gateway.identity().store();
            String admin = store.createKey("prometheus", "portcullis-admin", List.of("default"),
                    Instant.now().plus(Duration.ofDays(1)), "test").secret();
            String user = store.createKey("ci", "ci", List.of("default"), Instant.now().plus(Duration.ofDays(1)), "test").secret();

            assertThat(gw.get("/metrics", null).status()).isEqualTo(401);
            var refused = gw.get("/metrics", user);
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.body()).doesNotContain("portcullis_");

            var scrape = gw.get("/metrics", admin);
            assertThat(scrape.status()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
            assertThat(scrape.body()).contains("# TYPE portcullis_upstream_state gauge", "portcullis_audit_records_total");
        }
    }
}
