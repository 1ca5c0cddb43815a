package io.portcullis.it.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.JvmPeers;
import io.portcullis.it.LegacySession;
import io.portcullis.it.StdioPeer;
import io.portcullis.it.TestGateway;
import io.portcullis.it.WireClient;
import io.portcullis.it.WireReply;
import io.portcullis.it.peers.GatewayProcess;
import io.portcullis.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * #21 item 12: SIGTERM drains. The real gateway as its own process, calls in flight to a slow
 * upstream, SIGTERM to the PID this test started: calls that finish within the grace period are
 * answered; those that would not are answered with a retryable error (control {@code draining});
 * new calls are refused cleanly (503, Retry-After); the process exits 0; the audit log verifies and
 * holds one outcome per call.
 */
class SigtermDrainIT {
    private static final int SHORT = 12;
    private static final int LONG = 3;

    @TempDir
    Path dir;

    private static ObjectNode slow(long ms) {
        ObjectNode p = Json.object().put("name", "slow__slow");
        p.putObject("arguments").put("ms", ms);
        return p;
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void item12_sigtermFinishesCallsInFlightRefusesNewOnesAndExitsZero() throws Exception {
        String yaml = """
                server: {data_dir: data, drain_grace: 6s}
                upstreams:
                  slow: {command: %s, timeout: 120s}
                """.formatted(TestGateway.list(JvmPeers.testMain(SlowServer.class)));
        ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
        try (GatewayProcess g = GatewayProcess.start(yaml, dir)) {
            g.awaitTools("slow__slow");
            WireClient client = new WireClient(URI.create(g.url()));
            List<LegacySession> sessions = new ArrayList<>();
            for (int i = 0; i < SHORT + LONG; i++) {
                sessions.add(LegacySession.open(client, "2025-11-25"));
            }
            List<CompletableFuture<WireReply>> shortCalls = new ArrayList<>();
            List<CompletableFuture<WireReply>> longCalls = new ArrayList<>();
            for (int i = 0; i < SHORT + LONG; i++) {
                LegacySession s = sessions.get(i);
                ObjectNode call = s.message("tools/call", slow(i < SHORT ? 2_500 : 600_000));
                (i < SHORT ? shortCalls : longCalls).add(CompletableFuture.supplyAsync(() -> s.post(call), callers));
            }
            // every call has reached the upstream before the signal
            io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(60), () -> assertThat(count(g.log(), "slow-start")).isEqualTo(SHORT + LONG));

            long signalled = System.nanoTime();
            g.terminate(); // SIGTERM to the PID this test started

            // new calls are refused cleanly while the gateway drains: /readyz first, then the call itself
            HttpClient http = HttpClient.newHttpClient();
            int ready = io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(10), () -> http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + "/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode(), status -> status != 200);
            assertThat(ready).isEqualTo(503);
            WireReply refused = sessions.get(0).post(sessions.get(0).message("tools/call", slow(1)));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(refused.message().path("error").path("data").path("control").asString()).isEqualTo("draining");

            // in-flight calls within the grace period complete normally
            for (CompletableFuture<WireReply> f : shortCalls) {
                WireReply r = f.get(60, TimeUnit.SECONDS);
                assertThat(r.status()).as(r.toString()).isEqualTo(200);
                assertThat(r.message().path("result").path("content").get(0).path("text").asString()).isEqualTo("done after 2500 ms");
            }
            // those that would outlast it get a clean, retryable error naming the control, not a cut connection
            for (CompletableFuture<WireReply> f : longCalls) {
                WireReply r = f.get(60, TimeUnit.SECONDS);
                assertThat(r.status()).as(r.toString()).isEqualTo(200);
                assertThat(r.message().path("error").path("code").asInt()).as(r.toString()).isEqualTo(-32003);
                assertThat(r.message().path("error").path("data").path("control").asString()).isEqualTo("draining");
            }
            assertThat(g.awaitExit(Duration.ofSeconds(60))).as(g.log()).isZero();
            // bounded: the grace period and a few seconds, not the long calls' ten minutes
            assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isLessThan(Duration.ofSeconds(40));
        } finally {
            callers.shutdownNow();
        }

        // the audit log is intact and holds one outcome per call that reached the pipeline
        Path config = dir.resolve("portcullis.yaml");
        try (StdioPeer verify = new StdioPeer(JvmPeers.portcullis("audit", "verify", "--config", config.toString()), dir)) {
            assertThat(verify.closeInputAndWait(Duration.ofSeconds(60))).as(verify.stderr()).isZero();
        }
        Path export = dir.resolve("export.jsonl");
        try (StdioPeer p = new StdioPeer(JvmPeers.portcullis("audit", "export", "--config", config.toString(), "--kind", "call",
                "--tool", "slow__slow", "--out", export.toString()), dir)) {
            assertThat(p.closeInputAndWait(Duration.ofSeconds(60))).as(p.stderr()).isZero();
        }
        List<String> records = Files.readAllLines(export);
        assertThat(records).hasSize(SHORT + LONG);
        assertThat(records.stream().filter(r -> r.contains("draining")).count()).isEqualTo(LONG);
    }
}
