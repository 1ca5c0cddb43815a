package io.portcullis.pipeline.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bucket4j.TimeMeter;
import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.GatewayException;
import io.portcullis.identity.Principal;
import io.portcullis.ratelimit.RateLimits;
import io.portcullis.testing.ManualTicker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * #14 item 3 (C6.3): the {@code rate-limit} stage with in-process buckets on a hand-moved clock.
 * Attack first: each test is a caller trying to get past a limit.
 */
class RateLimitStageTest {
    static final String YAML = """
            environments: [dev, {name: prod, production: true}]
            upstreams:
              up: {command: [x]}
            catalog:
              tools:
                up__read: {owner: team-a, purpose: reads things, risk: read_only}
                up__write: {owner: team-a, purpose: writes things, risk: state_changing}
                up__drop: {owner: team-a, purpose: drops things, risk: irreversible}
            rate_limits:
              environments:
                dev:
                  limits:
                    - {id: user-writes, per: principal, kinds: [user], risk: [state_changing], limit: 3, every: 1m}
                    - {id: service-irreversible, per: principal, kinds: [service], risk: [irreversible], limit: 2, every: 1h}
                    - {id: per-client, per: client, limit: 50, every: 1m}
                  loop: {max: 4, within: 10s}
                  concurrency_per_principal: 2
            """;
    static final String LISTING = """
            - {name: read, inputSchema: {type: object}}
            - {name: write, inputSchema: {type: object}}
            - {name: drop, inputSchema: {type: object}}
            """;
    static final Principal ALICE = StageWorld.user("alice", List.of("dev"), "dev");
    static final Principal BOB = StageWorld.user("bob", List.of("dev"), "dev");
    static final Principal ROBOT = new Principal("robot", Principal.Kind.SERVICE, "robot", List.of(), "ci", "dev", "api_key",
            "k1", null, "portcullis", null, List.of());
    private static final CallHandler OK = c -> StageWorld.text("ok");

    private final ManualTicker ticker = new ManualTicker(Instant.parse("2026-01-01T00:00:00Z"));
    private StageWorld world;
    private RateLimits limits;
    private RateLimit stage;

