package io.portcullis.it.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.JvmPeers;
import io.portcullis.it.LegacySession;
import io.portcullis.it.TestGateway;
import io.portcullis.it.WireReply;
import io.portcullis.protocol.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * #21 item 14: load shedding. Offered far more calls than the listener and the upstream take,
 * the gateway no longer queues without bound: it serves what fits (the upstream's
 * {@code max_concurrent} running, {@code max_queue} waiting) and refuses the rest quickly with a
 * retryable error: the listener with 503 + Retry-After (control {@code overload}) before the
 * request is read, the upstream's bulkhead with -32003 (control {@code bulkhead}).
 */
class LoadSheddingIT {
    private static final int OFFERED = 80;
    private static final long SLOW_MS = 20_000;
    /** Refusals must come far sooner than the slow calls' 20 s (bounded, not exact: the machine is shared). */
    private static final Duration FAST = Duration.ofSeconds(10);

    private record Outcome(WireReply reply, Duration took) {
        String kind() {
            if (reply.status() == 503) {
                return "503:" + reply.message().path("error").path("data").path("control").asString();
            }
            var m = reply.message();
            if (m.has("error")) {
                return m.path("error").path("code").asInt() + ":" + m.path("error").path("data").path("control").asString();
            }
            return "ok";
        }
    }

    @Test
    void item14_overloadIsRefusedFastByTheListenerAndTheUpstreamBulkhead() throws Exception {
        try (TestGateway gw = TestGateway.start("""
                server: {max_concurrent: 6, max_queue: 4, queue_wait: 300ms}
                upstreams:
                  slow: {command: %s, timeout: 60s, max_concurrent: 2, max_queue: 2}
                """.formatted(TestGateway.list(JvmPeers.testMain(SlowServer.class))))) {
            LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
            ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
            List<CompletableFuture<Outcome>> calls = new ArrayList<>();
            try {
                for (int i = 0; i < OFFERED; i++) {
                    ObjectNode p = Json.object().put("name", "slow__slow");
                    p.putObject("arguments").put("ms", SLOW_MS);
                    ObjectNode msg = s.message("tools/call", p);
                    calls.add(CompletableFuture.supplyAsync(() -> {
                        long t = System.nanoTime();
                        WireReply r = s.post(msg);
                        return new Outcome(r, Duration.ofNanos(System.nanoTime() - t));
                    }, callers));
                }
                List<Outcome> outcomes = new ArrayList<>();
                for (CompletableFuture<Outcome> c : calls) {
                    outcomes.add(c.get(120, TimeUnit.SECONDS));
                }
                List<Outcome> ok = outcomes.stream().filter(o -> o.kind().equals("ok")).toList();
                List<Outcome> listener = outcomes.stream().filter(o -> o.kind().equals("503:overload")).toList();
                List<Outcome> bulkhead = outcomes.stream().filter(o -> o.kind().equals("-32003:bulkhead")).toList();
                assertThat(ok.size() + listener.size() + bulkhead.size()).as(outcomes.stream().map(Outcome::kind).toList().toString())
                        .isEqualTo(OFFERED);
                // at most the upstream's 2 running + 2 waiting were served; the rest were refused
                assertThat(ok.size()).isBetween(1, 4);
                assertThat(listener).isNotEmpty();
                assertThat(bulkhead).isNotEmpty();
                listener.forEach(o -> assertThat(o.reply().header("Retry-After")).isEqualTo("1"));
                // refusals are fast: overload never turns into the slow calls' latency, let alone minutes
                for (Outcome o : listener) {
                    assertThat(o.took()).isLessThan(FAST);
                }
                for (Outcome o : bulkhead) {
                    assertThat(o.took()).isLessThan(FAST);
                    assertThat(o.reply().message().path("error").path("message").asString()).contains("at capacity");
                }
            } finally {
                callers.shutdownNow();
            }
            // once the load is gone the upstream serves again (its slots were all given back)
            ObjectNode p = Json.object().put("name", "slow__slow");
            p.putObject("arguments").put("ms", 1);
            assertThat(s.request("tools/call", p).path("result").path("content").get(0).path("text").asString())
                    .isEqualTo("done after 1 ms");
        }
    }
}
