package io.portcullis.ratelimit;

import java.time.Duration;
import java.util.List;

/** Where token buckets live: in this process ({@link LocalBuckets}) or in Redis ({@link RedisBuckets}). */
interface Buckets extends AutoCloseable {

    /** One token wanted from the bucket {@code key} of {@code capacity} tokens refilled evenly over {@code period}. */
    record Take(String key, long capacity, Duration period, String rule) {}

    /**
     * What {@link #takeAll} did: every bucket gave its token ({@code refused} is -1), or the bucket
     * at index {@code refused} had none, {@code waitNanos} until it will have one.
     */
    record Outcome(int refused, long waitNanos) {
        static final Outcome PASSED = new Outcome(-1, 0);
    }

    /**
     * Takes one token from the bucket {@code key} of {@code capacity} tokens refilled evenly over
     * {@code period}, creating it full if it does not exist.
     *
     * @return 0 when a token was taken, else the nanoseconds until one will be there
     * @throws RuntimeException when the store cannot answer (Redis unreachable or too slow)
     */
    long take(String key, long capacity, Duration period);

    /**
     * Takes one token from each bucket in order and stops at the first that has none: the buckets
     * before it keep their tokens taken, the ones after it are not touched (the meaning of checking
     * them one by one). {@link RedisBuckets} does this in one round trip (#20, #14).
     *
     * @throws RuntimeException when the store cannot answer
     */
    default Outcome takeAll(List<Take> takes) {
        for (int i = 0; i < takes.size(); i++) {
            Take t = takes.get(i);
            long wait = take(t.key(), t.capacity(), t.period());
            if (wait > 0) {
                return new Outcome(i, wait);
            }
        }
        return Outcome.PASSED;
    }

    @Override
    default void close() {}
}
