package io.portcullis;

import io.portcullis.catalog.Catalog;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.config.GatewayConfig;
import io.portcullis.settings.UpstreamConfig;
import io.portcullis.pipeline.stages.UpstreamCall;
import io.portcullis.policy.Policy;
import io.portcullis.readiness.Report;
import io.portcullis.upstream.Upstream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * #12 item 1: the applied config as one immutable value. A request reads it ONCE, when it is
 * dispatched, and everything about the call comes from that value: the chains' stages were built
 * from this snapshot's catalog, policy and readiness report, and their last stage calls this
 * snapshot's upstreams under this snapshot's timeouts. A reload builds a new snapshot and swaps it
 * in; a call in flight keeps deciding on the one it started with, so it can never mix two configs.
 * Controls to come (egress, breakers, rate limits, pins) add their compiled state here.
 *
 * @param config    the applied gateway config
 * @param upstreams the upstream connections of that config, by name
 * @param catalog   the aggregated catalog (C2.1) of that config and those upstreams' listings
 * @param policy    the compiled policy (C3.1)
 * @param readiness the readiness report with each environment's G1 gate, evaluated when this snapshot was made
 * @param chains    the chain of each kind of request, built from this snapshot ({@link Chains})
 */
public record Snapshot(GatewayConfig config, Map<String, Upstream> upstreams, Catalog catalog, Policy policy,
                       Report readiness, Chains chains) {

    public Snapshot {
        upstreams = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(upstreams)); // start order kept
    }

    public Optional<Upstream> upstream(String name) {
        return Optional.ofNullable(upstreams.get(name));
    }

    /** The timeout a call of {@code tool} runs under (C6.1): the one place it is worked out ({@link UpstreamCall#timeout}). */
    public Duration timeout(ToolEntry tool) {
        return UpstreamCall.timeout(tool, config);
    }

    /** The timeout of a request to {@code upstream} that is not a tool call, or empty for an unknown upstream. */
    public Optional<Duration> timeout(String upstream) {
        return Optional.ofNullable(config.upstreams().get(upstream)).map(UpstreamConfig::timeout);
    }

    /** Whether each environment's G1 gate is closed, by environment. */
    public Map<String, Boolean> gates() {
        Map<String, Boolean> out = new java.util.LinkedHashMap<>();
        readiness.environments().forEach(e -> out.put(e.name(), e.gate().closed()));
        return out;
    }

    /**
     * Compiles the config's policy. The config reader already compiled every rule, so this does
     * not fail for a config that passed {@code check}; if it does, the gateway refuses to run on it.
     */
    static io.portcullis.policy.Policy compile(io.portcullis.config.GatewayConfig config) {
        try {
            return io.portcullis.policy.Policy.compile(config.policy());
        } catch (io.portcullis.policy.PolicyException e) {
            throw new IllegalStateException("policy does not compile: " + e.getMessage(), e);
        }
    }
}
