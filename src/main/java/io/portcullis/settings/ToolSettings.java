package io.portcullis.settings;

import java.time.Duration;
import java.util.List;

/**
 * Per-tool settings from the config, keyed by the exposed tool name.
 *
 * @param enabled      the per-tool switch; a disabled tool is hidden and refused (C6.2)
 * @param environments where the tool is enabled; empty means every environment
 * @param timeout      overrides the upstream's timeout for this tool; null to inherit
 * @param bulkhead     the tool's own bulkhead ({@code max_concurrent}, {@code max_queue}) on top of its
 *                     upstream's (#14 item 1); null for none
 */
public record ToolSettings(boolean enabled, List<String> environments, Duration timeout,
                           io.portcullis.resilience.AdmissionConfig bulkhead) {
    public static final ToolSettings DEFAULT = new ToolSettings(true, List.of(), null, null);

    /** Settings without a bulkhead of the tool's own. */
    public ToolSettings(boolean enabled, List<String> environments, Duration timeout) {
        this(enabled, environments, timeout, null);
    }

    public ToolSettings {
        environments = List.copyOf(environments);
    }

    public boolean enabledIn(String environment) {
        return enabled && (environments.isEmpty() || environments.contains(environment));
    }
}
