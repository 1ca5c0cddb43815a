package io.portcullis.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.identity.Principal;
import io.portcullis.ingress.detached.DetachedCall;
import io.portcullis.testing.ManualTicker;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.ProtocolVersion;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** The registry of the gateway's own tasks: ownership, limits, ttl and expiry, cancel and terminal states. */
class GatewayTasksTest {
    private final ManualTicker clock = new ManualTicker();
    private final GatewayTasks tasks = new GatewayTasks(clock, 2, 3);

    /** A task of {@code owner} around a detached call that is not started: the test ends it by hand. */
    private java.util.Optional<GatewayTask> open(ClientSession owner, tools.jackson.databind.JsonNode ttl, String approval, String message) {
        return tasks.open(owner, new DetachedCall<>(owner.key(), clock), ttl, approval, message);
    }

    private static GatewayTask.Outcome outcome(ObjectNode response) {
        return new GatewayTask.Outcome((ObjectNode) response.get("result"), null, null);
    }

    static ClientSession session() {
        Principal who = Principal.anonymous("prod", "c");
        return new ClientSession("s-" + System.nanoTime(), "prod", ProtocolVersion.V2025_11_25, Json.object(), Json.object(), who);
    }

    static ObjectNode result(String text, boolean error) {
        ObjectNode r = Json.object();
        r.putArray("content").addObject().put("type", "text").put("text", text);
        if (error) {
            r.put("isError", true);
        }
        return Json.object().set("result", r);
    }

    @Test
    void onlyTheCreatingSessionSeesATask() {
        ClientSession a = session();
        ClientSession b = session();
        GatewayTask t = open(a, null, "apr_1", "waiting for approval apr_1").orElseThrow();
        assertThat(tasks.find(a, t.id())).contains(t);
        assertThat(tasks.find(b, t.id())).isEmpty();
        assertThat(tasks.list(a)).containsExactly(t);
        assertThat(tasks.list(b)).isEmpty();
        ObjectNode d = t.describe(null);
        assertThat(d.path("status").asString()).isEqualTo("working");
        assertThat(d.path("statusMessage").asString()).contains("apr_1");
        assertThat(d.path("ttl").asLong()).isEqualTo(GatewayTasks.DEFAULT_TTL.toMillis());
        assertThat(d.path("createdAt").asString()).isEqualTo("2026-11-24T10:00:00Z");
    }

    @Test
    void sessionAndGatewayLimitsHold() {
        ClientSession a = session();
        ClientSession b = session();
        assertThat(open(a, null, "apr_1", "m")).isPresent();
        assertThat(open(a, null, "apr_2", "m")).isPresent();
        assertThat(open(a, null, "apr_3", "m")).as("per session").isEmpty();
        assertThat(open(b, null, "apr_4", "m")).isPresent();
        assertThat(open(session(), null, "apr_5", "m")).as("in all").isEmpty();
    }

    @Test
    void ttlIsTheClientsCappedAndCountsFromTheEnd() {
        assertThat(GatewayTasks.ttl(Json.object().numberNode(5000))).isEqualTo(Duration.ofSeconds(5));
        assertThat(GatewayTasks.ttl(Json.object().numberNode(86_400_000L))).isEqualTo(GatewayTasks.MAX_TTL);
        assertThat(GatewayTasks.ttl(Json.object().numberNode(0))).isEqualTo(GatewayTasks.MIN_TTL);
        assertThat(GatewayTasks.ttl(Json.object().stringNode("soon"))).isEqualTo(GatewayTasks.DEFAULT_TTL);

        ClientSession a = session();
        GatewayTask t = open(a, Json.object().numberNode(5000), "apr_1", "m").orElseThrow();
        clock.advance(Duration.ofMinutes(30)); // a working task is never expired, however long the approval takes
        assertThat(tasks.find(a, t.id())).isPresent();
        assertThat(t.call().finish(outcome(result("done", false)))).isTrue();
        clock.advance(Duration.ofMillis(4999));
        assertThat(tasks.find(a, t.id())).isPresent();
        clock.advance(Duration.ofMillis(1));
        assertThat(tasks.find(a, t.id())).isEmpty();
        assertThat(tasks.size()).isZero();
        assertThat(open(a, null, "apr_2", "m")).isPresent(); // its slot is free again
    }

    @Test
    void aClosedSessionsTasksAreForgotten() {
        ClientSession a = session();
        open(a, null, "apr_1", "m").orElseThrow();
        a.close();
        tasks.purge();
        assertThat(tasks.size()).isZero();
    }

    @Test
    void statusFollowsTheOutcomeAndTerminalStatesStay() throws Exception {
        ClientSession a = session();
        GatewayTask ok = open(a, null, "apr_1", "m").orElseThrow();
        assertThat(ok.outcome()).isNotDone();
        ok.call().finish(outcome(result("deleted", false)));
        assertThat(ok.status()).isEqualTo(GatewayTask.Status.COMPLETED);
        assertThat(ok.call().finish(outcome(result("again", true)))).isFalse();
        assertThat(ok.cancel()).isFalse();
        assertThat(ok.outcome().get().path("result").path("content").path(0).path("text").asString()).isEqualTo("deleted");

        GatewayTask refused = open(a, null, "apr_2", "m").orElseThrow();
        refused.call().finish(outcome(result("Refused by Portcullis (approval): approval apr_2 was denied", true)));
        assertThat(refused.status()).isEqualTo(GatewayTask.Status.FAILED);
        assertThat(refused.describe("ignored once terminal").path("statusMessage").asString()).contains("denied");
    }

    @Test
    void cancelStopsTheCallOnceAndWins() throws Exception {
        ClientSession a = session();
        GatewayTask t = open(a, null, "apr_1", "m").orElseThrow();
        AtomicInteger stopped = new AtomicInteger();
        t.call().onCancel(stopped::incrementAndGet);
        clock.advance(Duration.ofSeconds(3));
        assertThat(t.cancel()).isTrue();
        assertThat(stopped).hasValue(1);
        assertThat(t.status()).isEqualTo(GatewayTask.Status.CANCELLED);
        assertThat(t.describe(null).path("lastUpdatedAt").asString()).isEqualTo("2026-11-24T10:00:03Z");
        assertThat(t.outcome().get().path("result").path("isError").asBoolean()).isTrue();
        // the call's own end (the refusal "cancelled") comes later and changes nothing
        assertThat(t.call().finish(outcome(result("late", false)))).isFalse();
        assertThat(t.cancel()).isFalse();
        assertThat(stopped).hasValue(1);
        assertThat(t.status()).isEqualTo(GatewayTask.Status.CANCELLED);
    }
}
