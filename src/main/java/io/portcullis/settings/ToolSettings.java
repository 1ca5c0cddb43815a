package io.portcullis.settings;

import java.time.Duration;
import java.util.List;

/**
 * Per-tool settings from the config, keyed by the exposed tool name.
 *
 * @param enabled      the per-tool switch; a disabled tool is hidden and refused (C6.2)
 * @param environments where the tool is enabled; empty means every environment
 * @param timeout      overrides the upstream's timeout for this tool; null to inherit
 */
public record ToolSettings(boolean enabled, List<String> environments, Duration timeout) {
    public static final ToolSettings DEFAULT = new ToolSettings(true, List.of(), null);

    public ToolSettings {
        environments = List.copyOf(environments);
    }

    public boolean enabledIn(String environment) {
        return enabled && (environments.isEmpty() || environments.contains(environment));
    }
}
