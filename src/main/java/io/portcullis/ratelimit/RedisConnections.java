package io.portcullis.ratelimit;

import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The blocking connections to one Redis that {@link RedisBuckets} lends to its callers, one caller
 * per connection at a time (#14, session 9). A caller takes an idle connection or opens one (loopback:
 * a fraction of a millisecond); at most {@link #MAX_IDLE} are kept idle and {@link #MAX_IN_FLIGHT}
 * open. A node that cannot reach Redis
 * gets an exception at once, not a queue: after a failed connect no call tries again for a second
 * ({@link #RETRY_NANOS}), so shared limits come back within about a second of Redis, and a
 * black-holed Redis holds a call about twice {@code timeout} at most (connect, then the reply). One connection
 * is opened in the background at start, so the first calls find it open and a gateway starts while
 * Redis is down.
 */
final class RedisConnections implements AutoCloseable {
    static final int MAX_IDLE = 64;
    /** Connections open at once at most (one per call in flight): a burst waits up to the timeout for one. */
    static final int MAX_IN_FLIGHT = 256;
    private static final long RETRY_NANOS = Duration.ofSeconds(1).toNanos();

    /** What {@link #call} does on a connection. */
    @FunctionalInterface
    interface Exchange<T> {
        T on(RespConnection c) throws IOException;
    }

    private final RedisURI uri;
    private final Duration timeout;
    private final String user;
    private final String password;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final ConcurrentLinkedDeque<RespConnection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private volatile long retryAt = System.nanoTime();
    private volatile String lastFailure = "";
    private volatile boolean closed;

    RedisConnections(RateLimitConfig.Redis config) {
        this.uri = RedisURI.create(config.uri());
        this.timeout = config.timeout();
        // redis://[[user]:password@]host: Lettuce's reading of the user info (no colon: a password)
        String info = config.uri().getUserInfo();
        int colon = info == null ? -1 : info.indexOf(':');
        this.user = colon > 0 ? info.substring(0, colon) : null;
        this.password = info == null || info.isEmpty() ? null : colon < 0 ? info : info.substring(colon + 1);
        Thread.ofVirtual().name("redis-connect").start(() -> {
            try {
                give(open());
            } catch (RuntimeException e) {
                // Redis is down at start: calls get the fallback until it is up (retryAt is set)
            }
        });
    }

    /**
     * Runs {@code exchange} on a connection and gives the connection back. An idle connection that
     * turns out closed by Redis (a Redis that restarted: end of stream or reset before any reply)
     * is dropped with every other idle one, and the exchange runs once more on a new connection:
     * Redis never ran the command on a connection it had already closed. A timeout is never tried
     * again (Redis may have run it).
     *
     * @throws IllegalStateException when Redis cannot be reached or answer within the timeout
     */
    <T> T call(Exchange<T> exchange) {
        try {
            if (!inFlight.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException(MAX_IN_FLIGHT + " calls already wait for Redis at " + uri.getHost() + ":" + uri.getPort());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a connection to Redis", e);
        }
        try {
            return exchange(exchange);
        } finally {
            inFlight.release();
        }
    }

    private <T> T exchange(Exchange<T> exchange) {
        RespConnection c = take();
        boolean reused = c != null;
        for (int attempt = 0; ; attempt++) {
            if (c == null) {
                c = open();
            }
            try {
                T t = exchange.on(c);
                give(c);
                return t;
            } catch (RespConnection.RedisError e) {
                give(c); // Redis answered: the connection is fine
                throw e;
            } catch (RuntimeException e) {
                c.close(); // in an unknown state: never lent again
                throw e;
            } catch (IOException e) {
                c.close();
                c = null;
                if (e instanceof SocketTimeoutException || !reused || attempt > 0) {
                    throw new IllegalStateException("Redis at " + uri.getHost() + ":" + uri.getPort() + " did not answer: " + e, e);
                }
                dropIdle(); // Redis restarted: the idle connections are as dead as this one
            }
        }
    }

    private RespConnection take() {
        RespConnection c = idle.pollFirst();
        if (c != null) {
            idleCount.decrementAndGet();
        }
        return c;
    }

    private void give(RespConnection c) {
        if (closed || idleCount.incrementAndGet() > MAX_IDLE) {
            idleCount.decrementAndGet();
            c.close();
            return;
        }
        idle.offerFirst(c); // the most recently used first: warm connections, the others stay idle
        if (closed) {
            dropIdle();
        }
    }

    private RespConnection open() {
        if (closed) {
            throw new IllegalStateException("the Redis client is closed");
        }
        if (System.nanoTime() - retryAt < 0) {
            throw new IllegalStateException("cannot connect to Redis at " + uri.getHost() + ":" + uri.getPort() + " (" + lastFailure
                    + "; tried again at most once a second)");
        }
        try {
            return RespConnection.open(uri, user, password, timeout);
        } catch (IOException | RuntimeException e) {
            lastFailure = e.toString();
            retryAt = System.nanoTime() + RETRY_NANOS;
            throw new IllegalStateException("cannot connect to Redis at " + uri.getHost() + ":" + uri.getPort() + ": " + e, e);
        }
    }

    private void dropIdle() {
        for (RespConnection c; (c = take()) != null; ) {
            c.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        dropIdle();
    }
}
