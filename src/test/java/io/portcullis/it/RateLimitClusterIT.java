package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import io.portcullis.testing.Eventually;
import io.portcullis.testing.OwnRedis;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #14 item 3 (C6.3), shown on the wire: two gateway nodes on one PostgreSQL schema and one Redis
 * (the test's own redis-server: it is stopped mid-run). One user's limit is shared by both nodes;
 * a scripted client calling the same tool with the same arguments in a tight loop is cut off by the
 * loop breaker while another user is unaffected; too many new sessions are refused with HTTP 429
 * and Retry-After; with Redis stopped the configured fallback (fail_closed) refuses naming Redis,
 * and with Redis started again the limits are shared again.
 */
class RateLimitClusterIT {
    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static final String SCHEMA = "rl_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static OwnRedis redis;
    private static TestGateway nodeA;
    private static TestGateway nodeB;
    private static String alice;
    private static String bob;
    private static String carol;
    private static String dave;

    @BeforeAll
    static void start() throws Exception {
        try (Connection c = DriverManager.getConnection(PG); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + SCHEMA);
        }
        redis = OwnRedis.launch();
        String yaml = """
                upstreams:
                  demo:
                    command: %s
                store:
                  url: "%s&currentSchema=%s"
                identity:
                  api_keys: {enabled: true}
                rate_limits:
                  redis: {url: "%s", key_prefix: "%s", timeout: 500ms}
                  on_redis_down: fail_closed
                  environments:
                    default:
                      limits:
                        - {id: per-user, per: principal, limit: 6, every: 1h}
                      loop: {max: 3, within: 1h}
                      new_sessions: {limit: 2, every: 1h}
                """.formatted(TestGateway.list(JvmPeers.demo()), PG, SCHEMA, redis.url(), "rl-it-" + UUID.randomUUID() + ":");
        nodeA = TestGateway.start(yaml);
        nodeB = TestGateway.start(yaml);
        var keys = nodeA.gateway().identity().store();
        Instant expires = Instant.now().plus(Duration.ofDays(1));
        alice = keys.createKey("alice", "dev", List.of("default"), expires, "test").secret();
        bob = keys.createKey("bob", "dev", List.of("default"), expires, "test").secret();
        carol = keys.createKey("carol", "dev", List.of("default"), expires, "test").secret();
        dave = keys.createKey("dave", "dev", List.of("default"), expires, "test").secret();
        for (String k : List.of(alice, bob, carol, dave)) {
            knownOnNodeB(k);
        }
    }

    /** A key created on node A reaches node B with B's next refresh of the shared store: wait for it, never race it. */
    private static String knownOnNodeB(String key) {
        Eventually.eventually(Duration.ofSeconds(30), "node B knows the API key created on node A",
                () -> nodeB.gateway().identity().store().verifyKey(key) != null);
        return key;
    }

    @AfterAll
    static void stop() throws Exception {
        if (nodeA != null) {
            nodeA.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
        if (redis != null) {
            redis.close();
        }
        try (Connection c = DriverManager.getConnection(PG); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    /** A 2026-07-28 tools/call of demo__echo; the result. */
    private static JsonNode echo(TestGateway node, String key, String message) {
        ObjectNode p = Json.object().put("name", "demo__echo");
        p.putObject("arguments").put("message", message);
        WireReply r = ModernRequests.post(node.client(), ModernRequests.request(1, "tools/call", p), "Authorization", "Bearer " + key);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.message().path("result");
    }

    private static String refusedBy(JsonNode result) {
        return result.path("isError").asBoolean(false)
                ? result.path("_meta").path("io.portcullis/refusal").path("rule").asString("(no rule)") : "passed";
    }

    @Test
    void oneUsersLimitIsSharedByBothNodes() {
        for (int i = 0; i < 3; i++) {
            assertThat(refusedBy(echo(nodeA, alice, "a" + i))).isEqualTo("passed");
            assertThat(refusedBy(echo(nodeB, alice, "b" + i))).isEqualTo("passed");
        }
        JsonNode refused = echo(nodeB, alice, "b-last");
        assertThat(refusedBy(refused)).as("6 in total across the nodes, not 6 per node").isEqualTo("per-user");
        JsonNode refusal = refused.path("_meta").path("io.portcullis/refusal");
        assertThat(refusal.path("control").asString()).isEqualTo("rate-limit");
        assertThat(refusal.path("retryAfter").asLong()).isBetween(1L, 600L);
        assertThat(refused.path("content").get(0).path("text").asString())
                .contains("rate-limit", "per-user", "6 per 1h per principal", "retry after");
        assertThat(refusedBy(echo(nodeA, alice, "a-last"))).isEqualTo("per-user");
        assertThat(refusedBy(echo(nodeA, bob, "bob"))).as("bob's bucket is his own").isEqualTo("passed");
    }

    @Test
    void aRunawayLoopIsCutOffByTheLoopBreaker_anotherUserIsUnaffected() {
        int passed = 0;
        String cutBy = null;
        for (int i = 0; i < 10 && cutBy == null; i++) {
            String r = refusedBy(echo(i % 2 == 0 ? nodeA : nodeB, carol, "same"));
            if (r.equals("passed")) {
                passed++;
            } else {
                cutBy = r;
            }
        }
        assertThat(cutBy).isEqualTo("loop");
        assertThat(passed).as("3 identical calls, on either node").isEqualTo(3);
        JsonNode again = echo(nodeB, carol, "same");
        assertThat(again.path("content").get(0).path("text").asString()).contains("loop breaker", "demo__echo", "more than 3 times");
        assertThat(refusedBy(echo(nodeA, dave, "same"))).as("another user").isEqualTo("passed");
        // a refused call is audited like every refusal (the audit stage wraps rate-limit), on the node that refused it
        var records = nodeB.gateway().audit().query().search(new io.portcullis.audit.AuditQuery.Filter("carol", "demo__echo",
                null, null, null, null, "call", 100));
        assertThat(records).anyMatch(r -> r.path("decision").path("outcome").asString().equals("refused")
                && r.path("decision").path("control").asString().equals("rate-limit"));
        assertThat(refusedBy(echo(nodeA, carol, "different"))).as("other arguments").isEqualTo("passed");
    }

    @Test
    void tooManyNewSessionsAreRefusedWith429AndRetryAfter() {
        String body = Json.write(LegacySession.initialize(0, "2025-11-25", Json.object()));
        String frank = nodeA.gateway().identity().store().createKey("frank", "dev", List.of("default"),
                Instant.now().plus(Duration.ofDays(1)), "test").secret();
        assertThat(nodeA.client().post(body, "Authorization", "Bearer " + frank).status()).isEqualTo(200);
        assertThat(nodeB.client().post(body, "Authorization", "Bearer " + frank).status()).isEqualTo(200);
        WireReply third = nodeA.client().post(body, "Authorization", "Bearer " + frank);
        assertThat(third.status()).as(third.toString()).isEqualTo(429);
        assertThat(Long.parseLong(third.header("Retry-After"))).isBetween(1L, 3600L);
        assertThat(third.message().path("error").path("data").path("control").asString()).isEqualTo("rate-limit");
        assertThat(third.message().path("error").path("data").path("rule").asString()).isEqualTo("new_sessions");
    }

    @Test
    void redisStoppedMidRunGivesTheFallback_startedAgainRestoresSharedLimits() throws Exception {
        String erin = knownOnNodeB(nodeA.gateway().identity().store().createKey("erin", "dev", List.of("default"),
                Instant.now().plus(Duration.ofDays(1)), "test").secret());
        assertThat(refusedBy(echo(nodeA, erin, "e0"))).isEqualTo("passed");
        redis.stop();
        try {
            JsonNode down = echo(nodeB, erin, "e1");
            assertThat(down.path("isError").asBoolean()).isTrue();
            assertThat(down.path("_meta").path("io.portcullis/refusal").path("control").asString()).isEqualTo("rate-limit");
            assertThat(down.path("content").get(0).path("text").asString()).contains("Redis", "unreachable", "fail_closed");
        } finally {
            redis.start();
        }
        // Redis comes back empty: erin's buckets start full, and both nodes count into them again
        Eventually.eventually(Duration.ofSeconds(30), "node B shares limits again",
                () -> refusedBy(echo(nodeB, erin, "e2-" + System.nanoTime())).equals("passed"));
        Eventually.eventually(Duration.ofSeconds(30), "node A shares limits again",
                () -> refusedBy(echo(nodeA, erin, "e3-" + System.nanoTime())).equals("passed"));
        int more = 0;
        for (int i = 0; i < 10 && refusedBy(echo(i % 2 == 0 ? nodeA : nodeB, erin, "e4-" + i)).equals("passed"); i++) {
            more++;
        }
        assertThat(more).as("6 per hour in total since the restart, 2 of them used").isEqualTo(4);
    }
}