    @BeforeEach
    void setUp() throws Exception {
        world = StageWorld.of(YAML, Map.of("up", StageWorld.tools(LISTING)));
        limits = new RateLimits(new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                Instant now = ticker.instant();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        });
        limits.apply(world.config.rateLimits());
        stage = new RateLimit(limits);
    }

    @AfterEach
    void tearDown() {
        limits.close();
    }

    private CallContext call(Principal p, String tool, String args) {
        return StageWorld.call(p, p.environment(), tool, args == null ? null : StageWorld.args(args))
                .withTool(world.catalog.tool(tool).orElseThrow());
    }

    private GatewayException.Refused refusal(Principal p, String tool, String args) {
        try {
            stage.handle(call(p, tool, args), OK);
            return null;
        } catch (GatewayException e) {
            return (GatewayException.Refused) e;
        }
    }

    @Test
    void aUsersStateChangingCallsAreLimitedPerMinute_readOnlyAndOtherUsersAreNot() {
        for (int i = 0; i < 3; i++) {
            assertThat(refusal(ALICE, "up__write", "{\"n\": " + i + "}")).as("call " + i).isNull();
        }
        GatewayException.Refused r = refusal(ALICE, "up__write", "{\"n\": 3}");
        assertThat(r).isNotNull();
        assertThat(r.control()).isEqualTo("rate-limit");
        assertThat(r.rule()).isEqualTo("user-writes");
        assertThat(r.getMessage()).contains("user-writes", "3 per 1m per principal", "alice", "retry after 20 s");
        assertThat(r.retryAfterSeconds()).isEqualTo(20); // one token back every 60 s / 3
        assertThat(refusal(ALICE, "up__read", null)).as("read_only is not counted by user-writes").isNull();
        assertThat(refusal(BOB, "up__write", "{\"n\": 0}")).as("bob has his own bucket").isNull();

        ticker.advance(Duration.ofSeconds(20));
        assertThat(refusal(ALICE, "up__write", "{\"n\": 4}")).as("refilled after the retry-after").isNull();
        assertThat(refusal(ALICE, "up__write", "{\"n\": 5}")).isNotNull();
    }

    @Test
    void aServiceRolesIrreversibleCallsAreLimitedPerHour() {
        assertThat(refusal(ROBOT, "up__drop", "{\"n\": 1}")).isNull();
        assertThat(refusal(ROBOT, "up__drop", "{\"n\": 2}")).isNull();
        GatewayException.Refused r = refusal(ROBOT, "up__drop", "{\"n\": 3}");
        assertThat(r.rule()).isEqualTo("service-irreversible");
        assertThat(r.retryAfterSeconds()).isEqualTo(1800);
        assertThat(refusal(ALICE, "up__drop", "{\"n\": 1}")).as("a user is not a service role").isNull();
        assertThat(refusal(ALICE, "up__drop", "{\"n\": 2}")).isNull();
        assertThat(refusal(ALICE, "up__drop", "{\"n\": 3}")).isNull();
    }

    @Test
    void theLoopBreakerCutsOffTheSameCallInATightLoop_otherArgumentsAndOtherUsersPass() {
        for (int i = 0; i < 4; i++) {
            assertThat(refusal(ALICE, "up__read", "{\"q\": \"x\", \"page\": 1}")).isNull();
        }
        // the same arguments in another key order are the same call
        GatewayException.Refused r = refusal(ALICE, "up__read", "{\"page\": 1, \"q\": \"x\"}");
        assertThat(r.rule()).isEqualTo("loop");
        assertThat(r.getMessage()).contains("loop breaker", "up__read", "more than 4 times within 10s", "alice");
        assertThat(r.retryAfterSeconds()).isEqualTo(3); // 10 s / 4 = 2.5 s, rounded up
        assertThat(refusal(ALICE, "up__read", "{\"q\": \"y\", \"page\": 1}")).as("other arguments").isNull();
        assertThat(refusal(BOB, "up__read", "{\"q\": \"x\", \"page\": 1}")).as("another user is unaffected").isNull();
    }

    @Test
    void aPrincipalMayHaveOnlyItsConcurrencyLimitInFlight() throws Exception {
        CountDownLatch inside = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        CallHandler slow = c -> {
            inside.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return StageWorld.text("ok");
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> a = pool.submit(() -> stage.handle(call(ALICE, "up__read", "{\"a\": 1}"), slow));
            Future<?> b = pool.submit(() -> stage.handle(call(ALICE, "up__read", "{\"a\": 2}"), slow));
            assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
            GatewayException.Refused r = refusal(ALICE, "up__read", "{\"a\": 3}");
            assertThat(r.rule()).isEqualTo("concurrency");
            assertThat(r.retryAfterSeconds()).isEqualTo(1);
            assertThat(refusal(BOB, "up__read", "{\"a\": 3}")).as("bob's calls are his own").isNull();
            release.countDown();
            a.get(30, TimeUnit.SECONDS);
            b.get(30, TimeUnit.SECONDS);
            assertThat(refusal(ALICE, "up__read", "{\"a\": 4}")).as("the permits were given back").isNull();
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aRefusedOrFailedCallGivesItsConcurrencyBack() {
        for (int i = 0; i < 5; i++) {
            final int n = i;
            assertThatThrownBy(() -> stage.handle(call(ALICE, "up__read", "{\"f\": " + n + "}"), c -> {
                throw new GatewayException.Refused("policy", "no");
            })).isInstanceOf(GatewayException.Refused.class).extracting(e -> ((GatewayException) e).control()).isEqualTo("policy");
        }
        assertThat(refusal(ALICE, "up__read", "{\"f\": 9}")).isNull();
    }

    @Test
    void anEnvironmentWithoutLimitsIsNotLimited() {
        Principal inProd = StageWorld.user("alice", List.of("dev"), "prod");
        for (int i = 0; i < 20; i++) {
            assertThat(refusal(inProd, "up__write", "{}")).isNull();
        }
    }

    @Test
    void failsClosedWithoutALimiterOrWhenItBreaks() throws Exception {
        assertThatThrownBy(() -> new RateLimit(null).handle(call(ALICE, "up__read", null), OK))
                .isInstanceOf(GatewayException.Refused.class).hasMessageContaining("fail closed")
                .extracting(e -> ((GatewayException) e).control()).isEqualTo("rate-limit");
        CallContext noTool = StageWorld.call(ALICE, "dev", "up__read", null); // the catalog stage did not run
        assertThatThrownBy(() -> stage.handle(noTool, OK)).isInstanceOf(GatewayException.Refused.class)
                .hasMessageContaining("rate limiter failed");
        assertThat(stage.checklist()).containsExactly("C6.3");
        assertThat(stage.name()).isEqualTo("rate-limit");
    }
}
