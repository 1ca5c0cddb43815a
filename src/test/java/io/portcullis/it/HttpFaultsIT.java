package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditQuery;
import io.portcullis.protocol.Json;
import io.portcullis.testing.Eventually;
import io.portcullis.upstream.Upstream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Faults of an HTTP upstream (issue #21 items 2, 4, 7, 8; #11 item 21) through the real gateway:
 * the misbehaving {@link HttpFaultServer} on loopback, a client session on the wire. Each case
 * asserts what the client sees, within a bounded time, and that the upstream keeps serving.
 */
class HttpFaultsIT {
    private static HttpFaultServer server;
    private static TestGateway gw;
    private static LegacySession session;

    @BeforeAll
    static void start() throws Exception {
        server = HttpFaultServer.start();
        gw = TestGateway.start("""
                upstreams:
                  fault:
                    url: %s
                    protocol: legacy
                    timeout: 60s
                tools:
                  fault__slow: {timeout: 300ms}
                """.formatted(server.url()));
        session = LegacySession.open(gw.client(), "2025-11-25");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gw != null) {
            gw.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static ObjectNode call(LegacySession s, String tool, String message) {
        ObjectNode p = Json.object().put("name", "fault__" + tool);
        p.putObject("arguments").put("message", message);
        return s.request("tools/call", p);
    }

    static String text(ObjectNode response) {
        return response.path("result").path("content").get(0).path("text").asString();
    }

    /** The call's audit record, by the message it carried. */
    static JsonNode record(String tool, String message) throws Exception {
        Optional<? extends JsonNode> found = Eventually.eventually(Duration.ofSeconds(10),
                () -> gw.gateway().audit().query().search(AuditQuery.Filter.all()).stream()
                        .filter(x -> x.path("kind").asString().equals("call") && x.path("tool").path("name").asString().equals("fault__" + tool)
                                && x.toString().contains(message))
                        .findFirst(), Optional::isPresent);
        return found.orElseThrow(() -> new AssertionError("no audit record for " + tool + " " + message));
    }

    static void assertNoInternals(Object shown) {
        // no Java class names, no object dumps with internal addresses, no local ports
        assertThat(shown.toString()).doesNotContain("Exception", "java.", "org.eclipse", "@", "HttpConnection", "127.0.0.1");
    }

    /** #21 item 2 through the gateway: more never-ending SSE answers than the shared pool holds (256). */
    @Test
    @Timeout(240)
    void item2_moreNeverEndingSseAnswersThanThePoolHoldsAreAllServed() {
        for (int i = 0; i < 300; i++) {
            ObjectNode r = call(session, "sse_forever", "s" + i);
            assertThat(text(r)).as("call %d: %s", i, r).isEqualTo("s" + i);
        }
        assertThat(gw.gateway().upstream("fault").orElseThrow().state()).isEqualTo(Upstream.State.READY);
    }

    /** #21 item 4: the audit record of a timed-out call says whether the upstream was reached. */
    @Test
    void item4_theAuditRecordOfATimeoutSaysTheUpstreamWasReached() throws Exception {
        ObjectNode r = call(session, "slow", "timed-out-call");
        assertThat(r.path("error").path("data").path("control").asString()).as(r.toString()).isEqualTo("timeout");
        JsonNode rec = record("slow", "timed-out-call");
        assertThat(rec.path("error").path("control").asString()).isEqualTo("timeout");
        assertThat(rec.path("error").path("upstream_reached").isBoolean()).as(rec.toString()).isTrue();
        assertThat(rec.path("error").path("upstream_reached").asBoolean()).isTrue();
    }

    /** #21 item 7: about 40 MB of JSON is cut off at the bounded read and refused at once by the result limit. */
    @Test
    @Timeout(90)
    void item7_aHugeJsonAnswerIsRefusedAtOnceByTheResultLimit() {
        assertHugeRefused("huge");
    }

    /** #21 item 7: the same as one SSE event. */
    @Test
    @Timeout(90)
    void item7_aHugeSseAnswerIsRefusedAtOnceByTheResultLimit() {
        assertHugeRefused("huge_sse");
    }

    private static void assertHugeRefused(String tool) {
        long t0 = System.nanoTime();
        ObjectNode r = call(session, tool, "big");
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(r.path("result").path("isError").asBoolean()).as(r.toString()).isTrue();
        assertThat(r.path("result").path("_meta").path("io.portcullis/refusal").path("control").asString()).as(r.toString()).isEqualTo("result-limit");
        assertNoInternals(r);
        // the upstream's timeout is 60 s: the refusal comes well before it (a loose bound: the machine may be busy)
        assertThat(took).isLessThan(Duration.ofSeconds(40));
        assertThat(text(call(session, "echo", "after " + tool))).isEqualTo("after " + tool);
    }

    /** #21 item 8: a connection reset is one clear reason, without Jetty's object dump, to the client and the audit record. */
    @Test
    void item8_aResetIsAClearReasonWithoutInternals() throws Exception {
        ObjectNode r = call(session, "reset", "reset-call");
        assertThat(r.path("error").path("data").path("control").asString()).as(r.toString()).isEqualTo("upstream");
        assertThat(r.path("error").path("message").asString()).contains("fault").contains("closed the connection");
        assertNoInternals(r);
        JsonNode rec = record("reset", "reset-call");
        assertThat(rec.path("error").path("message").asString()).contains("closed the connection");
        assertNoInternals(rec.path("error"));
        assertThat(text(call(session, "echo", "after reset"))).isEqualTo("after reset");
    }

    /** #11 item 21: a POST stream that ends before the answer (SEP-1699 polling) is resumed with GET and Last-Event-ID. */
    @Test
    @Timeout(60)
    void item21_aPolledCallIsResumedWithLastEventId() {
        int before = server.resumptions.get();
        long t0 = System.nanoTime();
        ObjectNode r = call(session, "poll", "polled");
        assertThat(text(r)).as(r.toString()).isEqualTo("polled");
        assertThat(server.resumptions.get()).isEqualTo(before + 1);
        // not at the upstream's 60 s timeout: after the server's 200 ms retry delay
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    }

    /** #11 item 21: an upstream that declares resources but has no resources/templates/list is ready, with its resources. */
    @Test
    void item21_aMissingOptionalListIsEmpty() {
        assertThat(gw.gateway().upstream("fault").orElseThrow().state()).isEqualTo(Upstream.State.READY);
        JsonNode resources = session.request("resources/list", null).path("result").path("resources");
        assertThat(resources.toString()).contains("fault://one");
        assertThat(session.request("resources/templates/list", null).path("result").path("resourceTemplates").size()).isZero();
    }

    /** #11 item 21: tools/list keeps the upstream's own order. */
    @Test
    void item21_toolsListKeepsTheUpstreamsOrder() {
        List<String> names = session.toolNames().stream().filter(n -> n.startsWith("fault__")).toList();
        assertThat(names).containsExactlyElementsOf(HttpFaultServer.TOOLS.stream().map(t -> "fault__" + t).toList());
    }

    /** #11 item 21: a session that never sent logging/setLevel gets the upstream's log messages about its call. */
    @Test
    @Timeout(60)
    void item21_logMessagesOfACallReachASessionThatNeverSetALevel() throws Exception {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
        ObjectNode p = Json.object().put("name", "fault__log_tied");
        p.putObject("arguments").put("message", "m1");
        try (SseStream stream = s.stream(s.message("tools/call", p))) {
            ObjectNode first = stream.nextMessage();
            assertThat(first.path("method").asString()).as(first.toString()).isEqualTo("notifications/message");
            assertThat(first.path("params").path("data").asString()).isEqualTo("tied to m1");
            assertThat(stream.nextMessage().path("result").path("content").get(0).path("text").asString()).isEqualTo("m1");
        }
    }

    /** #11 item 21: a log message not tied to a call reaches the sessions of that upstream, at their level. */
    @Test
    @Timeout(60)
    void item21_logMessagesNotTiedToACallReachTheSessionsOfThatUpstream() throws Exception {
        LegacySession user = LegacySession.open(gw.client(), "2025-11-25");
        LegacySession quiet = LegacySession.open(gw.client(), "2025-11-25");
        assertThat(quiet.request("logging/setLevel", Json.object().put("level", "error")).has("result")).isTrue();
        LegacySession stranger = LegacySession.open(gw.client(), "2025-11-25");
        assertThat(text(call(user, "echo", "hello"))).isEqualTo("hello");
        assertThat(text(call(quiet, "echo", "hello"))).isEqualTo("hello");
        try (SseStream userGet = user.get(null); SseStream quietGet = quiet.get(null); SseStream strangerGet = stranger.get(null)) {
            assertThat(text(call(user, "log_untied", "u1"))).isEqualTo("u1");
            assertThat(nextLog(userGet).path("params").path("data").asString()).isEqualTo("untied u1");
            // an info line is below the quiet session's level, and the stranger never used this upstream
            assertThat(text(call(user, "log_untied", "u2"))).isEqualTo("u2");
            assertThat(nextLog(userGet).path("params").path("data").asString()).isEqualTo("untied u2");
            // delivered to all sessions at once: by now the others would have theirs
            assertThat(logsWithin(quietGet, Duration.ofMillis(300))).isZero();
            assertThat(logsWithin(strangerGet, Duration.ofMillis(300))).isZero();
        }
    }

    private static ObjectNode nextLog(SseStream s) throws InterruptedException {
        try {
            var e = Eventually.eventually(Duration.ofSeconds(20), () -> s.poll(Duration.ofSeconds(1)),
                    x -> x.isPresent() && x.get().data().contains("notifications/message"));
            return (ObjectNode) Json.parse(e.get().data());
        } catch (AssertionError none) {
            throw new AssertionError("no log message on the GET stream", none);
        }
    }

    /**
     * Counts log messages arriving within {@code wait}: used only right after the session that should
     * get a message has it (delivery is to all sessions at once), so the window bounds a proven race.
     */
    private static int logsWithin(SseStream s, Duration wait) throws InterruptedException {
        int n = 0;
        long end = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < end) {
            var e = s.poll(Duration.ofMillis(50));
            if (e.isPresent() && e.get().data() != null && e.get().data().contains("notifications/message")) {
                n++;
            }
        }
        return n;
    }
}
