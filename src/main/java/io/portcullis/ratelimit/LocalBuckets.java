package io.portcullis.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Buckets in this process (Bucket4j's lock-free local buckets): the embedded default, and the
 * {@code local} fallback while Redis is unreachable. At most {@link #MAX_BUCKETS} are kept; beyond
 * that the full ones (which hold no information) are dropped first, then all of them.
 */
final class LocalBuckets implements Buckets {
    static final int MAX_BUCKETS = 100_000;

    private record Entry(Bucket bucket, long capacity) {}

    private final ConcurrentHashMap<String, Entry> buckets = new ConcurrentHashMap<>();
    private final TimeMeter time;

    /** @param time the bucket clock: {@link TimeMeter#SYSTEM_NANOTIME} when serving; tests move their own */
    LocalBuckets(TimeMeter time) {
        this.time = time;
    }

    @Override
    public long take(String key, long capacity, Duration period) {
        if (buckets.size() >= MAX_BUCKETS) {
            prune();
        }
        Entry e = buckets.computeIfAbsent(key, k -> new Entry(Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(capacity, period).build())
                .withCustomTimePrecision(time).build(), capacity));
        ConsumptionProbe probe = e.bucket().tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
    }

    private synchronized void prune() {
        if (buckets.size() < MAX_BUCKETS) {
            return;
        }
        buckets.values().removeIf(e -> e.bucket().getAvailableTokens() >= e.capacity());
        if (buckets.size() >= MAX_BUCKETS) {
            buckets.clear();
        }
    }
}
