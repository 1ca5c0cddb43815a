package io.portcullis.resilience;

/**
 * An upstream's breaker and retry policy (#14 item 1, C6.1); its bulkhead is in
 * {@link AdmissionConfig}. Both are on by default.
 */
public record ProtectionConfig(BreakerSettings breaker, RetrySettings retry) {
    public static final ProtectionConfig DEFAULTS = new ProtectionConfig(BreakerSettings.DEFAULTS, RetrySettings.DEFAULTS);

    public ProtectionConfig {
        breaker = breaker == null ? BreakerSettings.DEFAULTS : breaker;
        retry = retry == null ? RetrySettings.DEFAULTS : retry;
    }
}
