package io.portcullis.resilience;

import java.time.Duration;

/**
 * How many calls a listener or an upstream takes at once, and how many more may wait for a slot
 * (#21 item 14). Immutable, checked when built.
 *
 * @param maxConcurrent calls served at once (at least 1)
 * @param maxQueue      calls allowed to wait for a slot beyond those (0: refuse at once when all slots are taken)
 * @param maxWait       how long a waiting call waits for a slot before it is refused
 */
public record AdmissionConfig(int maxConcurrent, int maxQueue, Duration maxWait) {
    /** A listener's default: generous for real use, bounded so that overload turns into fast refusals. */
    public static final AdmissionConfig LISTENER = new AdmissionConfig(1024, 1024, Duration.ofSeconds(2));
    /** An upstream's default bulkhead. */
    public static final AdmissionConfig UPSTREAM = new AdmissionConfig(64, 256, Duration.ofSeconds(5));

    public AdmissionConfig {
        if (maxConcurrent < 1 || maxQueue < 0 || maxWait == null || maxWait.isNegative()) {
            throw new IllegalArgumentException("max_concurrent must be >= 1, max_queue >= 0 and the wait not negative");
        }
    }

    /** The same limits with another wait (an upstream's queued call waits at most its own timeout). */
    public AdmissionConfig withMaxWait(Duration wait) {
        return new AdmissionConfig(maxConcurrent, maxQueue, wait);
    }
}
