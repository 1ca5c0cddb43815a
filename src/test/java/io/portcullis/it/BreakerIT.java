package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import io.portcullis.resilience.Protection;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #14 item 1 (C6.1) through the real gateway, against a real HTTP upstream ({@link BreakerServer})
 * that answers 503, hangs, resets connections or dies: the breaker opens after the configured
 * failures, calls are refused while it is open without reaching the upstream, half-open probes
 * close it once the upstream is back; a {@code read_only} call is retried and succeeds, a
 * state-changing call is never sent twice (the upstream counts its calls). No sleeps: small
 * windows, and waits on the breaker's state.
 */
@Timeout(120)
class BreakerIT {
    private BreakerServer server;
    private TestGateway gw;
    private LegacySession session;

    /** A gateway in front of the server with a small breaker (4 calls, half failing opens it for 2 s, 2 probes). */
    private void start(String retry) throws Exception {
        start("{failure_rate: 50, window: 4, min_calls: 4, open_for: 2s, half_open_calls: 2}", retry);
    }

    private void start(String breaker, String retry) throws Exception {
        server = BreakerServer.start();
        gw = TestGateway.start("""
                upstreams:
                  rec:
                    url: %s
                    protocol: legacy
                    timeout: 5s
                    breaker: %s
                    retry: %s
                tools:
                  rec__write: {timeout: 300ms}
                  rec__read: {timeout: 300ms}
                """.formatted(server.url(), breaker, retry));
        session = LegacySession.open(gw.client(), "2025-11-25");
    }

    @AfterEach
    void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private ObjectNode call(String tool) {
        ObjectNode p = Json.object().put("name", "rec__" + tool);
        p.putObject("arguments");
        return session.request("tools/call", p);
    }

    private Protection protection() {
        return gw.gateway().upstream("rec").orElseThrow().protection();
    }

