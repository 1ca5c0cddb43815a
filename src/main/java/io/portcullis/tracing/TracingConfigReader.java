package io.portcullis.tracing;

import io.portcullis.settings.Fields;
import java.net.URI;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads the {@code tracing:} section; every problem goes to {@link Fields} with its line.
 *
 * <pre>
 * tracing:
 *   enabled: true                        # off by default
 *   endpoint: http://collector:4318      # OTLP/HTTP base URL; OTEL_EXPORTER_OTLP_ENDPOINT overrides
 *   sampling: 0.01                       # share of new traces recorded; OTEL_TRACES_SAMPLER_ARG overrides
 *   service_name: portcullis-prod        # OTEL_SERVICE_NAME overrides
 * </pre>
 */
public final class TracingConfigReader {
    private static final String P = "/tracing";

    private TracingConfigReader() {}

    /** @param n the {@code tracing} node, or null when absent */
    public static TracingConfig read(Fields f, JsonNode n) {
        if (!f.isObject(n, P, "'tracing'")) {
            return TracingConfig.OFF;
        }
        f.onlyKeys(n, P, Set.of("enabled", "endpoint", "sampling", "service_name"));
        boolean enabled = f.bool(n, "enabled", P, true);
        String endpoint = f.string(n, "endpoint", P, null);
        if (endpoint != null && !endpoint.matches("https?://[^\\s]+")) {
            f.problem(P + "/endpoint", "'endpoint' must be an http:// or https:// URL (the OTLP/HTTP receiver)");
        } else if (endpoint != null) {
            try {
                URI.create(endpoint);
            } catch (IllegalArgumentException e) {
                f.problem(P + "/endpoint", "'endpoint' is not a URL");
            }
        }
        double sampling = 1.0;
        JsonNode s = n.get("sampling");
        if (s != null) {
            if (!s.isNumber() || s.asDouble() < 0 || s.asDouble() > 1) {
                f.problem(P + "/sampling", "'sampling' must be a number from 0 to 1 (e.g. 0.01 records 1% of new traces)");
            } else {
                sampling = s.asDouble();
            }
        }
        String service = f.string(n, "service_name", P, "portcullis");
        if (service.isBlank()) {
            f.problem(P + "/service_name", "'service_name' must not be empty");
        }
        return new TracingConfig(enabled, endpoint, sampling, service);
    }
}
