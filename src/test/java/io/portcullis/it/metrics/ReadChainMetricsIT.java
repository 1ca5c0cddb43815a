package io.portcullis.it.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.LegacySession;
import io.portcullis.it.NpmPeers;
import io.portcullis.it.TestGateway;
import io.portcullis.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * #18 item 1 (leftover), "the read chains are not timed": {@code resources/read} and {@code prompts/get}
 * through a real gateway in front of server-everything (stdio), then a real scrape of {@code /metrics}:
 * {@code portcullis_control_duration_seconds} counts each stage of each read chain exactly once per
 * request, under {@code method="resources/read"} / {@code method="prompts/get"}, and the tool chain's
 * series ({@code method="tools/call"}) only the tool calls.
 */
class ReadChainMetricsIT {
    static final int R = 3;
    static final int P = 2;
    static final int T = 1;

    @Test
    void eachReadChainsStagesAreTimedOncePerRequest() throws Exception {
        try (TestGateway gw = TestGateway.start("""
                upstreams:
                  everything:
                    command: %s
                """.formatted(TestGateway.list(NpmPeers.everything())))) {
            LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
            String uri = s.request("resources/list", null).path("result").path("resources").get(0).path("uri").asString();
            for (int i = 0; i < R; i++) {
                JsonNode read = s.request("resources/read", Json.object().put("uri", uri));
                assertThat(read.path("result").path("contents").get(0).path("uri").asString()).as(read.toString()).isEqualTo(uri);
            }
            String prompt = "everything__" + "simple-prompt";
            JsonNode prompts = s.request("prompts/list", null).path("result").path("prompts");
            assertThat(LegacySession.names(prompts)).as(prompts.toString()).contains(prompt);
            for (int i = 0; i < P; i++) {
                JsonNode got = s.request("prompts/get", Json.object().put("name", prompt).set("arguments", Json.object()));
                assertThat(got.has("result")).as(got.toString()).isTrue();
            }
            for (int i = 0; i < T; i++) {
                JsonNode echo = s.request("tools/call", Json.object().put("name", "everything__echo")
                        .set("arguments", Json.object().put("message", "m")));
                assertThat(echo.path("result").path("isError").asBoolean(false)).as(echo.toString()).isFalse();
            }
            Scrape scrape;
            try (HttpClient c = HttpClient.newHttpClient()) {
                scrape = Scrape.parse(c.send(HttpRequest.newBuilder(URI.create(gw.base() + "/metrics")).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).body());
            }
            String h = "portcullis_control_duration_seconds_count";
            for (String control : new String[] {"call-log", "audit", "conversation", "egress", "admission", "credentials", "upstream"}) {
                assertThat(scrape.sum(h, "method", "resources/read", "control", control)).as(control).isEqualTo(R);
                assertThat(scrape.sum(h, "method", "prompts/get", "control", control)).as(control).isEqualTo(P);
            }
            assertThat(scrape.sum("portcullis_control_duration_seconds_bucket", "method", "resources/read", "control", "upstream",
                    "le", "+Inf")).isEqualTo(R);
            assertThat(scrape.sum(h, "method", "tools/call", "control", "call-log")).isEqualTo(T);
            assertThat(scrape.sum(h, "method", "tools/call", "control", "upstream")).isEqualTo(T);
            // bounded: the methods are the chains' own, never what a client sent
            assertThat(scrape.values(h, "method")).containsExactlyInAnyOrder("resources/read", "prompts/get", "tools/call");
            // the read chains' stages run inside what their call-log stage measured
            assertThat(scrape.sum("portcullis_control_duration_seconds_sum", "method", "resources/read")).isPositive();
        }
    }
}
