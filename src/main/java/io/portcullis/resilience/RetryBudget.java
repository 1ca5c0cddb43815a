package io.portcullis.resilience;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * #14 item 1: retries may add at most {@code percent} of the calls made over the last
 * {@code window} (plus {@code min} per window), so that during an outage retries cannot multiply
 * the load on the upstream that is failing. Counted in one-second buckets; thread-safe.
 */
public final class RetryBudget {
    private final int percent;
    private final int min;
    private final int buckets;
    private final long[] calls;
    private final long[] retries;
    private final long[] second;
    private final LongSupplier nanos;

    public RetryBudget(int percent, Duration window, int min, LongSupplier nanos) {
        this.percent = percent;
        this.min = min;
        this.buckets = (int) Math.max(1, window.toSeconds());
        this.calls = new long[buckets];
        this.retries = new long[buckets];
        this.second = new long[buckets];
        this.nanos = nanos;
    }

    /** One call was made (its first attempt). */
    public synchronized void called() {
        calls[bucket()]++;
    }

    /** Takes one retry from the budget; false when the window's share is spent. */
    public synchronized boolean tryRetry() {
        int b = bucket();
        long c = 0;
        long r = 0;
        long now = now();
        for (int i = 0; i < buckets; i++) {
            if (now - second[i] < buckets) {
                c += calls[i];
                r += retries[i];
            }
        }
        if (r + 1 > min + c * percent / 100) {
            return false;
        }
        retries[b]++;
        return true;
    }

    private long now() {
        return Math.floorDiv(nanos.getAsLong(), 1_000_000_000L);
    }

    private int bucket() {
        long s = now();
        int b = (int) Math.floorMod(s, (long) buckets);
        if (second[b] != s) {
            second[b] = s;
            calls[b] = 0;
            retries[b] = 0;
        }
        return b;
    }
}
