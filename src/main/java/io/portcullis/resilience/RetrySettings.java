package io.portcullis.resilience;

import java.time.Duration;

/**
 * An upstream's retry policy (#14 item 1, C6.1), from its {@code retry:} section. Only calls that
 * cannot do harm twice are retried: {@code read_only} tools, after a failure that says the upstream
 * did not serve them (unreachable, connection refused or reset, 5xx, down or restarting). A
 * state-changing or irreversible tool is never retried, whatever this says: there is no key for it.
 *
 * @param maxAttempts   attempts in all, the first included (1: no retries)
 * @param backoff       the wait before the first retry; each next wait doubles, with ±50% jitter
 * @param maxBackoff    the longest wait between attempts
 * @param budgetPercent retries allowed as a share of the calls made in the last {@code budgetWindow} (0–100)
 * @param budgetWindow  the window of that share
 * @param budgetMin     retries always allowed per window, so a quiet upstream can still be retried
 */
public record RetrySettings(int maxAttempts, Duration backoff, Duration maxBackoff, int budgetPercent, Duration budgetWindow,
                            int budgetMin) {
    /** Safe defaults: up to 3 attempts, 100 ms then 200 ms (jittered, at most 2 s), retries at most 10% of calls over 10 s. */
    public static final RetrySettings DEFAULTS = new RetrySettings(3, Duration.ofMillis(100), Duration.ofSeconds(2), 10,
            Duration.ofSeconds(10), 3);

    public RetrySettings {
        if (maxAttempts < 1 || budgetPercent < 0 || budgetPercent > 100 || budgetMin < 0) {
            throw new IllegalArgumentException("retry max_attempts must be >= 1, budget a percentage from 0 to 100");
        }
        if (backoff == null || backoff.isNegative() || backoff.isZero() || maxBackoff == null || maxBackoff.compareTo(backoff) < 0
                || budgetWindow == null || budgetWindow.toMillis() < 1000) {
            throw new IllegalArgumentException("retry backoff must be > 0, max_backoff >= backoff, budget_window >= 1s");
        }
    }

    /** Whether any call is ever retried. */
    public boolean retries() {
        return maxAttempts > 1;
    }
}
