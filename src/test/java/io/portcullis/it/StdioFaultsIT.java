package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import io.portcullis.upstream.Upstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The stdio fault-injection suite (issue #21 items 1, 3, 9, 10 and issue #11 item 21): the
 * project's own {@link FaultServer} misbehaves on command (an endless line, a huge result, a
 * child that stops reading stdin, garbage on stdout) and each test asserts what the client sees,
 * how soon (bounded, never exact), and that the upstream recovers.
 */
@Timeout(300)
class StdioFaultsIT {
    private static TestGateway gw;
    private static LegacySession session;

    @BeforeAll
    static void start() throws Exception {
        String fault = TestGateway.list(JvmPeers.testMain(FaultServer.class));
        // six JVM children start at once: on a loaded machine that can take longer than the harness's usual 30 s
        gw = TestGateway.startWithoutWaiting("""
                upstreams:
                  longline:
                    command: %1$s
                    timeout: 60s
                    max_line_bytes: 1048576
                  deaf:
                    command: %1$s
                    timeout: 3s
                    breaker: {enabled: false}   # 24 failing calls at once on purpose: the breaker is BreakerIT's (#14)
                  junk:
                    command: %1$s
                    timeout: 60s
                    protocol_tolerance: 3
                  spew:
                    command: %1$s
                    timeout: 60s
                    protocol_tolerance: 100000
                  hang:
                    command: %1$s
                    timeout: 300ms
                  orphan:
                    command: %1$s
                    timeout: 2s
                    breaker: {enabled: false}   # polled at 10 Hz while it is broken: the breaker is BreakerIT's (#14)
                """.formatted(fault));
        assertThat(gw.gateway().awaitUpstreams(Duration.ofSeconds(180))).isEmpty();
        session = LegacySession.open(gw.client(), "2025-11-25");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
    }

    static ObjectNode call(String tool, ObjectNode arguments) {
        ObjectNode p = Json.object().put("name", tool);
        p.set("arguments", arguments);
        return session.request("tools/call", p);
    }

    static ObjectNode call(String tool) {
        return call(tool, Json.object());
    }

