package io.portcullis.audit;

import io.portcullis.settings.Fields;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Reads the {@code audit:} section of the config. Every problem goes to {@link Fields} with its
 * line, like the rest of the config.
 *
 * <pre>
 * audit:
 *   signing_key: keys/audit.pem        # Ed25519 PKCS#8 PEM; default data_dir/audit-signing-key.pem (created on first start)
 *   trusted_keys: [keys/node2.pub.pem] # other nodes' public keys (shared PostgreSQL store)
 *   node_id: gw-1                      # default: generated once, kept in data_dir/audit-node-id
 *   checkpoint_every: 1000             # records
 *   checkpoint_interval: 10s
 *   mask_fields: [ssn, card_number]    # besides password, token, secret, api_key, authorization, ...
 *   max_value_chars: 2048
 *   retention: {dev: 7d, prod: 400d}   # per environment
 *   default_retention: 90d             # other environments; absent = keep forever
 *   prune_interval: 1h
 *   write_timeout: 10s
 *   admin_token_env: PORTCULLIS_ADMIN_TOKEN   # or admin_token_file: path; neither = loopback clients only
 * </pre>
 */
public final class AuditConfigReader {
    private static final Pattern NODE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private AuditConfigReader() {}

    /**
     * @param n            the {@code audit} node, or null when absent
     * @param base         the directory relative paths are resolved against
     * @param dataDir      the data directory
     * @param environments the declared environment names (retention may only name these)
     */
    public static AuditConfig read(Fields f, JsonNode n, Path base, Path dataDir, List<String> environments) {
        AuditConfig d = AuditConfig.defaults(dataDir);
        String p = "/audit";
        if (!f.isObject(n, p, "'audit'")) {
            return d;
        }
        f.onlyKeys(n, p, Set.of("signing_key", "trusted_keys", "node_id", "checkpoint_every", "checkpoint_interval",
                "mask_fields", "max_value_chars", "retention", "default_retention", "prune_interval", "write_timeout",
                "admin_token_env", "admin_token_file"));
        String key = f.string(n, "signing_key", p, null);
        List<Path> trusted = new ArrayList<>();
        for (String t : f.strings(n, "trusted_keys", p)) {
            trusted.add(base.resolve(t).normalize());
        }
        String node = f.string(n, "node_id", p, null);
        if (node != null && !NODE.matcher(node).matches()) {
            f.problem(p + "/node_id", "'node_id' must be 1-64 characters of [A-Za-z0-9_.-]");
        }
        int every = (int) f.integer(n, "checkpoint_every", p, d.checkpointEvery(), 1, 10_000_000);
        Duration interval = positive(f, n, "checkpoint_interval", p, d.checkpointInterval());
        int maxChars = (int) f.integer(n, "max_value_chars", p, d.maxValueChars(), 16, 1_000_000);
        Map<String, Duration> retention = new HashMap<>();
        JsonNode r = n.get("retention");
        if (f.isObject(r, p + "/retention", "'retention'")) {
            for (String env : r.propertyNames()) {
                if (!environments.contains(env)) {
                    f.problem(p + "/retention/" + env, "retention names environment '" + env + "', which is not declared");
                    continue;
                }
                Duration keep = positive(f, r, env, p + "/retention", null);
                if (keep != null) {
                    retention.put(env, keep);
                }
            }
        }
        Duration dflt = positive(f, n, "default_retention", p, null);
        Duration prune = positive(f, n, "prune_interval", p, d.pruneInterval());
        Duration write = positive(f, n, "write_timeout", p, d.writeTimeout());
        String tokenEnv = f.string(n, "admin_token_env", p, null);
        String tokenFile = f.string(n, "admin_token_file", p, null);
        if (tokenEnv != null && tokenFile != null) {
            f.problem(p, "give at most one of 'admin_token_env' and 'admin_token_file'");
        }
        return new AuditConfig(key == null ? d.signingKey() : base.resolve(key).normalize(), key == null, trusted, node,
                dataDir, every, interval, f.strings(n, "mask_fields", p), maxChars, retention, dflt, prune, write,
                tokenEnv, tokenFile == null ? null : base.resolve(tokenFile).normalize());
    }

    private static Duration positive(Fields f, JsonNode n, String key, String p, Duration fallback) {
        Duration v = f.duration(n, key, p, fallback);
        if (v != null && v.isZero()) {
            f.problem(p + "/" + key, "'" + key + "' must be longer than zero");
            return fallback;
        }
        return v;
    }
}
