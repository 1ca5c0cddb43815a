package io.portcullis.ratelimit;

import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import javax.net.ssl.SSLParameters;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The blocking Jedis connections to one Redis that {@link RedisBuckets} lends to its callers, one
 * caller per connection at a time (#14, session 9). The caller's own (virtual) thread writes the
 * command and reads the reply: no other thread of ours is woken per call (Lettuce, up to session 8,
 * handed each command to its Netty event loop; docs/performance.md, "Redis rate limits (#14, session 9)").
 * The pool is commons-pool2's (as Jedis's own {@code JedisPool}; here each connection carries whether it
 * has answered before): at most {@link #MAX_IDLE} idle and {@link #MAX_IN_FLIGHT} open, a burst waits up
 * to {@code timeout} for one. Connect and read are each held to {@code timeout}. A node that cannot reach
 * Redis gets an exception at once, not a queue: after a failed connect no call tries again for a second
 * ({@link #RETRY_NANOS}), so shared limits come back within about a second of Redis. One connection is
 * opened in the background at start, so the first calls find it open and a gateway starts while Redis
 * is down. User, password and database come from the URL ({@code redis://[[user]:password@]host:port[/db]});
 * {@code rediss://} is TLS with the host name checked.
 */
final class RedisConnections implements AutoCloseable {
    static final int MAX_IDLE = 64;
    /** Connections open at once at most (one per call in flight): a burst waits up to the timeout for one. */
    static final int MAX_IN_FLIGHT = 256;
    private static final long RETRY_NANOS = Duration.ofSeconds(1).toNanos();

    /** What {@link #call} does on a connection. */
    @FunctionalInterface
    interface Exchange<T> {
        T on(Jedis c);
    }

    /** A pooled connection; {@code answered}: it has served a call, so a failure may mean Redis restarted since. */
    private static final class Conn {
        final Jedis jedis;
        boolean answered;

        Conn(Jedis jedis) {
            this.jedis = jedis;
        }
    }

    private final HostAndPort at;
    private final GenericObjectPool<Conn> pool;
    private volatile long retryAt = System.nanoTime();
    private volatile String lastFailure = "";

    RedisConnections(RateLimitConfig.Redis config) {
        URI uri = config.uri();
        this.at = new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
        JedisClientConfig client = clientConfig(uri, config.timeout());
        var sockets = BoundedSocket.factory(at, client); // replies held to the size of ours (BoundedReplies)
        GenericObjectPoolConfig<Conn> p = new GenericObjectPoolConfig<>();
        p.setMaxTotal(MAX_IN_FLIGHT);
        p.setMaxIdle(MAX_IDLE);
        p.setMinIdle(0);
        p.setMaxWait(config.timeout());
        p.setBlockWhenExhausted(true);
        p.setLifo(true); // the most recently used first: warm connections, the others stay idle
        p.setJmxEnabled(false);
        this.pool = new GenericObjectPool<>(new BasePooledObjectFactory<>() {
            @Override
            public Conn create() {
                return new Conn(new Jedis(sockets, client)); // connects, AUTH, SELECT: each within the timeout
            }

            @Override
            public PooledObject<Conn> wrap(Conn c) {
                return new DefaultPooledObject<>(c);
            }

            @Override
            public void destroyObject(PooledObject<Conn> c) {
                c.getObject().jedis.close();
            }
        }, p);
        Thread.ofVirtual().name("redis-connect").start(() -> {
            try {
                pool.returnObject(borrow());
            } catch (RuntimeException e) {
                // Redis is down at start: calls get the fallback until it is up (retryAt is set)
            }
        });
    }

    /** The URL's credentials and database (#14 item 3); no CLIENT SETINFO (one round trip less per connect). */
    static JedisClientConfig clientConfig(URI uri, Duration timeout) {
        int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        // redis://[[user]:password@]host: user info without a colon is a password (as Lettuce read it)
        String info = uri.getUserInfo();
        int colon = info == null ? -1 : info.indexOf(':');
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(ms).socketTimeoutMillis(ms)
                .user(colon > 0 ? info.substring(0, colon) : null)
                .password(info == null || info.isEmpty() ? null : colon < 0 ? info : info.substring(colon + 1))
                .database(path.isEmpty() ? 0 : Integer.parseInt(path))
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        if ("rediss".equals(uri.getScheme())) {
            SSLParameters tls = new SSLParameters();
            tls.setEndpointIdentificationAlgorithm("HTTPS");
            b.ssl(true).sslParameters(tls);
        }
        return b.build();
    }

    /**
     * Runs {@code exchange} on a connection and gives the connection back. A connection that has answered
     * before and now fails other than by a timeout (a Redis that restarted: end of stream or reset) is
     * dropped with every idle one, and the exchange runs once more on a new connection: Redis never ran
     * the command on a connection it had already closed. A timeout is never tried again (Redis may have run it).
     *
     * @throws IllegalStateException when Redis cannot be reached or answer within the timeout
     */
    <T> T call(Exchange<T> exchange) {
        for (int attempt = 0; ; attempt++) {
            Conn c = borrow();
            try {
                T t = exchange.on(c.jedis);
                c.answered = true;
                pool.returnObject(c);
                return t;
            } catch (JedisConnectionException e) {
                invalidate(c);
                if (timedOut(e) || !c.answered || attempt > 0) {
                    throw new IllegalStateException("Redis at " + at + " did not answer: " + e, e);
                }
                pool.clear(); // Redis restarted: the idle connections are as dead as this one
            } catch (JedisDataException e) {
                c.answered = true;
                pool.returnObject(c); // Redis answered: the connection is fine
                throw e;
            } catch (RuntimeException e) {
                invalidate(c); // a reply Jedis could not read (not Redis): the connection is not reused
                throw new IllegalStateException("Redis at " + at + " answered what is not a reply: " + e, e);
            }
        }
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private Conn borrow() {
        if (System.nanoTime() - retryAt < 0 && pool.getNumIdle() == 0) {
            throw new IllegalStateException("cannot connect to Redis at " + at + " (" + lastFailure + "; tried again at most once a second)");
        }
        try {
            return pool.borrowObject(); // an idle connection, else a new one (Jedis connects in create())
        } catch (java.util.NoSuchElementException e) {
            if (e.getCause() == null) {
                throw new IllegalStateException(MAX_IN_FLIGHT + " calls already wait for Redis at " + at, e);
            }
            throw connectFailed(e.getCause());
        } catch (Exception e) {
            throw connectFailed(e);
        }
    }

    private IllegalStateException connectFailed(Throwable e) {
        lastFailure = e.toString();
        retryAt = System.nanoTime() + RETRY_NANOS;
        return new IllegalStateException("cannot connect to Redis at " + at + ": " + e, e);
    }

    private void invalidate(Conn c) {
        try {
            pool.invalidateObject(c);
        } catch (Exception ignored) {
            // closing a broken connection: nothing to do
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
