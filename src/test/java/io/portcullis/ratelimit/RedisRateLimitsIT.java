package io.portcullis.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.call.GatewayException;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import io.portcullis.testing.Eventually;
import io.portcullis.testing.OwnRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * #14 item 3, "Cluster-wide": two limiters (two nodes' worth) on one Redis of the test's own (it is
 * stopped and started here; the shared Redis never is). N calls are allowed in total, not N per node;
 * with Redis stopped the configured fallback applies; with Redis back the limit is shared again.
 */
class RedisRateLimitsIT {
    private OwnRedis redis;
    private RateLimits nodeA;
    private RateLimits nodeB;
    private final Principal alice = new Principal("alice", Principal.Kind.USER, "alice", List.of(), "c", "dev", "jwt", null,
            null, "https://idp.example", null, List.of());
    private ToolEntry tool;

    @BeforeEach
    void setUp() throws Exception {
        redis = OwnRedis.launch();
        nodeA = new RateLimits();
        nodeB = new RateLimits();
    }

    @AfterEach
    void tearDown() throws Exception {
        nodeA.close();
        nodeB.close();
        redis.close();
    }

    private RateLimitConfig config(String fallback) throws Exception {
        GatewayConfig c = ConfigReader.parse("""
                environments: [dev]
                upstreams:
                  up: {command: [x]}
                catalog:
                  tools:
                    up__write: {owner: team-a, purpose: writes things, risk: state_changing}
                rate_limits:
                  redis: {url: "%s", key_prefix: "%s", timeout: 300ms}
                  on_redis_down: %s
                  environments:
                    dev:
                      limits:
                        - {id: per-user, per: principal, limit: 5, every: 1h}
                """.formatted(redis.url(), "it-" + UUID.randomUUID() + ":", fallback), "gw.yaml", Path.of("/tmp"), null);
        tool = io.portcullis.catalog.Catalogs.of(c, java.util.Map.of("up", listing())).tool("up__write").orElseThrow();
        return c.rateLimits();
    }

    private static tools.jackson.databind.node.ArrayNode listing() {
        var a = Json.array();
        a.addObject().put("name", "write").putObject("inputSchema").put("type", "object");
        return a;
    }

    /** The rule that refused, or "passed". */
    private String call(RateLimits node, int n) {
        try (RateLimits.Permit p = node.admit(alice, "dev", tool, Json.object().put("n", n))) {
            return "passed";
        } catch (GatewayException.Refused e) {
            return e.rule();
        }
    }

    @Test
    void oneUsersLimitIsSharedByBothNodes_NInTotalNotNPerNode() throws Exception {
        RateLimitConfig c = config("fail_closed");
        nodeA.apply(c);
        nodeB.apply(c);
        assertThat(call(nodeA, 1)).isEqualTo("passed");
        assertThat(call(nodeA, 2)).isEqualTo("passed");
        assertThat(call(nodeA, 3)).isEqualTo("passed");
        assertThat(call(nodeB, 4)).isEqualTo("passed");
        assertThat(call(nodeB, 5)).isEqualTo("passed");
        assertThat(call(nodeB, 6)).as("the sixth call in total, the second on B").isEqualTo("per-user");
        assertThat(call(nodeA, 7)).isEqualTo("per-user");
    }

    @Test
    void redisStopped_failClosedRefusesNamingRedis_andStartedAgainTheLimitIsSharedAgain() throws Exception {
        RateLimitConfig c = config("fail_closed");
        nodeA.apply(c);
        nodeB.apply(c);
        assertThat(call(nodeA, 1)).isEqualTo("passed");
        redis.stop();
        GatewayException.Refused r = null;
        try (RateLimits.Permit p = nodeB.admit(alice, "dev", tool, Json.object())) {
            // not reached
        } catch (GatewayException.Refused e) {
            r = e;
        }
        assertThat(r).as("refused while Redis is down").isNotNull();
        assertThat(r.control()).isEqualTo("rate-limit");
        assertThat(r.getMessage()).contains("Redis", "unreachable", "fail_closed");
        assertThat(r.retryAfterSeconds()).isEqualTo(1);
        assertThat(nodeB.redisDown()).isTrue();

        redis.start(); // empty: the buckets start full again, shared
        Eventually.eventually(Duration.ofSeconds(30), "node A reaches Redis again", () -> call(nodeA, 100).equals("passed"));
        Eventually.eventually(Duration.ofSeconds(30), "node B reaches Redis again", () -> call(nodeB, 101).equals("passed"));
        assertThat(nodeB.redisDown()).isFalse();
        // 2 of 5 used since the restart: three more in total, across both nodes
        assertThat(call(nodeA, 102)).isEqualTo("passed");
        assertThat(call(nodeB, 103)).isEqualTo("passed");
        assertThat(call(nodeA, 104)).isEqualTo("passed");
        assertThat(call(nodeB, 105)).isEqualTo("per-user");
    }

    @Test
    void redisStopped_localFallbackCountsOnEachNode() throws Exception {
        RateLimitConfig c = config("local");
        nodeA.apply(c);
        nodeB.apply(c);
        redis.stop();
        for (int i = 0; i < 5; i++) {
            assertThat(call(nodeA, i)).as("A " + i).isEqualTo("passed");
            assertThat(call(nodeB, i)).as("B " + i).isEqualTo("passed");
        }
        assertThat(call(nodeA, 9)).isEqualTo("per-user");
        assertThat(call(nodeB, 9)).isEqualTo("per-user");
        assertThat(nodeA.redisDown()).isTrue();
    }

    @Test
    void aNodeStartsWhileRedisIsDown_andSharesLimitsOnceItIsUp() throws Exception {
        RateLimitConfig c = config("fail_closed");
        redis.stop();
        nodeA.apply(c);
        assertThat(call(nodeA, 1)).as("fail closed").isNotEqualTo("passed");
        redis.start();
        Eventually.eventually(Duration.ofSeconds(30), "node A connects", () -> call(nodeA, 2).equals("passed"));
    }
}
