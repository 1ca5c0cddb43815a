package io.portcullis.ratelimit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * #14, session 9: {@link RedisBuckets} as it was up to session 8, for the before/after measurement
 * {@code RedisLimitStageTime}: the same Lua script, sent with Lettuce's sync API on one shared
 * connection (each command handed to Lettuce's Netty event loop thread and the reply back from it).
 */
final class LettuceRedisBuckets implements Buckets {
    private static final long CONNECT_RETRY_NANOS = Duration.ofSeconds(1).toNanos();

    /** The same script as the Jedis path ({@link RedisBuckets#SCRIPT}): only the client differs. */
    static final String SCRIPT = RedisBuckets.SCRIPT;

    private final ClientResources resources;
    private final RedisClient client;
    private final String prefix;
    private final RedisURI uri;
    private final Duration timeout;
    private volatile StatefulRedisConnection<byte[], byte[]> connection;
    private CompletableFuture<StatefulRedisConnection<byte[], byte[]>> attempt;
    private long nextConnect = System.nanoTime();
    private final String sha;
    private final byte[] script = SCRIPT.getBytes(StandardCharsets.UTF_8);

    LettuceRedisBuckets(RateLimitConfig.Redis redis) {
        this.uri = RedisURI.create(redis.uri());
        this.timeout = redis.timeout();
        // the handshake of a new connection may take longer than one command (a cold JVM, a loaded host);
        // commands are held to the configured timeout (TimeoutOptions below)
        uri.setTimeout(Duration.ofSeconds(5).compareTo(timeout) > 0 ? Duration.ofSeconds(5) : timeout);
        // reconnect attempts at most 1 s apart, so shared limits come back within a second of Redis
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS)).build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(5)).build())
                .timeoutOptions(TimeoutOptions.enabled(redis.timeout()))
                .build());
        this.prefix = redis.keyPrefix() + "rl2:";
        this.sha = sha1(script);
        connect(); // at start, so that the first calls find it connected
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
        byte[][] keys = new byte[takes.size()][];
        byte[][] args = new byte[takes.size() * 2][];
        for (int i = 0; i < takes.size(); i++) {
            Take t = takes.get(i);
            keys[i] = (prefix + t.key()).getBytes(StandardCharsets.UTF_8);
            args[2 * i] = ascii(t.capacity());
            args[2 * i + 1] = ascii(Math.max(1, t.period().toNanos() / 1000));
        }
        RedisCommands<byte[], byte[]> redis = connection().sync();
        List<Object> reply;
        try {
            reply = redis.evalsha(sha, ScriptOutputType.MULTI, keys, args);
        } catch (RedisNoScriptException e) {
            reply = redis.eval(script, ScriptOutputType.MULTI, keys, args); // a Redis that restarted (or flushed scripts) loads it again
        }
        int refused = (int) ((Long) reply.get(0)).longValue();
        if (refused == 0) {
            return Outcome.PASSED;
        }
        long waitMicros = (Long) reply.get(1);
        return new Outcome(refused - 1, Math.max(1, waitMicros * 1000));
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

    /**
     * The connection once open. It is opened in the background (from the constructor, and again at
     * most once a second while it fails); a call waits for an attempt in flight at most
     * {@code timeout}, so a slow or black-holed Redis never holds calls longer.
     */
    private StatefulRedisConnection<byte[], byte[]> connection() {
        StatefulRedisConnection<byte[], byte[]> c = connection;
        if (c != null) {
            return c;
        }
        CompletableFuture<StatefulRedisConnection<byte[], byte[]>> attempt = connect();
        try {
            return attempt.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to Redis", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot connect to Redis: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("not connected to Redis yet (connecting)", e);
        }
    }

    /** The connection attempt in flight or done, or a new one when the last failed more than a second ago. */
    private synchronized CompletableFuture<StatefulRedisConnection<byte[], byte[]>> connect() {
        CompletableFuture<StatefulRedisConnection<byte[], byte[]>> a = attempt;
        if (a != null && (!a.isCompletedExceptionally() || System.nanoTime() - nextConnect < 0)) {
            return a;
        }
        nextConnect = System.nanoTime() + CONNECT_RETRY_NANOS;
        a = client.connectAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture().thenApply(c -> {
            connection = c;
            return c;
        });
        attempt = a;
        return a;
    }

    @Override
    public void close() {
        StatefulRedisConnection<byte[], byte[]> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
