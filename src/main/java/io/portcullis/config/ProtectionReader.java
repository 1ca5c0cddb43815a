package io.portcullis.config;

import io.portcullis.resilience.AdmissionConfig;
import io.portcullis.resilience.BreakerSettings;
import io.portcullis.resilience.ProtectionConfig;
import io.portcullis.resilience.RetrySettings;
import io.portcullis.settings.Fields;
import java.time.Duration;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads an upstream's {@code breaker:} and {@code retry:} sections and a tool's own bulkhead
 * (#14 item 1, C6.1). Every bad value (a rate outside 1–100, a zero or negative duration, an
 * unknown key) is a problem with its file and line; the defaults fill what is not given.
 */
final class ProtectionReader {
    static final Set<String> BREAKER_KEYS = Set.of("enabled", "failure_rate", "slow_call_rate", "slow_call", "window", "min_calls",
            "open_for", "half_open_calls");
    static final Set<String> RETRY_KEYS = Set.of("max_attempts", "backoff", "max_backoff", "budget_percent", "budget_window",
            "budget_min");

    private ProtectionReader() {}

    /** The upstream at {@code p}'s breaker and retry policy. */
    static ProtectionConfig read(Fields f, JsonNode u, String p) {
        return new ProtectionConfig(breaker(f, u.get("breaker"), p + "/breaker"), retry(f, u.get("retry"), p + "/retry"));
    }

    private static BreakerSettings breaker(Fields f, JsonNode b, String p) {
        if (!f.isObject(b, p, "'breaker'")) {
            return BreakerSettings.DEFAULTS;
        }
        f.onlyKeys(b, p, BREAKER_KEYS);
        BreakerSettings d = BreakerSettings.DEFAULTS;
        int window = (int) f.integer(b, "window", p, d.window(), 1, 10_000);
        int minCalls = (int) f.integer(b, "min_calls", p, Math.min(d.minCalls(), window), 1, 10_000);
        if (minCalls > window) {
            f.problem(p + "/min_calls", "'min_calls' (" + minCalls + ") must not be more than 'window' (" + window + ")");
            minCalls = window;
        }
        return new BreakerSettings(f.bool(b, "enabled", p, true),
                (int) f.integer(b, "failure_rate", p, d.failureRate(), 1, 100),
                (int) f.integer(b, "slow_call_rate", p, d.slowCallRate(), 1, 100),
                positive(f, b, "slow_call", p, null), window, minCalls,
                positive(f, b, "open_for", p, d.openFor()),
                (int) f.integer(b, "half_open_calls", p, d.halfOpenCalls(), 1, 1_000));
    }

    private static RetrySettings retry(Fields f, JsonNode r, String p) {
        if (!f.isObject(r, p, "'retry'")) {
            return RetrySettings.DEFAULTS;
        }
        f.onlyKeys(r, p, RETRY_KEYS);
        RetrySettings d = RetrySettings.DEFAULTS;
        Duration backoff = positive(f, r, "backoff", p, d.backoff());
        Duration max = positive(f, r, "max_backoff", p, backoff.compareTo(d.maxBackoff()) > 0 ? backoff : d.maxBackoff());
        if (max.compareTo(backoff) < 0) {
            f.problem(p + "/max_backoff", "'max_backoff' must not be shorter than 'backoff'");
            max = backoff;
        }
        Duration window = positive(f, r, "budget_window", p, d.budgetWindow());
        if (window.toMillis() < 1000) {
            f.problem(p + "/budget_window", "'budget_window' must be at least 1s");
            window = d.budgetWindow();
        }
        return new RetrySettings((int) f.integer(r, "max_attempts", p, d.maxAttempts(), 1, 10), backoff, max,
                (int) f.integer(r, "budget_percent", p, d.budgetPercent(), 0, 100), window,
                (int) f.integer(r, "budget_min", p, d.budgetMin(), 0, 1_000_000));
    }

    /** A tool's own bulkhead ({@code max_concurrent}, {@code max_queue}), or null when it has none. */
    static AdmissionConfig toolBulkhead(Fields f, JsonNode t, String p) {
        if (!t.has("max_concurrent") && !t.has("max_queue")) {
            return null;
        }
        int concurrent = (int) f.integer(t, "max_concurrent", p, AdmissionConfig.UPSTREAM.maxConcurrent(), 1, 100_000);
        int queue = (int) f.integer(t, "max_queue", p, 0, 0, 1_000_000);
        return new AdmissionConfig(concurrent, queue, Duration.ZERO);
    }

    /** A duration that must be more than zero (the syntax already refuses a negative one). */
    private static Duration positive(Fields f, JsonNode n, String key, String p, Duration fallback) {
        Duration v = f.duration(n, key, p, fallback);
        if (v != null && v.isZero()) {
            f.problem(p + "/" + key, "'" + key + "' must be more than zero");
            return fallback;
        }
        return v;
    }
}