    static void eventually(Callable<Boolean> condition) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.call()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met within 30 s");
            }
            LockSupport.parkNanos(20_000_000); // poll pace
        }
    }

    /** The failures open it; then a call is refused by the breaker, naming it, without reaching the upstream. */
    private void assertOpensAfterFourFailures(String tool) {
        for (int i = 0; i < 4; i++) {
            ObjectNode r = call(tool);
            assertThat(r.path("error").path("data").path("upstream").asString()).as(r.toString()).isEqualTo("rec");
        }
        assertThat(protection().breakerState()).isEqualTo("open");
        int reached = server.calls(tool);
        ObjectNode refused = call(tool);
        assertThat(refused.path("result").path("isError").asBoolean()).as(refused.toString()).isTrue();
        JsonNode meta = refused.path("result").path("_meta").path("io.portcullis/refusal");
        assertThat(meta.path("control").asString()).isEqualTo("breaker");
        assertThat(meta.path("upstream").asString()).isEqualTo("rec");
        assertThat(meta.path("retryAfter").asLong()).isBetween(1L, 5L);
        assertThat(refused.path("result").path("content").get(0).path("text").asString())
                .contains("Refused by Portcullis (breaker)").contains("upstream rec").contains("tried again in");
        assertThat(server.calls(tool)).as("refused while open: never sent").isEqualTo(reached);
    }

    /** The upstream is back: after open_for, the probes go through and close the breaker. */
    private void assertProbesCloseIt(String tool) throws Exception {
        eventually(() -> !call(tool).path("result").path("_meta").has("io.portcullis/refusal")
                && protection().breakerState().equals("half_open"));
        assertThat(call(tool).path("result").path("content").get(0).path("text").asString()).isEqualTo(tool + " done");
        assertThat(protection().breakerState()).isEqualTo("closed");
    }

    @Test
    void item1_503sOpenTheBreakerCallsFailFastAndProbesCloseIt() throws Exception {
        start("{max_attempts: 1}");
        server.mode(BreakerServer.Mode.UNAVAILABLE);
        assertOpensAfterFourFailures("write");
        // tools/list keeps listing the upstream's tools, marked like the readiness gate marks them
        JsonNode tools = session.request("tools/list", null).path("result").path("tools");
        assertThat(LegacySession.names(tools)).contains("rec__read", "rec__write");
        for (JsonNode t : tools) {
            assertThat(t.path("description").asString()).startsWith("[upstream rec is failing (circuit breaker open)");
            assertThat(t.path("_meta").path("io.portcullis/breaker").path("state").asString()).isEqualTo("open");
        }
        // many calls while open: each one the breaker refuses is not sent (once open_for passes, probes are)
        int refusals = 0;
        for (int i = 0; i < 50; i++) {
            int reached = server.calls("write");
            ObjectNode r = call("write");
            if (r.path("result").path("_meta").path("io.portcullis/refusal").path("control").asString().equals("breaker")) {
                refusals++;
                assertThat(server.calls("write")).isEqualTo(reached);
            }
        }
        assertThat(refusals).isPositive();
        // each refusal is an audit record: failed, control breaker
        eventually(() -> gw.gateway().audit().query().search(io.portcullis.audit.AuditQuery.Filter.all()).stream()
                .anyMatch(x -> x.path("kind").asString().equals("call") && x.path("tool").path("name").asString().equals("rec__write")
                        && x.path("error").path("control").asString().equals("breaker")));
        server.mode(BreakerServer.Mode.OK);
        assertProbesCloseIt("write");
        assertThat(session.request("tools/list", null).path("result").path("tools").get(0).path("_meta")
                .has("io.portcullis/breaker")).isFalse();
    }

    @Test
    void item1_anUpstreamThatHangsOpensTheBreaker() throws Exception {
        start("{max_attempts: 1}");
        server.mode(BreakerServer.Mode.HANG);
        for (int i = 0; i < 4; i++) {
            ObjectNode r = call("write");
            assertThat(r.path("error").path("data").path("control").asString()).as(r.toString()).isEqualTo("timeout");
        }
        assertThat(protection().breakerState()).isEqualTo("open");
        ObjectNode refused = call("write");
        assertThat(refused.path("result").path("_meta").path("io.portcullis/refusal").path("control").asString()).isEqualTo("breaker");
        server.mode(BreakerServer.Mode.OK);
        assertProbesCloseIt("write");
    }

    @Test
    void item1_resetConnectionsOpenTheBreaker() throws Exception {
        start("{max_attempts: 1}");
        server.mode(BreakerServer.Mode.RESET);
        assertOpensAfterFourFailures("write");
        server.mode(BreakerServer.Mode.OK);
        assertProbesCloseIt("write");
    }

    @Test
    void item1_anUpstreamThatDiesOpensTheBreakerAndClosesItWhenBack() throws Exception {
        start("{max_attempts: 1}");
        server.die();
        assertOpensAfterFourFailures("write");
        server.revive();
        // the gateway reconnects; the probes then close the breaker
        eventually(() -> call("write").path("result").path("content").path(0).path("text").asString("").equals("write done")
                && protection().breakerState().equals("closed"));
    }

    @Test
    void item1_aReadOnlyCallIsRetriedAndSucceedsAStateChangingOneIsNeverSentTwice() throws Exception {
        start("{max_attempts: 3, backoff: 10ms, max_backoff: 50ms, budget_percent: 10, budget_min: 5}");
        server.failNext(2);
        ObjectNode r = call("read");
        assertThat(r.path("result").path("content").get(0).path("text").asString()).as(r.toString()).isEqualTo("read done");
        assertThat(server.calls("read")).as("two 503s, then the answer").isEqualTo(3);

        server.failNext(2);
        ObjectNode w = call("write");
        assertThat(w.path("error").path("data").path("control").asString()).as(w.toString()).isEqualTo("upstream");
        assertThat(w.path("error").path("message").asString()).contains("HTTP 503");
        assertThat(server.calls("write")).as("a state-changing call is sent once").isEqualTo(1);
    }

    @Test
    void item1_theRetryBudgetStopsRetriesFromAmplifyingAnOutage() throws Exception {
        // no floor, 10% of calls: 20 failing read_only calls may add at most 2 retries (3 attempts each otherwise)
        start("{enabled: false}", "{max_attempts: 3, backoff: 10ms, max_backoff: 20ms, budget_percent: 10, budget_min: 0, budget_window: 60s}");
        server.failNext(1_000);
        for (int i = 0; i < 20; i++) {
            ObjectNode r = call("read");
            assertThat(r.path("error").path("message").asString()).as(r.toString()).contains("HTTP 503");
        }
        assertThat(server.calls("read")).as("attempts: the 20 calls and at most 10% more, not 60").isBetween(20, 22);
    }
}
