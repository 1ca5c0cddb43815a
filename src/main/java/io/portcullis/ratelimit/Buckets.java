package io.portcullis.ratelimit;

import java.time.Duration;

/** Where token buckets live: in this process ({@link LocalBuckets}) or in Redis ({@link RedisBuckets}). */
interface Buckets extends AutoCloseable {

    /**
     * Takes one token from the bucket {@code key} of {@code capacity} tokens refilled evenly over
     * {@code period}, creating it full if it does not exist.
     *
     * @return 0 when a token was taken, else the nanoseconds until one will be there
     * @throws RuntimeException when the store cannot answer (Redis unreachable or too slow)
     */
    long take(String key, long capacity, Duration period);

    @Override
    default void close() {}
}
