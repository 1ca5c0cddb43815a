package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import io.portcullis.protocol.SseReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * SSE answers: progress from server-everything's long-running operation reaches the client with
 * the client's own progress token, then the result; a dropped stream is resumed with
 * Last-Event-ID.
 */
class StreamingIT {
    private static final String TOOL = "everything__trigger-long-running-operation";
    /** #12 item 7: the gateway of this class, started and stopped by the extension. */
    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.config(() -> """
                upstreams:
                  everything:
                    command: %s
                """.formatted(TestGateway.list(NpmPeers.everything()))).build();
    private static WireClient client;

    @BeforeAll
    static void start() throws Exception {
        client = gw.client();
    }

    static ObjectNode longRun(LegacySession s, Object token, double seconds, int steps) {
        ObjectNode p = Json.object().put("name", TOOL);
        p.putObject("arguments").put("duration", seconds).put("steps", steps);
        if (token instanceof String t) {
            p.putObject("_meta").put("progressToken", t);
        } else if (token instanceof Integer t) {
            p.putObject("_meta").put("progressToken", t);
        }
        return s.message("tools/call", p);
    }

    @Test
    void progressCarriesTheClientsTokenThenTheResult() throws Exception {
        LegacySession s = LegacySession.open(client, "2025-11-25");
        ObjectNode call = longRun(s, "my-token", 0.3, 3);
        try (SseStream stream = s.stream(call)) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.header("Content-Type")).startsWith("text/event-stream");
            for (int i = 1; i <= 3; i++) {
                SseReader.Event e = stream.next();
                assertThat(e.id()).matches("post-[\\w~-]+\\.[0-9a-z]+_\\d+"); // <stream>.<node epoch>_<seq> (#19 item 3)
                JsonNode n = Json.parse(e.data());
                assertThat(n.path("method").asString()).isEqualTo("notifications/progress");
                assertThat(n.path("params").path("progressToken").asString()).isEqualTo("my-token");
                assertThat(n.path("params").path("progress").asInt()).isEqualTo(i);
                assertThat(n.path("params").path("total").asInt()).isEqualTo(3);
            }
            ObjectNode result = stream.nextMessage();
            assertThat(result.path("id").asLong()).isEqualTo(call.path("id").asLong());
            assertThat(result.path("result").path("content").get(0).path("text").asString()).contains("Long running operation completed");
            assertThat(stream.endsWithin(Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void twoSessionsWithTheSameTokenGetOnlyTheirOwnProgress() throws Exception {
        LegacySession a = LegacySession.open(client, "2025-06-18");
        LegacySession b = LegacySession.open(client, "2025-06-18");
        try (SseStream sa = a.stream(longRun(a, 1, 0.4, 2)); SseStream sb = b.stream(longRun(b, 1, 0.4, 4))) {
            assertThat(drain(sa)).extracting(m -> m.path("method").asString("response"))
                    .containsExactly("notifications/progress", "notifications/progress", "response");
            List<JsonNode> fromB = drain(sb);
            assertThat(fromB).hasSize(5);
            assertThat(fromB.subList(0, 4)).allSatisfy(m -> assertThat(m.path("params").path("progressToken").asInt()).isEqualTo(1));
        }
    }

    @Test
    void noProgressTokenNoProgress() throws Exception {
        LegacySession s = LegacySession.open(client, "2025-11-25");
        WireReply r = s.post(longRun(s, null, 0.2, 2));
        assertThat(r.messages()).hasSize(1);
        assertThat(r.message().has("result")).isTrue();
    }

    @Test
    void aDroppedStreamIsResumedWithLastEventId() throws Exception {
        LegacySession s = LegacySession.open(client, "2025-11-25");
        ObjectNode call = longRun(s, "resume-me", 1.2, 4);
        String firstId;
        try (SseStream stream = s.stream(call)) {
            SseReader.Event first = stream.next();
            assertThat(Json.parse(first.data()).path("params").path("progress").asInt()).isEqualTo(1);
            firstId = first.id();
        } // the client goes away after the first event
        try (SseStream resumed = s.get(firstId)) {
            assertThat(resumed.status()).isEqualTo(200);
            List<JsonNode> rest = drain(resumed);
            assertThat(rest).extracting(m -> m.path("params").path("progress").asInt(-1)).containsExactly(2, 3, 4, -1);
            assertThat(rest.getLast().path("id").asLong()).isEqualTo(call.path("id").asLong());
            assertThat(rest.getLast().path("result").path("content").get(0).path("text").asString()).contains("completed");
        }
        // later, from the same point again: the same events, and the stream ends at once
        try (SseStream again = s.get(firstId)) {
            assertThat(drain(again)).hasSize(4);
        }
    }

    /** 2025-11-25: every SSE stream opens with a priming event (an id, empty data) that can be resumed from. */
    @Test
    void aStreamOpensWithAPrimingEventThatResumesFromTheStart() throws Exception {
        LegacySession s = LegacySession.open(client, "2025-11-25");
        ObjectNode call = longRun(s, "primed", 1.2, 4);
        String primingId;
        try (SseStream stream = s.stream(call)) {
            stream.next(); // the first message arrives after the priming event
            assertThat(stream.primed()).hasSize(1);
            primingId = stream.primed().getFirst();
            assertThat(primingId).matches("post-[\\w~-]+\\.[0-9a-z]+_\\d+"); // <stream>.<node epoch>_<seq> (#19 item 3)
        } // the client loses the stream
        try (SseStream resumed = s.get(primingId)) {
            assertThat(resumed.status()).isEqualTo(200);
            List<JsonNode> all = drain(resumed);
            assertThat(all).extracting(m -> m.path("params").path("progress").asInt(-1)).containsExactly(1, 2, 3, 4, -1);
            assertThat(all.getLast().path("id").asLong()).isEqualTo(call.path("id").asLong());
        }
        try (SseStream get = s.get(null)) {
            assertThat(get.poll(Duration.ofMillis(500))).isEmpty(); // nothing queued; the priming id is still sent
            assertThat(get.primed()).singleElement().asString().matches("get\\.[0-9a-z]+_\\d+");
        }
    }

    @Test
    void erasBefore20251125GetNoPrimingEvent() throws Exception {
        LegacySession s = LegacySession.open(client, "2025-06-18");
        try (SseStream stream = s.stream(longRun(s, "old", 0.2, 2))) {
            assertThat(drain(stream)).hasSize(3);
            assertThat(stream.primed()).isEmpty();
        }
    }

    @Test
    void resumptionAfterTheLastEventEndsAtOnce() throws Exception {
        LegacySession s = LegacySession.open(client, "2025-11-25");
        WireReply done = s.post(longRun(s, "t", 0.2, 2));
        List<SseReader.Event> events = done.events();
        assertThat(events).hasSize(3);
        try (SseStream resumed = s.get(events.getLast().id())) {
            assertThat(resumed.endsWithin(Duration.ofSeconds(10))).isTrue();
        }
        try (SseStream resumed = s.get(events.getFirst().id())) {
            assertThat(drain(resumed)).hasSize(2);
        }
    }

    @Test
    void aModernCallStreamsProgressWithoutEventIds() throws Exception {
        ObjectNode p = Json.object().put("name", TOOL);
        p.putObject("arguments").put("duration", 0.2).put("steps", 2);
        ObjectNode req = ModernRequests.request(8, "tools/call", p);
        ((ObjectNode) req.path("params").path("_meta")).put("progressToken", "m");
        try (SseStream stream = ModernRequests.stream(client, req)) {
            assertThat(stream.status()).isEqualTo(200);
            List<SseReader.Event> events = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                events.add(stream.next());
            }
            assertThat(events).allSatisfy(e -> assertThat(e.id()).isNull());
            assertThat(Json.parse(events.get(0).data()).path("params").path("progressToken").asString()).isEqualTo("m");
            JsonNode result = Json.parse(events.get(2).data()).path("result");
            assertThat(result.path("resultType").asString()).isEqualTo("complete");
        }
    }

    /** Every message until the stream ends. */
    static List<JsonNode> drain(SseStream stream) throws InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        while (true) {
            var e = stream.poll(Duration.ofSeconds(30));
            if (e.isEmpty()) {
                return out;
            }
            out.add(Json.parse(e.get().data()));
        }
    }
}
