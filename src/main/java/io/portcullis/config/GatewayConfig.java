package io.portcullis.config;

import io.portcullis.settings.EnvironmentConfig;
import io.portcullis.settings.ServerSettings;
import io.portcullis.settings.ToolSettings;
import io.portcullis.settings.UpstreamConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole validated configuration: what the runtime reads. Built only by {@link ConfigReader},
 * never mutated; a reload builds a new one and swaps it in atomically.
 *
 * @param source       the file it came from (null for the built-in demo)
 * @param server       listener, limits and aggregation settings
 * @param environments the environments served, the default one first
 * @param upstreams    upstream MCP servers by name, in file order
 * @param tools        per-tool settings by exposed (namespaced) tool name
 * @param store        where durable state lives (embedded SQLite by default)
 * @param catalog      the tool inventory (C2.1-C2.4)
 * @param files        every file this config was read from (the config and the catalog), watched for reloads
 * @param policy       the policy rules (C3.1); the shipped defaults when the file has no {@code policy:}
 * @param identity     who may call, and how they prove it (C1.1-C1.4); {@code IdentityConfig.OPEN} without the section
 * @param audit        the audit log's settings (C4.1, C4.2)
 * @param approvals    how calls wait for approvals and who hears of them (C3.2, C3.3)
 * @param readiness    what the operator declares for the readiness report, and the G1 gate's settings
 * @param egress       what must not leave through results, and what happens to it (C5.1, C5.2; #13)
 * @param rateLimits   token buckets, loop breaker, concurrency and session limits per environment (C6.3; #14 item 3)
 * @param conversation the conversation memory and chain rules (#13 items 4, 5); off without the section
 * @param pins         pinned definitions, their quarantine, scanner and review (#15 items 1-3)
 * @param vault        the key-encryption keys of the per-user token vault (#16 item 2); {@code VaultConfig.NONE} without the section
 * @param tracing      OpenTelemetry traces (#18 item 2); {@code TracingConfig.OFF} without the section
 * @param changeControl which environments hold a widening config change for a second person (#15 item 4)
 * @param metrics      whether metrics are recorded and /metrics served (#18 item 1); {@code MetricsConfig.ON} without the section
 */
public record GatewayConfig(
        Path source,
        ServerSettings server,
        List<EnvironmentConfig> environments,
        Map<String, UpstreamConfig> upstreams,
        Map<String, ToolSettings> tools,
        io.portcullis.store.StoreConfig store,
        io.portcullis.catalog.CatalogConfig catalog,
        List<Path> files,
        io.portcullis.policy.PolicyConfig policy,
        io.portcullis.identity.IdentityConfig identity,
        io.portcullis.audit.AuditConfig audit,
        io.portcullis.approval.ApprovalsConfig approvals,
        ReadinessConfig readiness,
        io.portcullis.egress.EgressConfig egress,
        io.portcullis.ratelimit.RateLimitConfig rateLimits,
        io.portcullis.conversation.ConversationConfig conversation,
        io.portcullis.pin.PinsConfig pins,
        io.portcullis.credentials.VaultConfig vault,
        io.portcullis.tracing.TracingConfig tracing,
        io.portcullis.settings.ChangeControlConfig changeControl,
        io.portcullis.settings.MetricsConfig metrics) implements io.portcullis.catalog.CatalogSettings {

    public GatewayConfig {
        environments = List.copyOf(environments);
        audit = audit == null ? io.portcullis.audit.AuditConfig.defaults(server.dataDir()) : audit;
        upstreams = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(upstreams));
        tools = Map.copyOf(tools);
        files = List.copyOf(files);
        java.util.Objects.requireNonNull(identity, "identity");
        java.util.Objects.requireNonNull(approvals, "approvals");
        readiness = readiness == null ? ReadinessConfig.DEFAULTS : readiness;
        egress = egress == null ? io.portcullis.egress.EgressConfig.defaults(server.dataDir()) : egress;
        rateLimits = rateLimits == null ? io.portcullis.ratelimit.RateLimitConfig.NONE : rateLimits;
        conversation = conversation == null ? io.portcullis.conversation.ConversationConfig.OFF : conversation;
        pins = pins == null ? io.portcullis.pin.PinsConfig.DEFAULTS : pins;
        changeControl = changeControl == null ? io.portcullis.settings.ChangeControlConfig.NONE : changeControl;
        vault = vault == null ? io.portcullis.credentials.VaultConfig.NONE : vault;
        tracing = tracing == null ? io.portcullis.tracing.TracingConfig.OFF : tracing;
        metrics = metrics == null ? io.portcullis.settings.MetricsConfig.ON : metrics;
    }

    /** The shape before #18 item 1's {@code metrics:} section: metrics on. */
    public GatewayConfig(Path source, ServerSettings server, List<EnvironmentConfig> environments,
                         Map<String, UpstreamConfig> upstreams, Map<String, ToolSettings> tools,
                         io.portcullis.store.StoreConfig store, io.portcullis.catalog.CatalogConfig catalog, List<Path> files,
                         io.portcullis.policy.PolicyConfig policy, io.portcullis.identity.IdentityConfig identity,
                         io.portcullis.audit.AuditConfig audit, io.portcullis.approval.ApprovalsConfig approvals,
                         ReadinessConfig readiness, io.portcullis.egress.EgressConfig egress,
                         io.portcullis.ratelimit.RateLimitConfig rateLimits, io.portcullis.conversation.ConversationConfig conversation,
                         io.portcullis.pin.PinsConfig pins, io.portcullis.credentials.VaultConfig vault,
                         io.portcullis.tracing.TracingConfig tracing, io.portcullis.settings.ChangeControlConfig changeControl) {
        this(source, server, environments, upstreams, tools, store, catalog, files, policy, identity, audit, approvals,
                readiness, egress, rateLimits, conversation, pins, vault, tracing, changeControl, null);
    }

    /** The shape before #15 item 4: no change control. */
    public GatewayConfig(Path source, ServerSettings server, List<EnvironmentConfig> environments,
                         Map<String, UpstreamConfig> upstreams, Map<String, ToolSettings> tools,
                         io.portcullis.store.StoreConfig store, io.portcullis.catalog.CatalogConfig catalog, List<Path> files,
                         io.portcullis.policy.PolicyConfig policy, io.portcullis.identity.IdentityConfig identity,
                         io.portcullis.audit.AuditConfig audit, io.portcullis.approval.ApprovalsConfig approvals,
                         ReadinessConfig readiness, io.portcullis.egress.EgressConfig egress,
                         io.portcullis.ratelimit.RateLimitConfig rateLimits, io.portcullis.conversation.ConversationConfig conversation,
                         io.portcullis.pin.PinsConfig pins, io.portcullis.credentials.VaultConfig vault,
                         io.portcullis.tracing.TracingConfig tracing) {
        this(source, server, environments, upstreams, tools, store, catalog, files, policy, identity, audit, approvals,
                readiness, egress, rateLimits, conversation, pins, vault, tracing, null);
    }

    /** The shape before #18 item 2: no tracing. */
    public GatewayConfig(Path source, ServerSettings server, List<EnvironmentConfig> environments,
                         Map<String, UpstreamConfig> upstreams, Map<String, ToolSettings> tools,
                         io.portcullis.store.StoreConfig store, io.portcullis.catalog.CatalogConfig catalog, List<Path> files,
                         io.portcullis.policy.PolicyConfig policy, io.portcullis.identity.IdentityConfig identity,
                         io.portcullis.audit.AuditConfig audit, io.portcullis.approval.ApprovalsConfig approvals,
                         ReadinessConfig readiness, io.portcullis.egress.EgressConfig egress,
                         io.portcullis.ratelimit.RateLimitConfig rateLimits, io.portcullis.conversation.ConversationConfig conversation,
                         io.portcullis.pin.PinsConfig pins, io.portcullis.credentials.VaultConfig vault) {
        this(source, server, environments, upstreams, tools, store, catalog, files, policy, identity, audit, approvals,
                readiness, egress, rateLimits, conversation, pins, vault, null, null);
    }

    /** The shape before #16 item 2: no vault, no tracing. */
    public GatewayConfig(Path source, ServerSettings server, List<EnvironmentConfig> environments,
                         Map<String, UpstreamConfig> upstreams, Map<String, ToolSettings> tools,
                         io.portcullis.store.StoreConfig store, io.portcullis.catalog.CatalogConfig catalog, List<Path> files,
                         io.portcullis.policy.PolicyConfig policy, io.portcullis.identity.IdentityConfig identity,
                         io.portcullis.audit.AuditConfig audit, io.portcullis.approval.ApprovalsConfig approvals,
                         ReadinessConfig readiness, io.portcullis.egress.EgressConfig egress,
                         io.portcullis.ratelimit.RateLimitConfig rateLimits, io.portcullis.conversation.ConversationConfig conversation,
                         io.portcullis.pin.PinsConfig pins) {
        this(source, server, environments, upstreams, tools, store, catalog, files, policy, identity, audit, approvals,
                readiness, egress, rateLimits, conversation, pins, null);
    }

    /** The shape before #14 item 3 and #13 items 4, 5: no rate limits, no conversation memory, default pins. */
    public GatewayConfig(Path source, ServerSettings server, List<EnvironmentConfig> environments,
                         Map<String, UpstreamConfig> upstreams, Map<String, ToolSettings> tools,
                         io.portcullis.store.StoreConfig store, io.portcullis.catalog.CatalogConfig catalog, List<Path> files,
                         io.portcullis.policy.PolicyConfig policy, io.portcullis.identity.IdentityConfig identity,
                         io.portcullis.audit.AuditConfig audit, io.portcullis.approval.ApprovalsConfig approvals,
                         ReadinessConfig readiness, io.portcullis.egress.EgressConfig egress) {
        this(source, server, environments, upstreams, tools, store, catalog, files, policy, identity, audit, approvals,
                readiness, egress, null, null, null, null);
    }

    /** The same config with another port (the --port option). */
    public GatewayConfig withPort(int port) {
        return withServer(server.withPort(port));
    }

    /** The same config with other listener settings (e.g. the port given on the command line). */
    public GatewayConfig withServer(ServerSettings other) {
        return new GatewayConfig(source, other, environments, upstreams, tools, store, catalog, files, policy, identity, audit,
                approvals, readiness, egress, rateLimits, conversation, pins, vault, tracing, changeControl, metrics);
    }

    /**
     * The same config for a command that only inspects it ({@code readiness}, {@code catalog list}):
     * its gateway keeps its state in the private directory {@code dir} (an embedded store there), so
     * that it neither contends with a gateway serving this config for the data directory's lock nor
     * appends to that gateway's audit chain or store (#11 item 17). The audit settings (signing key,
     * retention, node) are the config's own, so the report speaks of them as they are.
     */
    public GatewayConfig forInspection(Path dir) {
        return new GatewayConfig(source, server.withDataDir(dir), environments, upstreams, tools,
                new io.portcullis.store.StoreConfig(null, dir, 2, false), catalog, files, policy, identity, audit, approvals,
                readiness, egress, rateLimits, conversation, pins, vault, tracing, changeControl, metrics);
    }

    /** The declared environments' names, in their order. */
    public List<String> environmentNames() {
        return environments.stream().map(EnvironmentConfig::name).toList();
    }

    /** The environment served at {@code /mcp}. */
    public EnvironmentConfig defaultEnvironment() {
        return environments.getFirst();
    }

    public Optional<EnvironmentConfig> environment(String name) {
        return environments.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    @Override
    public ToolSettings tool(String exposedName) {
        return tools.getOrDefault(exposedName, ToolSettings.DEFAULT);
    }
}
