package io.portcullis.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.portcullis.settings.UpstreamConfig;
import io.portcullis.it.HttpFaultServer;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Relay;
import io.portcullis.protocol.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.node.ObjectNode;

/**
 * The HTTP exchanges of an upstream's calls, against a real misbehaving server on loopback and an
 * HTTP client whose pool holds only {@value #POOL} connections, so that a leak or a late send
 * shows within a few calls: #21 items 2 and 4.
 */
class HttpExchangesTest {
    private static final int POOL = 3;
    private HttpFaultServer server;
    private HttpClient client;
    private Upstream upstream;

    @BeforeEach
    void start() throws Exception {
        server = HttpFaultServer.start();
        client = HttpConnection.newClient();
        client.setMaxConnectionsPerDestination(POOL);
        UpstreamConfig cfg = new UpstreamConfig("fault", UpstreamConfig.Transport.HTTP, List.of(), Map.of(), null, server.url(),
                Map.of(), "fault", Duration.ofSeconds(5), "2025-11-25", UpstreamConfig.Protocol.LEGACY);
        upstream = new Upstream(cfg, u -> { }, client);
        upstream.start();
        assertThat(upstream.awaitReady(Duration.ofSeconds(20))).isTrue();
    }

    @AfterEach
    void stop() throws Exception {
        upstream.close();
        client.stop();
        server.close();
    }

    private ObjectNode call(String tool, String message, Duration timeout) throws GatewayException {
        ObjectNode p = Json.object().put("name", tool);
        p.putObject("arguments").put("message", message);
        return upstream.request("tools/call", p, timeout, Relay.NONE);
    }

    private static String text(ObjectNode result) {
        return result.path("content").get(0).path("text").asString();
    }

    /**
     * #21 item 2: an SSE answer that never ends is released once its call is answered, so that
     * more such calls than the pool holds all succeed (before: the pool filled up, and every
     * later call timed out while the upstream was "ready").
     */
    @Test
    @Timeout(60)
    void item2_neverEndingSseAnswersAreReleasedWhenTheirCallEnds() throws Exception {
        for (int i = 0; i < POOL * 4; i++) {
            assertThat(text(call("sse_forever", "stream " + i, Duration.ofSeconds(5)))).isEqualTo("stream " + i);
        }
        // timed-out and cancelled calls release their exchange too
        server.release(); // nothing waits yet: the next slow calls wait for the next release
        for (int i = 0; i < POOL * 2; i++) {
            GatewayException e = catchThrowableOfType(GatewayException.class, () -> call("slow", "t", Duration.ofMillis(200)));
            assertThat(e.control()).isEqualTo("timeout");
        }
        assertThat(text(call("echo", "still served", Duration.ofSeconds(5)))).isEqualTo("still served");
    }

    /**
     * #21 item 4: calls queued in the HTTP client when their deadline passes are never sent. The
     * pool is held by slow calls, five more time out in the queue, then the pool frees up: the
     * five must not reach the upstream, and each failure says the upstream was not reached.
     */
    @Test
    @Timeout(60)
    void item4_aCallWhoseDeadlinePassedInTheQueueIsNeverSent() throws Exception {
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            List<Future<ObjectNode>> holders = new ArrayList<>();
            int busy = POOL - 1; // the session's GET stream holds one of the pool's connections
            for (int i = 0; i < busy; i++) {
                String m = "holder " + i;
                holders.add(threads.submit(() -> call("slow", m, Duration.ofSeconds(20))));
            }
            io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(10),
                    () -> assertThat(server.arrivals).hasSize(busy)); // the pool is now busy
            List<Future<GatewayException>> queued = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String m = "queued " + i;
                queued.add(threads.submit(() -> catchThrowableOfType(GatewayException.class,
                        () -> call("echo", m, Duration.ofMillis(300)))));
            }
            for (Future<GatewayException> q : queued) {
                GatewayException e = q.get();
                assertThat(e).isInstanceOf(GatewayException.UpstreamFailure.class);
                assertThat(e.control()).isEqualTo("timeout");
                assertThat(((GatewayException.UpstreamFailure) e).reached()).isEqualTo(Boolean.FALSE);
            }
            server.release();
            for (Future<ObjectNode> h : holders) {
                assertThat(text(h.get())).startsWith("holder");
            }
            // the queue is first-in first-out: once a later call is answered, nothing queued before it is still to come
            assertThat(text(call("echo", "marker", Duration.ofSeconds(5)))).isEqualTo("marker");
            assertThat(server.arrivals).noneMatch(m -> m.startsWith("queued"));
        } finally {
            threads.shutdownNow();
        }
    }

    /** #21 item 4: a call that timed out after it was sent says so (the action may have happened). */
    @Test
    @Timeout(30)
    void item4_aCallThatTimedOutAfterItWasSentSaysTheUpstreamWasReached() throws Exception {
        GatewayException e = catchThrowableOfType(GatewayException.class, () -> call("slow", "sent", Duration.ofMillis(300)));
        assertThat(e.control()).isEqualTo("timeout");
        assertThat(((GatewayException.UpstreamFailure) e).reached()).isEqualTo(Boolean.TRUE);
        assertThat(server.arrivals).contains("sent");
    }

    /** #21 item 7: an SSE event over the bound is cut off and refused by the result limit, long before the timeout. */
    @Test
    @Timeout(120)
    void item7_aHugeSseEventIsRefusedByTheResultLimit() {
        for (String tool : List.of("huge", "huge_sse")) {
            GatewayException e = catchThrowableOfType(GatewayException.class, () -> call(tool, "big", Duration.ofSeconds(100)));
            assertThat(e).as(tool).isInstanceOf(GatewayException.Refused.class);
            assertThat(e.control()).isEqualTo("result-limit");
        }
    }
}
