package io.portcullis.config;

import io.portcullis.protocol.ProtocolVersion;
import io.portcullis.resilience.AdmissionConfig;
import io.portcullis.settings.ConfigException;
import io.portcullis.settings.ConfigProblem;
import io.portcullis.settings.EnvironmentConfig;
import io.portcullis.settings.Fields;
import io.portcullis.settings.LocatedTree;
import io.portcullis.settings.ServerSettings;
import io.portcullis.settings.ToolSettings;
import io.portcullis.settings.UpstreamConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import io.portcullis.identity.IdentityConfig;
import io.portcullis.identity.IdentityConfigReader;
import io.portcullis.store.StoreConfig;
import io.portcullis.catalog.CatalogConfig;
import io.portcullis.catalog.CatalogReader;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Translates a YAML file into one validated {@link GatewayConfig}. Every problem is collected with
 * its file and line; nothing half-valid is ever returned.
 */
public final class ConfigReader {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.-]{0,64}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SEPARATOR = Pattern.compile("[A-Za-z0-9_.-]{1,8}");

    private ConfigReader() {}

    /** Reads and validates a config file. */
    public static GatewayConfig read(Path file) throws ConfigException {
        String text;
        try {
            text = io.portcullis.settings.ConfigFiles.read(file);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigProblem(file.toString(), 0, "cannot read: " + e.getMessage())));
        }
        return parse(text, file.toString(), file.toAbsolutePath().getParent(), file);
    }

    /**
     * Validates config text. Relative paths in it are resolved against {@code baseDir}.
     *
     * @param source the file to record as the config's source, or null for a built-in config
     */
    public static GatewayConfig parse(String text, String fileName, Path baseDir, Path source) throws ConfigException {
        LocatedTree tree;
        try {
            tree = LocatedTree.parse(text);
        } catch (JacksonException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new ConfigException(List.of(new ConfigProblem(fileName, line, "not valid YAML: " + e.getOriginalMessage())));
        }
        Fields f = new Fields(tree, fileName);
        JsonNode root = tree.root();
        if (!root.isObject()) {
            f.problem("", "the config must be a mapping with keys server, environments, upstreams, tools");
            throw new ConfigException(f.problems());
        }
        f.onlyKeys(root, "", Set.of("server", "environments", "upstreams", "tools", "store", "catalog", "policy", "identity", "audit",
                "approvals", "readiness", "egress", "rate_limits", "conversation", "pins", "vault", "tracing",
                "change_control", "metrics"));
        ServerSettings server = server(f, root.get("server"), baseDir);
        List<EnvironmentConfig> envs = environments(f, root.get("environments"));
        Map<String, UpstreamConfig> upstreams = upstreams(f, root.get("upstreams"), baseDir, server.dataDir(), server.toolSeparator());
        Map<String, ToolSettings> tools = tools(f, root.get("tools"), envs);
        StoreConfig store = store(f, root.get("store"), server);
        List<Path> files = new ArrayList<>();
        if (source != null) {
            files.add(source);
        }
        CatalogConfig catalog = CatalogReader.read(f, root.get("catalog"), baseDir,
                envs.stream().map(EnvironmentConfig::name).collect(java.util.stream.Collectors.toSet()),
                prefixes(upstreams), server.toolSeparator(), files);
        upstreams = RootsReader.derive(upstreams, explicitRoots(upstreams, root.get("upstreams")), catalog, server.toolSeparator());
        io.portcullis.policy.PolicyConfig policy = io.portcullis.policy.PolicyConfigReader.read(f, root.get("policy"), envs);
        IdentityConfig identity = IdentityConfigReader.read(f, root.get("identity"), baseDir,
                envs.stream().map(EnvironmentConfig::name).toList());
        io.portcullis.audit.AuditConfig audit = io.portcullis.audit.AuditConfigReader.read(f, root.get("audit"), baseDir,
                server.dataDir(), envs.stream().map(EnvironmentConfig::name).toList());
        var approvals = io.portcullis.approval.ApprovalsConfigReader.read(f, root.get("approvals"), baseDir);
        io.portcullis.config.ReadinessConfig readiness =
                io.portcullis.config.ReadinessConfigReader.read(f, root.get("readiness"), envs, baseDir);
        io.portcullis.egress.EgressConfig egress = io.portcullis.egress.EgressConfigReader.read(f, root.get("egress"),
                envs.stream().map(EnvironmentConfig::name).toList(), server.dataDir());
        var rateLimits = io.portcullis.ratelimit.RateLimitConfigReader.read(f, root.get("rate_limits"), envs); // #14 item 3
        // #13 items 4, 5: the conversation memory, and its chain rules added to the policy when enabled
        var conversation = io.portcullis.conversation.ConversationConfigReader.read(f, root.get("conversation"));
        policy = io.portcullis.conversation.ChainRules.addTo(policy, conversation);
        io.portcullis.pin.PinsConfig pins = io.portcullis.pin.PinsConfigReader.read(f, root.get("pins"),
                envs.stream().map(EnvironmentConfig::name).toList());
        var vault = CredentialsReader.vault(f, root.get("vault"), baseDir, upstreams.values()); // #16 item 2
        var tracing = io.portcullis.tracing.TracingConfigReader.read(f, root.get("tracing")); // #18 item 2
        pins = io.portcullis.pin.PinsConfigReader.withCatalog(f, pins, catalog); // #15 item 2: definition_sha256
        var changeControl = io.portcullis.settings.ChangeControlConfigReader.read(f, root.get("change_control"),
                envs.stream().map(EnvironmentConfig::name).toList()); // #15 item 4
        var metrics = io.portcullis.settings.MetricsConfig.read(f, root.get("metrics")); // #18 item 1
        if (!f.problems().isEmpty()) {
            throw new ConfigException(f.problems());
        }
        return new GatewayConfig(source, server, envs, upstreams, tools, store, catalog, files, policy, identity, audit,
                approvals, readiness, egress, rateLimits, conversation, pins, vault, tracing, changeControl, metrics);
    }

    private static Map<String, String> prefixes(Map<String, UpstreamConfig> upstreams) {
        Map<String, String> out = new LinkedHashMap<>();
        upstreams.values().forEach(u -> out.put(u.name(), u.prefix()));
        return out;
    }

    private static ServerSettings server(Fields f, JsonNode n, Path base) {
        String p = "/server";
        f.isObject(n, p, "'server'");
        f.onlyKeys(n, p, Set.of("host", "port", "allowed_origins", "allowed_hosts", "max_body_bytes", "data_dir",
                "tool_separator", "page_size", "session_idle_timeout", "max_sessions_per_principal", "max_concurrent",
                "max_queue", "queue_wait", "drain_grace", "max_sessions"));
        String host = f.string(n, "host", p, "127.0.0.1");
        int port = (int) f.integer(n, "port", p, 8080, 0, 65535);
        long maxBody = f.integer(n, "max_body_bytes", p, ServerSettings.DEFAULT_MAX_BODY, 1024, 1L << 30);
        String sep = f.string(n, "tool_separator", p, "__");
        if (!SEPARATOR.matcher(sep).matches()) {
            f.problem(p + "/tool_separator", "'tool_separator' must be 1-8 characters of [A-Za-z0-9_.-] (tool names must stay within the spec's alphabet)");
        }
        int pageSize = (int) f.integer(n, "page_size", p, 100, 1, 10_000);
        Duration idle = f.duration(n, "session_idle_timeout", p, Duration.ofMinutes(30));
        // #11 item 15: one token must not open sessions without bound (4,000 were opened with one)
        int maxSessions = (int) f.integer(n, "max_sessions_per_principal", p, ServerSettings.DEFAULT_MAX_SESSIONS_PER_PRINCIPAL, 1, 100_000);
        // #20 item 4: the gateway's sessions together are bounded too (anonymous callers included)
        int maxAll = (int) f.integer(n, "max_sessions", p, ServerSettings.DEFAULT_MAX_SESSIONS, 1, 10_000_000);
        Path dataDir = base.resolve(f.string(n, "data_dir", p, "data")).normalize();
        // #21 item 14: bounded admission of MCP requests on this listener; #21 item 12: the SIGTERM grace period
        AdmissionConfig admission = new AdmissionConfig(
                (int) f.integer(n, "max_concurrent", p, AdmissionConfig.LISTENER.maxConcurrent(), 1, 1_000_000),
                (int) f.integer(n, "max_queue", p, AdmissionConfig.LISTENER.maxQueue(), 0, 1_000_000),
                f.duration(n, "queue_wait", p, AdmissionConfig.LISTENER.maxWait()));
        Duration grace = f.duration(n, "drain_grace", p, ServerSettings.DEFAULT_DRAIN_GRACE);
        return new ServerSettings(host, port, f.strings(n, "allowed_origins", p), f.strings(n, "allowed_hosts", p),
                maxBody, dataDir, sep, pageSize, idle, maxSessions, admission, grace, maxAll);
    }

    private static StoreConfig store(Fields f, JsonNode n, ServerSettings server) {
        String p = "/store";
        f.isObject(n, p, "'store'");
        f.onlyKeys(n, p, Set.of("url", "pool_size", "sqlite_locking"));
        String url = f.string(n, "url", p, null);
        if (url != null && !url.startsWith("jdbc:postgresql:")) {
            f.problem(p + "/url", "'url' must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db?user=...); "
                    + "leave it out for the embedded store in the data directory");
        }
        int pool = (int) f.integer(n, "pool_size", p, 8, 1, 200);
        // #21 item 13: exclusive by default (no memory-mapped WAL index to lose); CLI commands go through the gateway
        String locking = f.string(n, "sqlite_locking", p, "exclusive");
        if (!locking.equals("exclusive") && !locking.equals("shared")) {
            f.problem(p + "/sqlite_locking", "'sqlite_locking' must be exclusive (the default: only the gateway opens the file while "
                    + "it runs; CLI commands go through its admin API) or shared (other processes may open the file beside it; "
                    + "the WAL index is then memory-mapped)");
        }
        return new StoreConfig(url, server.dataDir(), pool, !locking.equals("shared"));
    }

    private static List<EnvironmentConfig> environments(Fields f, JsonNode n) {
        List<EnvironmentConfig> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            out.add(new EnvironmentConfig("default", false));
            return out;
        }
        if (!n.isArray() || n.isEmpty()) {
            f.problem("/environments", "'environments' must be a non-empty list; the first is served at /mcp");
            out.add(new EnvironmentConfig("default", false));
            return out;
        }
        for (int i = 0; i < n.size(); i++) {
            String p = "/environments/" + i;
            JsonNode e = n.get(i);
            String name;
            boolean production = false;
            if (e.isString()) {
                name = e.asString();
            } else if (f.isObject(e, p, "an environment")) {
                f.onlyKeys(e, p, Set.of("name", "production"));
                name = f.string(e, "name", p, null);
                production = f.bool(e, "production", p, false);
            } else {
                continue;
            }
            if (name == null || !NAME.matcher(name).matches()) {
                f.problem(p, "an environment needs a 'name' of lowercase letters, digits, '-' or '_'");
                continue;
            }
            if (out.stream().anyMatch(x -> x.name().equals(name))) {
                f.problem(p, "environment '" + name + "' is declared twice");
                continue;
            }
            out.add(new EnvironmentConfig(name, production));
        }
        if (out.isEmpty()) {
            out.add(new EnvironmentConfig("default", false));
        }
        return out;
    }

    /** The upstreams whose {@code roots:} key is given (the rest get roots derived from the catalog). */
    private static Set<String> explicitRoots(Map<String, UpstreamConfig> upstreams, JsonNode n) {
        Set<String> out = new java.util.HashSet<>();
        for (String name : upstreams.keySet()) {
            if (n != null && n.get(name) instanceof JsonNode u && u.has("roots")) {
                out.add(name);
            }
        }
        return out;
    }

    private static Map<String, UpstreamConfig> upstreams(Fields f, JsonNode n, Path base, Path dataDir, String sep) {
        Map<String, UpstreamConfig> out = new LinkedHashMap<>();
        if (!f.isObject(n, "/upstreams", "'upstreams'")) {
            return out;
        }
        Map<String, String> prefixes = new HashMap<>();
        for (String name : n.propertyNames()) {
            String p = "/upstreams/" + LocatedTree.escape(name);
            JsonNode u = n.get(name);
            if (!NAME.matcher(name).matches()) {
                f.problem(p, "upstream name '" + name + "' must be lowercase letters, digits, '-' or '_' (1-63)");
            }
            if (u == null || !u.isObject()) {
                f.problem(p, "upstream '" + name + "' needs 'command' (stdio) or 'url' (Streamable HTTP)");
                continue;
            }
            f.onlyKeys(u, p, Set.of("command", "args", "env", "cwd", "url", "headers", "prefix", "timeout", "protocol_version",
                    "protocol", "inherit_env", "max_line_bytes", "protocol_tolerance", "roots", "max_concurrent", "max_queue", "breaker", "retry",
                    "credentials"));
            List<String> command = new ArrayList<>(f.strings(u, "command", p));
            command.addAll(f.strings(u, "args", p));
            String url = f.string(u, "url", p, null);
            UpstreamConfig.Transport transport;
            if (!command.isEmpty() && url == null) {
                transport = UpstreamConfig.Transport.STDIO;
            } else if (command.isEmpty() && url != null) {
                transport = UpstreamConfig.Transport.HTTP;
            } else {
                f.problem(p, "upstream '" + name + "' needs exactly one of 'command' (stdio) and 'url' (Streamable HTTP)");
                continue;
            }
            URI uri = null;
            if (url != null) {
                try {
                    uri = URI.create(url);
                    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                        throw new IllegalArgumentException("not http(s)");
                    }
                } catch (IllegalArgumentException e) {
                    f.problem(p + "/url", "'url' must be an http:// or https:// URL; got '" + url + "'");
                }
            }
            Map<String, String> env = new LinkedHashMap<>();
            JsonNode envNode = u.get("env");
            if (f.isObject(envNode, p + "/env", "'env'")) {
                for (String k : envNode.propertyNames()) {
                    // ${data_dir} lets a child keep its state beside the gateway's (e.g. server-memory's file).
                    env.put(k, f.string(envNode, k, p + "/env", "").replace("${data_dir}", dataDir.toAbsolutePath().toString()));
                }
            }
            String cwd = f.string(u, "cwd", p, null);
            Map<String, UpstreamConfig.HeaderSource> headers = headers(f, u.get("headers"), p + "/headers", base);
            if (!headers.isEmpty() && transport == UpstreamConfig.Transport.STDIO) {
                f.problem(p + "/headers", "'headers' apply to url upstreams only");
            }
            String prefix = f.string(u, "prefix", p, name);
            if (!PREFIX.matcher(prefix).matches()) {
                f.problem(p + "/prefix", "'prefix' must be up to 64 characters of [A-Za-z0-9_.-]");
            } else if (prefixes.containsKey(prefix)) {
                f.problem(p + "/prefix", "prefix '" + prefix + "' is already used by upstream '" + prefixes.get(prefix) + "'");
            } else if (!prefix.isEmpty() && (prefix + sep).indexOf(sep) != prefix.length()) {
                // #11 item 4: an exposed name splits at its FIRST separator into (prefix, tool); a prefix
                // that contains the separator, or ends in part of it, lets two upstreams make one name
                f.problem(p + "/prefix", "prefix '" + prefix + "' contains the tool separator '" + sep
                        + "' (or ends in part of it), so its tool names could be read as another upstream's");
            } else if (prefix.isEmpty() && n.size() > 1) {
                // an unprefixed upstream could offer any other upstream's names (secrets__leak)
                f.problem(p + "/prefix", "an empty prefix is allowed only for the only upstream: with " + n.size()
                        + " upstreams its tool names could shadow another upstream's");
            } else {
                prefixes.put(prefix, name);
            }
            Duration timeout = f.duration(u, "timeout", p, UpstreamConfig.DEFAULT_TIMEOUT);
            String version = f.string(u, "protocol_version", p, ProtocolVersion.LATEST_LEGACY.id());
            if (ProtocolVersion.of(version).filter(v -> !v.isModern()).isEmpty()) {
                f.problem(p + "/protocol_version", "'protocol_version' (the version asked for in initialize) must be one of "
                        + ProtocolVersion.legacyIds() + "; 2026-07-28 is spoken with 'protocol: modern' or 'auto'");
            }
            String era = f.string(u, "protocol", p, "auto");
            UpstreamConfig.Protocol protocol = switch (era) {
                case "auto" -> UpstreamConfig.Protocol.AUTO;
                case "legacy" -> UpstreamConfig.Protocol.LEGACY;
                case "modern" -> UpstreamConfig.Protocol.MODERN;
                default -> {
                    f.problem(p + "/protocol", "'protocol' must be auto, legacy or modern; got '" + era + "'");
                    yield UpstreamConfig.Protocol.AUTO;
                }
            };
            // #21 item 14: the upstream's bulkhead (a waiting call waits at most the upstream's timeout)
            AdmissionConfig bulkhead = new AdmissionConfig(
                    (int) f.integer(u, "max_concurrent", p, AdmissionConfig.UPSTREAM.maxConcurrent(), 1, 100_000),
                    (int) f.integer(u, "max_queue", p, AdmissionConfig.UPSTREAM.maxQueue(), 0, 1_000_000), timeout);
            UpstreamConfig.Stdio stdio = stdio(f, u, p, transport);
            out.put(name, new UpstreamConfig(name, transport, command, env, cwd == null ? null : base.resolve(cwd).normalize(),
                    uri, headers, prefix, timeout, version, protocol, stdio, RootsReader.explicit(f, u, p, base), bulkhead,
                    ProtectionReader.read(f, u, p), // #14 item 1: breaker and retry policy (C6.1)
                    CredentialsReader.read(f, u, p, base, transport, !headers.isEmpty()))); // #16 item 1 (C1.2)
        }
        return out;
    }

    /** The stdio child's settings (issue #11 items 6 and 21, issue #21 item 1); they apply to stdio upstreams only. */
    private static UpstreamConfig.Stdio stdio(Fields f, JsonNode u, String p, UpstreamConfig.Transport transport) {
        if (transport != UpstreamConfig.Transport.STDIO) {
            for (String k : List.of("inherit_env", "max_line_bytes", "protocol_tolerance")) {
                if (u.has(k)) {
                    f.problem(p + "/" + k, "'" + k + "' applies to stdio (command) upstreams only");
                }
            }
            return UpstreamConfig.Stdio.DEFAULTS;
        }
        List<String> inherit = f.strings(u, "inherit_env", p);
        for (String v : inherit) {
            if (!ENV_NAME.matcher(v).matches()) {
                f.problem(p + "/inherit_env", "'inherit_env' names environment variables ([A-Za-z_][A-Za-z0-9_]*); got '" + v + "'");
            }
        }
        long maxLine = f.integer(u, "max_line_bytes", p, UpstreamConfig.Stdio.DEFAULT_MAX_LINE_BYTES, 64 * 1024, 1L << 30);
        long tolerance = f.integer(u, "protocol_tolerance", p, UpstreamConfig.Stdio.DEFAULT_PROTOCOL_TOLERANCE, 0, 1_000_000);
        return new UpstreamConfig.Stdio(inherit, maxLine, (int) tolerance);
    }

    private static Map<String, UpstreamConfig.HeaderSource> headers(Fields f, JsonNode n, String p, Path base) {
        Map<String, UpstreamConfig.HeaderSource> out = new LinkedHashMap<>();
        if (!f.isObject(n, p, "'headers'")) {
            return out;
        }
        for (String h : n.propertyNames()) {
            String hp = p + "/" + LocatedTree.escape(h);
            JsonNode v = n.get(h);
            if (v == null || !v.isObject()) {
                f.problem(hp, "header '" + h + "' must be {env: VAR} or {file: path} (static values in the file are not allowed: keep secrets out of config)");
                continue;
            }
            f.onlyKeys(v, hp, Set.of("env", "file", "prefix"));
            String env = f.string(v, "env", hp, null);
            String file = f.string(v, "file", hp, null);
            if ((env == null) == (file == null)) {
                f.problem(hp, "header '" + h + "' needs exactly one of 'env' and 'file'");
                continue;
            }
            out.put(h, new UpstreamConfig.HeaderSource(env, file == null ? null : base.resolve(file), f.string(v, "prefix", hp, "")));
        }
        return out;
    }

    private static Map<String, ToolSettings> tools(Fields f, JsonNode n, List<EnvironmentConfig> envs) {
        Map<String, ToolSettings> out = new HashMap<>();
        if (!f.isObject(n, "/tools", "'tools'")) {
            return out;
        }
        for (String name : n.propertyNames()) {
            String p = "/tools/" + LocatedTree.escape(name);
            JsonNode t = n.get(name);
            if (t == null || !t.isObject()) {
                f.problem(p, "tool '" + name + "' must be a mapping (enabled, environments, timeout, max_concurrent, max_queue)");
                continue;
            }
            f.onlyKeys(t, p, Set.of("enabled", "environments", "timeout", "max_concurrent", "max_queue"));
            List<String> in = f.strings(t, "environments", p);
            for (String e : in) {
                if (envs.stream().noneMatch(x -> x.name().equals(e))) {
                    f.problem(p + "/environments", "tool '" + name + "' names environment '" + e + "', which is not declared");
                }
            }
            out.put(name, new ToolSettings(f.bool(t, "enabled", p, true), in, f.duration(t, "timeout", p, null),
                    ProtectionReader.toolBulkhead(f, t, p))); // #14 item 1: the tool's own bulkhead
        }
        return out;
    }
}
