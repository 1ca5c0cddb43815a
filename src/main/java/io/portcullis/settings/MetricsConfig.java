package io.portcullis.settings;

import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The {@code metrics:} section (#18 item 1): whether the gateway records metrics and serves
 * {@code /metrics}. On by default (also without the section).
 *
 * <pre>
 * metrics:
 *   enabled: false    # no /metrics (404), no meter is recorded, no control is timed
 * </pre>
 *
 * @param enabled whether meters are recorded and {@code /metrics} is served; read when the listener
 *                starts (the route) and when a config is applied (the per-control timing)
 */
public record MetricsConfig(boolean enabled) {

    /** The default: metrics on. */
    public static final MetricsConfig ON = new MetricsConfig(true);

    private static final String P = "/metrics";

    /** Reads the section; every problem goes to {@link Fields} with its line. @param n the node, or null when absent */
    public static MetricsConfig read(Fields f, JsonNode n) {
        if (!f.isObject(n, P, "'metrics'")) {
            return ON;
        }
        f.onlyKeys(n, P, Set.of("enabled"));
        return new MetricsConfig(f.bool(n, "enabled", P, true));
    }
}
