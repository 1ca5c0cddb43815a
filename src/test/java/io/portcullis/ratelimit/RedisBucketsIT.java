package io.portcullis.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.portcullis.testing.OwnRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Redis buckets' one-round-trip script (#20, #14 item 3), on a Redis of the test's own: it
 * keeps the meaning of checking the buckets one by one (stop at the first empty bucket; the ones
 * before keep their tokens taken, the ones after are untouched), counts as Bucket4j's
 * compare-and-swap backend did (the same decisions for the same calls), expires its keys once
 * the bucket would be full again, and survives a Redis that forgot the script (NOSCRIPT).
 */
class RedisBucketsIT {
    private OwnRedis redis;
    private RedisBuckets buckets;
    private RedisClient admin;
    private StatefulRedisConnection<String, String> conn;

    @BeforeEach
    void setUp() throws Exception {
        redis = OwnRedis.launch();
        buckets = new RedisBuckets(new RateLimitConfig.Redis(java.net.URI.create(redis.url()), "t:", Duration.ofSeconds(2)));
        admin = RedisClient.create(redis.url());
        conn = admin.connect();
    }

    @AfterEach
    void tearDown() throws Exception {
        conn.close();
        admin.shutdown();
        buckets.close();
        redis.close();
    }

    private static Buckets.Take take(String key, long capacity) {
        return new Buckets.Take(key, capacity, Duration.ofHours(1), key);
    }

    @Test
    void stopsAtTheFirstEmptyBucket_theOnesBeforeKeepTheirTokensTaken_theOnesAfterAreUntouched() {
        List<Buckets.Take> call = List.of(take("a", 5), take("b", 2), take("c", 5));
        assertThat(buckets.takeAll(call)).isEqualTo(Buckets.Outcome.PASSED);
        assertThat(buckets.takeAll(call)).isEqualTo(Buckets.Outcome.PASSED);
        Buckets.Outcome third = buckets.takeAll(call);
        assertThat(third.refused()).as("b is empty").isEqualTo(1);
        // 2 per hour: the next token in 30 minutes at most (less the time since the first take)
        assertThat(third.waitNanos()).isBetween(Duration.ofMinutes(29).toNanos(), Duration.ofMinutes(30).toNanos());
        // a had 5: 3 taken (the refused call took its token from a); c had 5: 2 taken (untouched by the refused call)
        assertThat(buckets.takeAll(List.of(take("a", 5), take("a", 5)))).isEqualTo(Buckets.Outcome.PASSED);
        assertThat(buckets.takeAll(List.of(take("a", 5))).refused()).isZero();
        assertThat(buckets.takeAll(List.of(take("c", 5), take("c", 5), take("c", 5)))).isEqualTo(Buckets.Outcome.PASSED);
        assertThat(buckets.takeAll(List.of(take("c", 5))).refused()).isZero();
    }

    @Test
    void theSameDecisionsAsBucket4jsBackend_forTheSameCalls() {
        try (Bucket4jRedisBuckets before = new Bucket4jRedisBuckets(new RateLimitConfig.Redis(java.net.URI.create(redis.url()), "b4j:", Duration.ofSeconds(2)))) {
            List<Boolean> was = new ArrayList<>();
            List<Boolean> is = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                was.add(before.take("k", 7, Duration.ofHours(1)) == 0);
                is.add(buckets.take("k", 7, Duration.ofHours(1)) == 0);
            }
            assertThat(is).isEqualTo(was);
            assertThat(is.stream().filter(b -> b).count()).as("7 of 12 pass").isEqualTo(7);
        }
    }

    @Test
    void aKeyExpiresOnceItsBucketWouldBeFullAgain_andHoldsNoSubject() {
        buckets.take("env:per-user:5/3600000:0123abcd", 5, Duration.ofHours(1));
        List<String> keys = conn.sync().keys("*");
        assertThat(keys).containsExactly("t:rl2:env:per-user:5/3600000:0123abcd");
        // one token of 5 per hour taken: full again in 12 minutes
        assertThat(conn.sync().pttl(keys.get(0))).isBetween(Duration.ofMinutes(11).toMillis(), Duration.ofMinutes(12).toMillis());
    }

    @Test
    void aRedisThatForgotTheScriptGetsItAgain() {
        assertThat(buckets.take("x", 2, Duration.ofHours(1))).isZero();
        conn.sync().scriptFlush();
        assertThat(buckets.take("x", 2, Duration.ofHours(1))).isZero();
        assertThat(buckets.take("x", 2, Duration.ofHours(1))).as("the count survived the flush of scripts").isPositive();
    }
}
