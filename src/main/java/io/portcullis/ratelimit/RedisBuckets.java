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
import java.util.concurrent.TimeUnit;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Buckets in Redis, shared by every gateway node that names the same Redis and key prefix
 * (#14 item 3): Bucket4j's Lettuce backend, compare-and-swap on one key per bucket, each key
 * expiring once its bucket would be full again. A node that cannot reach Redis (down, or slower
 * than {@code timeout}) gets an exception at once, not a queue: commands are rejected while
 * disconnected, and Lettuce reconnects in the background, so shared limits come back on their own
 * when Redis does. The connection is opened on first use, so a gateway starts while Redis is down.
 */
final class RedisBuckets implements Buckets {
    private static final long CONNECT_RETRY_NANOS = Duration.ofSeconds(1).toNanos();

    private final ClientResources resources;
    private final RedisClient client;
    private final String prefix;
    private volatile StatefulRedisConnection<byte[], byte[]> connection;
    private volatile ProxyManager<byte[]> proxies;
    private volatile long nextConnect = System.nanoTime();

    RedisBuckets(RateLimitConfig.Redis redis) {
        RedisURI uri = RedisURI.create(redis.uri());
        uri.setTimeout(redis.timeout());
        // reconnect attempts at most 1 s apart, so shared limits come back within a second of Redis
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS)).build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(redis.timeout()).build())
                .timeoutOptions(TimeoutOptions.enabled(redis.timeout()))
                .build());
        this.prefix = redis.keyPrefix() + "rl:";
    }

    @Override
    public long take(String key, long capacity, Duration period) {
        BucketConfiguration config = BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(capacity, period).build()).build();
        ConsumptionProbe probe = proxies().builder().build((prefix + key).getBytes(StandardCharsets.UTF_8), () -> config)
                .tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
    }

    private ProxyManager<byte[]> proxies() {
        ProxyManager<byte[]> p = proxies;
        if (p != null) {
            return p;
        }
        synchronized (this) {
            if (proxies != null) {
                return proxies;
            }
            if (System.nanoTime() - nextConnect < 0) {
                throw new IllegalStateException("Redis is unreachable (the last connection attempt failed less than 1 s ago)");
            }
            nextConnect = System.nanoTime() + CONNECT_RETRY_NANOS;
            connection = client.connect(ByteArrayCodec.INSTANCE); // throws RedisConnectionException while Redis is down
            proxies = Bucket4jLettuce.casBasedBuilder(connection)
                    .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                    .build();
            return proxies;
        }
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
