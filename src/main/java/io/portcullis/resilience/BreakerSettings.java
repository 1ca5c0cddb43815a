package io.portcullis.resilience;

import java.time.Duration;

/**
 * An upstream's circuit breaker (#14 item 1, C6.1), from its {@code breaker:} section. Resilience4j
 * judges the last {@code window} calls: once at least {@code minCalls} were made, the breaker opens
 * when {@code failureRate} percent of them failed (transport errors, timeouts, 5xx, an upstream that
 * is down) or {@code slowCallRate} percent took longer than {@code slowCall}. Open, it refuses calls at
 * once for {@code openFor}; then {@code halfOpenCalls} probes go through, and it closes when they
 * succeed (or opens again when they fail).
 *
 * @param enabled       false only to switch the breaker off (readiness C6.1 then fails)
 * @param failureRate   percent of failed calls in the window that opens it (1–100)
 * @param slowCallRate  percent of slow calls in the window that opens it (1–100)
 * @param slowCall      a call slower than this is slow; null: the upstream's timeout
 * @param window        how many recent calls are judged
 * @param minCalls      no verdict before this many calls in the window
 * @param openFor       how long it stays open before probing
 * @param halfOpenCalls how many probe calls decide whether it closes
 */
public record BreakerSettings(boolean enabled, int failureRate, int slowCallRate, Duration slowCall, int window, int minCalls,
                              Duration openFor, int halfOpenCalls) {
    /** Safe defaults: half of the last 20 calls failing (at least 10 made) opens it for 30 s; 3 probes close it. */
    public static final BreakerSettings DEFAULTS = new BreakerSettings(true, 50, 100, null, 20, 10, Duration.ofSeconds(30), 3);

    public BreakerSettings {
        if (failureRate < 1 || failureRate > 100 || slowCallRate < 1 || slowCallRate > 100) {
            throw new IllegalArgumentException("breaker rates are percentages from 1 to 100");
        }
        if (window < 1 || minCalls < 1 || halfOpenCalls < 1 || openFor == null || openFor.isNegative() || openFor.isZero()
                || (slowCall != null && (slowCall.isNegative() || slowCall.isZero()))) {
            throw new IllegalArgumentException("breaker window, min_calls and half_open_calls must be >= 1, durations > 0");
        }
    }
}
