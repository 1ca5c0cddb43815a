package io.portcullis.it.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.JvmPeers;
import io.portcullis.it.ModernRequests;
import io.portcullis.it.TestGateway;
import io.portcullis.it.WireReply;
import io.portcullis.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * #18 item 1: {@code metrics: enabled: false} (docs/operations/metrics.md "Switching metrics off"):
 * the gateway serves calls as before, {@code /metrics} answers 404 naming the setting (a JSON error,
 * no stack trace), and the calls record nothing (no observer, no control timed).
 */
class MetricsOffIT {

    @Test
    void metricsOffServesCallsAndAnswers404AtMetrics() throws Exception {
        try (TestGateway gw = TestGateway.start("""
                upstreams:
                  demo:
                    command: %s
                metrics:
                  enabled: false
                """.formatted(TestGateway.list(JvmPeers.demo())))) {
            ObjectNode p = Json.object().put("name", "demo__echo");
            p.putObject("arguments").put("message", "hi");
            WireReply r = ModernRequests.post(gw.client(), ModernRequests.request(1, "tools/call", p));
            assertThat(r.message().path("result").path("content").path(0).path("text").asString()).as(r.toString()).isEqualTo("hi");
            try (HttpClient c = HttpClient.newHttpClient()) {
                HttpResponse<String> m = c.send(HttpRequest.newBuilder(URI.create(gw.base() + "/metrics")).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(m.statusCode()).isEqualTo(404);
                assertThat(Json.parse(m.body()).path("error").asString()).isEqualTo("metrics are switched off (metrics: enabled: false)");
                assertThat(m.body()).doesNotContain("portcullis_calls_total").doesNotContain("Exception");
            }
            // nothing observes the calls: no meter is recorded (with metrics on, the metrics route's observer is there)
            assertThat(gw.gateway().callObservers().size()).isZero();
            assertThat(gw.gateway().config().metrics().enabled()).isFalse();
        }
    }
}
