package io.portcullis.it.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.JvmPeers;
import io.portcullis.it.ModernRequests;
import io.portcullis.it.OtlpReceiver;
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
 * #18 "Overhead" (session 9), scraped for real: with metrics and tracing on, the tracing's own time on each
 * call is the control {@code tracing} of {@code portcullis_control_duration_seconds}, one record per call,
 * beside the controls (what bench/run.sh's "time each control spent" table reads).
 */
class TracingMetricsIT {
    private static final int N = 4;

    @Test
    void eachCallHasOneTracingRecordBesideTheControls() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start();
             TestGateway gw = TestGateway.start("""
                     upstreams:
                       demo:
                         command: %s
                     tracing:
                       enabled: true
                       endpoint: %s
                       sampling: 1.0
                     """.formatted(TestGateway.list(JvmPeers.demo()), receiver.url()))) {
            for (int i = 0; i < N; i++) {
                ObjectNode p = Json.object().put("name", "demo__echo");
                p.putObject("arguments").put("message", "hi " + i);
                WireReply r = ModernRequests.post(gw.client(), ModernRequests.request(i + 1, "tools/call", p));
                assertThat(r.message().path("result").path("isError").asBoolean(false)).as(r.toString()).isFalse();
            }
            String body;
            try (HttpClient c = HttpClient.newHttpClient()) {
                body = c.send(HttpRequest.newBuilder(URI.create(gw.base() + "/metrics")).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            }
            Scrape scrape = Scrape.parse(body);
            assertThat(scrape.sum("portcullis_control_duration_seconds_count", "method", "tools/call", "control", "tracing"))
                    .as(body).isEqualTo(N);
            assertThat(scrape.sum("portcullis_control_duration_seconds_count", "method", "tools/call", "control", "policy"))
                    .isEqualTo(N);
            assertThat(scrape.values("portcullis_control_duration_seconds_count", "control")).contains("tracing", "upstream");
        }
    }
}
