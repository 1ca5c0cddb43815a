package io.portcullis.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The baseline of {@code RedisLimitCpuTime} (#20, #14): the Redis buckets as they were up to session 7,
 * kept in the test sources so that the measurement runs both side by side in one JVM. Not used by
 * the gateway (see {@link RedisBuckets}).
 * <p>
 * Buckets in Redis, shared by every gateway node that names the same Redis and key prefix
 * (#14 item 3): Bucket4j's Lettuce backend, compare-and-swap on one key per bucket, each key
 * expiring once its bucket would be full again. A node that cannot reach Redis (down, or slower
 * than {@code timeout}) gets an exception at once, not a queue: commands are rejected while
 * disconnected, and Lettuce reconnects in the background, so shared limits come back on their own
 * when Redis does. The connection is opened in the background, so a gateway starts while Redis is down.
 */
final class Bucket4jRedisBuckets implements Buckets {
    private static final long CONNECT_RETRY_NANOS = Duration.ofSeconds(1).toNanos();

    private final ClientResources resources;
    private final RedisClient client;
    private final String prefix;
    private final RedisURI uri;
    private final Duration timeout;
    private volatile StatefulRedisConnection<byte[], byte[]> connection;
    private volatile ProxyManager<byte[]> proxies;
    private CompletableFuture<ProxyManager<byte[]>> attempt;
    private long nextConnect = System.nanoTime();

    Bucket4jRedisBuckets(RateLimitConfig.Redis redis) {
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
        this.prefix = redis.keyPrefix() + "rl:";
        connect(); // at start, so that the first calls find it connected
    }

    @Override
    public long take(String key, long capacity, Duration period) {
        BucketConfiguration config = BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(capacity, period).build()).build();
        ConsumptionProbe probe = proxies().builder().build((prefix + key).getBytes(StandardCharsets.UTF_8), () -> config)
                .tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
    }

    /**
     * The bucket store once connected. The connection is opened in the background (from the
     * constructor, and again at most once a second while it fails); a call waits for an attempt in
     * flight at most {@code timeout}, so a slow or black-holed Redis never holds calls longer.
     */
    private ProxyManager<byte[]> proxies() {
        ProxyManager<byte[]> p = proxies;
        if (p != null) {
            return p;
        }
        CompletableFuture<ProxyManager<byte[]>> attempt = connect();
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
    private synchronized CompletableFuture<ProxyManager<byte[]>> connect() {
        CompletableFuture<ProxyManager<byte[]>> a = attempt;
        if (a != null && (!a.isCompletedExceptionally() || System.nanoTime() - nextConnect < 0)) {
            return a;
        }
        nextConnect = System.nanoTime() + CONNECT_RETRY_NANOS;
        a = client.connectAsync(ByteArrayCodec.INSTANCE, uri).toCompletableFuture().thenApply(c -> {
            connection = c;
            ProxyManager<byte[]> pm = Bucket4jLettuce.casBasedBuilder(c)
                    .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                    .build();
            proxies = pm;
            return pm;
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