    /** Calls {@code upstream__echo} until it answers (the upstream may be restarting); returns the child's pid. */
    static long echoPid(String upstream) throws InterruptedException {
        ObjectNode r = io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(45),
                () -> call(upstream + "__echo", Json.object().put("message", "ping")), x -> x.has("result"));
        String t = r.path("result").path("content").get(0).path("text").asString();
        return Long.parseLong(t.substring(4, t.indexOf(':')));
    }

    static long awaitNewPid(String upstream, long old) throws InterruptedException {
        return io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(45), () -> echoPid(upstream), pid -> pid != old);
    }

    static void assertUpstreamFailure(ObjectNode r, String upstream, String control) {
        JsonNode error = r.path("error");
        assertThat(error.path("code").asInt()).as(r.toString()).isEqualTo(-32003);
        assertThat(error.path("data").path("upstream").asString()).isEqualTo(upstream);
        assertThat(error.path("data").path("control").asString()).isEqualTo(control);
        assertThat(r.toString()).doesNotContain("Exception", "java.");
    }

    static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    @Test
    void robustness01_anEndlessLineFailsTheCallAtOnceAndTheChildIsRestarted() throws Exception {
        long before = echoPid("longline");
        long t0 = System.nanoTime();
        ObjectNode r = call("longline__endless");
        // the upstream's timeout is 60 s: the call fails when the line passes the limit, long before
        assertThat(millisSince(t0)).isLessThan(40_000); // bounded, well below the 60 s timeout (the machine may be loaded)
        assertUpstreamFailure(r, "longline", "upstream");
        assertThat(r.path("error").path("message").asString()).contains("longer than 1048576 bytes");
        long after = awaitNewPid("longline", before);
        assertThat(ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(after).isNotEqualTo(before);
        assertThat(gw.gateway().upstream("longline").orElseThrow().state()).isEqualTo(Upstream.State.READY);
    }

    @Test
    void robustness01_aHugeResultOverTheLineLimitFailsAtOnceAndTheChildIsRestarted() throws Exception {
        long before = echoPid("longline");
        long t0 = System.nanoTime();
        ObjectNode r = call("longline__huge", Json.object().put("bytes", 3 << 20));
        assertThat(millisSince(t0)).isLessThan(40_000); // bounded, well below the 60 s timeout (the machine may be loaded)
        assertUpstreamFailure(r, "longline", "upstream");
        assertThat(r.path("error").path("message").asString()).contains("longer than");
        awaitNewPid("longline", before);
        // a result under the limit still passes
        ObjectNode ok = call("longline__huge", Json.object().put("bytes", 100_000));
        assertThat(ok.path("result").path("content").get(0).path("text").asString()).hasSize(100_000);
    }

    @Test
    void robustness01_aChildThatDiesWhileItsStdoutStaysOpenIsNoticedAndRestarted() throws Exception {
        long before = echoPid("orphan");
        ObjectNode r = call("orphan__orphan");
        String text = r.path("result").path("content").get(0).path("text").asString();
        assertThat(text).as(r.toString()).startsWith("orphan ");
        long grandchild = Long.parseLong(text.substring("orphan ".length()));
        try {
            // the reader never sees the end of stdout (the grandchild holds it): the supervisor must notice
            long after = awaitNewPid("orphan", before);
            assertThat(after).isNotEqualTo(before);
            assertThat(gw.gateway().upstream("orphan").orElseThrow().status()).isEqualTo("ready");
        } finally {
            ProcessHandle.of(grandchild).ifPresent(ProcessHandle::destroy);
        }
    }

    @Test
    void robustness03_aChildThatStopsReadingStdinCannotHoldACallPastItsTimeout() throws Exception {
        long before = echoPid("deaf");
        assertUpstreamFailure(call("deaf__deaf"), "deaf", "timeout"); // the child now reads nothing
        String big = "z".repeat(512 * 1024); // more than a pipe holds: a blocking write would never return
        long t0 = System.nanoTime();
        ObjectNode r = CompletableFuture.supplyAsync(() -> call("deaf__echo", Json.object().put("message", big)),
                Thread::startVirtualThread)
                .get(30, TimeUnit.SECONDS);
        assertThat(millisSince(t0)).isLessThan(25_000); // the old code never answered
        assertUpstreamFailure(r, "deaf", "timeout");

        // more than the outbound queue holds: the surplus is refused at once, nothing waits on the pipe
        List<CompletableFuture<ObjectNode>> many = new ArrayList<>();
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        for (int i = 0; i < 24; i++) {
            many.add(CompletableFuture.supplyAsync(() -> call("deaf__echo", Json.object().put("message", big)), threads));
        }
        List<String> messages = new ArrayList<>();
        for (CompletableFuture<ObjectNode> f : many) {
            ObjectNode each = f.get(30, TimeUnit.SECONDS);
            assertThat(each.path("error").path("code").asInt()).as(each.toString()).isEqualTo(-32003);
            messages.add(each.path("error").path("message").asString());
        }
        threads.close();
        assertThat(messages).anySatisfy(m -> assertThat(m).contains("is not reading its input"));
        // recovery: the supervisor restarts a child that has not read for longer than its timeout allows
        awaitNewPid("deaf", before);
    }

    @Test
    void hardening21_aLineThatIsNotJsonFailsTheCallsInFlightAtOnce() throws Exception {
        long before = echoPid("junk");
        long t0 = System.nanoTime();
        ObjectNode r = call("junk__junk");
        assertThat(millisSince(t0)).isLessThan(40_000); // the timeout is 60 s
        assertUpstreamFailure(r, "junk", "upstream");
        assertThat(r.path("error").path("message").asString()).contains("junk", "not JSON");
        assertThat(echoPid("junk")).isEqualTo(before); // one violation is within the tolerance
        // past the tolerance (3) the upstream is restarted
        call("junk__spew", Json.object().put("lines", 10));
        awaitNewPid("junk", before);
    }

    @Test
    void robustness09_garbageIsLoggedOnceThenRateLimitedAndEscaped() throws Exception {
        echoPid("spew");
        try (LogLines gateway = new LogLines("io.portcullis.upstream"); LogLines child = new LogLines("upstream.spew")) {
            call("spew__spew", Json.object().put("lines", 1000));
            echoPid("spew"); // its answer comes after the 1,000 lines on the same stdout: they have all been read
            List<String> lines = new ArrayList<>(gateway.lines().stream().filter(l -> l.contains("spew")).toList());
            lines.addAll(child.lines());
            assertThat(lines).hasSizeLessThanOrEqualTo(5);
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("not JSON"));
            assertThat(String.join("\n", lines)).doesNotContain("\u001b", "\r");
        }
    }

    @Test
    void robustness10_anUpstreamWhoseCallsTimeOutIsNotReadyAndHealthSaysSo() throws Exception {
        echoPid("hang");
        Upstream hang = gw.gateway().upstream("hang").orElseThrow();
        assertThat(hang.status()).isEqualTo("ready");
        for (int i = 0; i < 3; i++) {
            assertUpstreamFailure(call("hang__hang"), "hang", "timeout");
        }
        assertThat(hang.status()).isEqualTo("unresponsive");
        HttpResponse<String> health = healthz(gw.port());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(Json.parse(health.body()).path("status").asString()).isEqualTo("degraded");
        // an answer makes it ready again
        echoPid("hang");
        assertThat(hang.status()).isEqualTo("ready");
    }

    @Test
    void robustness10_healthIsUnhealthyWhenNoUpstreamCanServe() throws Exception {
        try (TestGateway down = TestGateway.startWithoutWaiting("""
                upstreams:
                  missing:
                    command: ["/nonexistent/mcp-server"]
                """)) {
            HttpResponse<String> health = healthz(down.port());
            assertThat(health.statusCode()).isEqualTo(503);
            JsonNode body = Json.parse(health.body());
            assertThat(body.path("status").asString()).isEqualTo("unhealthy");
            assertThat(body.path("store").asString()).isEqualTo("ok");
            assertThat(body.path("upstreams").path("ready").asInt()).isZero();
            assertThat(health.body()).doesNotContain("nonexistent"); // no detail for the unauthenticated
        }
    }

    static HttpResponse<String> healthz(int port) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
