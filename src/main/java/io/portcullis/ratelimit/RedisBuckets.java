package io.portcullis.ratelimit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Buckets in Redis, shared by every gateway node that names the same Redis and key prefix
 * (#14 item 3). Every bucket of one call is taken in <b>one round trip</b> (#20, #14's 0.3 ms
 * target): a Lua script ({@link #SCRIPT}, run by {@code EVALSHA}) takes a token from each bucket in
 * order and stops at the first that has none, as checking them one by one did. Redis runs a script
 * alone, so the buckets of concurrent calls from any node never interleave. Up to session 7 this was
 * Bucket4j's Lettuce backend: compare-and-swap, at least two round trips per bucket and call
 * ({@code Bucket4jRedisBuckets} in the test sources, measured against this one by
 * {@code RedisLimitCpuTime}; docs/performance.md).
 * <p>
 * Each bucket is one string key {@code <key_prefix>rl2:<bucket>}: the tokens left and when they were
 * counted, on Redis's clock ({@code TIME}), so the nodes' own clocks do not matter. Tokens refill
 * evenly ({@code capacity} per {@code period}, greedily, as Bucket4j's {@code refillGreedy}); a key
 * expires once its bucket would be full again. A node that cannot reach Redis (down, or slower than
 * {@code timeout}) gets an exception at once, not a queue ({@link RedisConnections}: a failed
 * connect is tried again at most once a second), so shared limits come back on their own when
 * Redis does; a gateway starts while Redis is down.
 * <p>
 * Since session 9 the caller's own (virtual) thread sends the script and reads the reply on a
 * blocking Jedis connection of its own ({@link RedisConnections}); up to session 8 Lettuce's sync API did,
 * through its Netty event loop thread: two more thread wake-ups per call, which on a loaded
 * machine were most of the stage's time ({@code LettuceRedisBuckets} in the test sources, measured
 * against this one by {@code RedisLimitStageTime}; docs/performance.md, "Redis rate limits (#14, session 9)").
 */
final class RedisBuckets implements Buckets {
    /**
     * KEYS[i]: a bucket; ARGV[2i-1], ARGV[2i]: its capacity and its period in microseconds. Returns
     * {0, 0} when every bucket gave a token, else {i, microseconds until bucket i has one}; buckets
     * before i keep their tokens taken, buckets after i are not touched.
     */
    static final String SCRIPT = """
            if redis.replicate_commands then redis.replicate_commands() end
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            for i = 1, #KEYS do
              local capacity = tonumber(ARGV[2 * i - 1])
              local period = tonumber(ARGV[2 * i])
              local tokens = capacity
              local state = redis.call('GET', KEYS[i])
              if state then
                local left, at = string.match(state, '^(%S+) (%S+)$')
                left, at = tonumber(left), tonumber(at)
                if left and at then
                  local elapsed = now - at
                  if elapsed < 0 then elapsed = 0 end
                  tokens = math.min(capacity, left + elapsed * capacity / period)
                end
              end
              if tokens < 1 then
                return {i, math.ceil((1 - tokens) * period / capacity)}
              end
              tokens = tokens - 1
              local full = math.ceil((capacity - tokens) * period / capacity / 1000)
              if full < 1 then full = 1 end
              redis.call('SET', KEYS[i], string.format('%.17g %.17g', tokens, now), 'PX', full)
            end
            return {0, 0}
            """;

    private final RedisConnections redis;
    private final String prefix;
    private final byte[] sha;
    private final byte[] script = SCRIPT.getBytes(StandardCharsets.UTF_8);

    RedisBuckets(RateLimitConfig.Redis config) {
        this.redis = new RedisConnections(config);
        this.prefix = config.keyPrefix() + "rl2:";
        this.sha = sha1(script).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public long take(String key, long capacity, Duration period) {
        Outcome o = takeAll(List.of(new Take(key, capacity, period, "")));
        return o.refused() < 0 ? 0 : o.waitNanos();
    }

    @Override
    public Outcome takeAll(List<Take> takes) {
        if (takes.isEmpty()) {
            return Outcome.PASSED;
        }
        // EVALSHA sha numkeys key... arg...: every bucket of the call in one command, one round trip
        byte[][] params = new byte[takes.size() * 3][];
        for (int i = 0; i < takes.size(); i++) {
            Take t = takes.get(i);
            params[i] = (prefix + t.key()).getBytes(StandardCharsets.UTF_8);
            params[takes.size() + 2 * i] = ascii(t.capacity());
            params[takes.size() + 2 * i + 1] = ascii(Math.max(1, t.period().toNanos() / 1000));
        }
        Object reply = redis.call(c -> {
            try {
                return c.evalsha(sha, takes.size(), params);
            } catch (JedisNoScriptException e) {
                // a Redis that restarted (or flushed its scripts) loads it again: the same command with the script's text
                return c.eval(script, takes.size(), params);
            }
        });
        if (!(reply instanceof List<?> l) || l.size() != 2 || !(l.get(0) instanceof Long refused) || !(l.get(1) instanceof Long waitMicros)) {
            throw new IllegalStateException("Redis answered the rate-limit script with something else: " + reply);
        }
        if (refused == 0) {
            return Outcome.PASSED;
        }
        return new Outcome((int) (refused - 1), Math.max(1, waitMicros * 1000));
    }

    private static byte[] ascii(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    private static String sha1(byte[] text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(text));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }

    @Override
    public void close() {
        redis.close();
    }
}
