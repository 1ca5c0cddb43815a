package io.portcullis.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.TestGateway;
import io.portcullis.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * #19 item 2: the probes a load balancer and Kubernetes use. {@code /readyz} is 200 only with the
 * store answering and at least one upstream ready: a node with none ready (none configured included)
 * is 503 {@code no_upstream_ready} even where {@code /healthz} says 200 (nothing configured, nothing
 * broken); {@code /livez} is 200 whenever the process answers, so a liveness probe never restarts a
 * node for a dependency.
 */
class ProbesIT {
    private static HttpResponse<String> get(int port, String path) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void item2_readyzNeedsAnUpstreamReadyLivezNeedsNothing() throws Exception {
        try (TestGateway down = TestGateway.startWithoutWaiting("""
                upstreams:
                  missing:
                    command: ["/nonexistent/mcp-server"]
                """)) {
            HttpResponse<String> ready = get(down.port(), "/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(Json.parse(ready.body()).path("upstreams").path("ready").asInt()).isZero();
            HttpResponse<String> live = get(down.port(), "/livez");
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(Json.parse(live.body()).path("status").asString()).isEqualTo("alive");
        }
        try (TestGateway empty = TestGateway.startWithoutWaiting("server: {page_size: 100}\n")) {
            assertThat(get(empty.port(), "/healthz").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = get(empty.port(), "/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(Json.parse(ready.body()).path("status").asString()).isEqualTo("no_upstream_ready");
        }
        try (TestGateway demo = TestGateway.startDemo()) {
            HttpResponse<String> ready = get(demo.port(), "/readyz");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(Json.parse(ready.body()).path("status").asString()).isEqualTo("ok");
        }
    }
}
