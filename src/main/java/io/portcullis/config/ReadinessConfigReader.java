package io.portcullis.config;

import io.portcullis.settings.EnvironmentConfig;
import io.portcullis.settings.Fields;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads the {@code readiness:} section; every problem goes to {@link Fields} with its line.
 *
 * <pre>
 * readiness:
 *   boundary_owner: {team: platform-security, oncall: "pager:platform-security"}   # C7.1
 *   oncall:                                      # C7.1, #15 item 5: per owning team
 *     platform-security: {contact: "pager:platform-security", webhook: {url: https://hooks.example.com/sec, format: json}}
 *   review: {required: true, record: https://git.example.com/org/gateway-config}     # C7.2
 *   playbook: docs/playbook.md                   # C4.4
 *   conversation_policy: https://wiki.example.com/ai/history   # C5.4
 *   rotation: docs/rotation.md                   # C1.3
 *   gate:
 *     enforce: true                              # G1; false only in tests
 *     list: hide                                 # hide | mark
 *     override:                                  # never for a production environment
 *       - {env: dev, reason: "integration week, see CHG-123"}
 * </pre>
 */
public final class ReadinessConfigReader {
    private static final String P = "/readiness";

    private ReadinessConfigReader() {}

    /** @param n the {@code readiness} node, or null when absent */
    public static ReadinessConfig read(Fields f, JsonNode n, List<EnvironmentConfig> envs) {
        return read(f, n, envs, java.nio.file.Path.of("."));
    }

    /** @param baseDir the config file's directory (webhook header secrets in files are resolved from it) */
    public static ReadinessConfig read(Fields f, JsonNode n, List<EnvironmentConfig> envs, java.nio.file.Path baseDir) {
        if (!f.isObject(n, P, "'readiness'")) {
            return ReadinessConfig.DEFAULTS;
        }
        f.onlyKeys(n, P, Set.of("boundary_owner", "review", "playbook", "conversation_policy", "rotation", "gate", "oncall"));
        ReadinessConfig.BoundaryOwner owner = null;
        JsonNode o = n.get("boundary_owner");
        if (f.isObject(o, P + "/boundary_owner", "'boundary_owner'")) {
            f.onlyKeys(o, P + "/boundary_owner", Set.of("team", "oncall"));
            owner = new ReadinessConfig.BoundaryOwner(f.string(o, "team", P + "/boundary_owner", null),
                    f.string(o, "oncall", P + "/boundary_owner", null));
        }
        ReadinessConfig.Review review = null;
        JsonNode r = n.get("review");
        if (f.isObject(r, P + "/review", "'review'")) {
            f.onlyKeys(r, P + "/review", Set.of("required", "record"));
            review = new ReadinessConfig.Review(f.bool(r, "required", P + "/review", false),
                    f.string(r, "record", P + "/review", null));
        }
        boolean enforce = true;
        ReadinessConfig.ListMode list = ReadinessConfig.ListMode.HIDE;
        Map<String, String> overrides = new LinkedHashMap<>();
        JsonNode g = n.get("gate");
        String gp = P + "/gate";
        if (f.isObject(g, gp, "'gate'")) {
            f.onlyKeys(g, gp, Set.of("enforce", "list", "override"));
            enforce = f.bool(g, "enforce", gp, true);
            EnvironmentConfig prod = envs.stream().filter(EnvironmentConfig::production).findFirst().orElse(null);
            if (!enforce && prod != null) {
                // #11 item 7, G1: no setting opens the gate of a production environment
                f.problem(gp + "/enforce", "'enforce: false' is refused: environment '" + prod.name() + "' is production, and no "
                        + "setting opens the readiness gate there (G1); remove it, or switch the gate off only in a config "
                        + "without production environments");
            }
            String mode = f.string(g, "list", gp, "hide");
            switch (mode) {
                case "hide" -> list = ReadinessConfig.ListMode.HIDE;
                case "mark" -> list = ReadinessConfig.ListMode.MARK;
                default -> f.problem(gp + "/list", "'list' must be hide or mark");
            }
            overrides(f, g.get("override"), gp + "/override", envs, overrides);
        }
        return new ReadinessConfig(owner, review, f.string(n, "playbook", P, null),
                f.string(n, "conversation_policy", P, null), f.string(n, "rotation", P, null), enforce, list, overrides,
                oncall(f, n.get("oncall"), baseDir));
    }

    /** #15 item 5 (C7.1): {@code oncall: {TEAM: {contact: TEXT, webhook: {url, format, headers, ...}}}}. */
    private static Map<String, ReadinessConfig.OnCall> oncall(Fields f, JsonNode n, java.nio.file.Path baseDir) {
        Map<String, ReadinessConfig.OnCall> out = new LinkedHashMap<>();
        String p = P + "/oncall";
        if (n == null || n.isNull() || !f.isObject(n, p, "'oncall'")) {
            return out;
        }
        for (String team : n.propertyNames()) {
            String tp = p + "/" + Fields.escape(team);
            JsonNode e = n.get(team);
            if (!f.isObject(e, tp, "an on-call entry")) {
                f.problem(tp, "an on-call entry must be {contact: TEXT, webhook: {url: URL, format: json|slack}}");
                continue;
            }
            f.onlyKeys(e, tp, Set.of("contact", "webhook"));
            String contact = f.string(e, "contact", tp, null);
            if (contact == null || contact.isBlank()) {
                f.problem(tp, "team '" + team + "' needs a 'contact' (a rota, pager key or channel)");
                continue;
            }
            out.put(team, new ReadinessConfig.OnCall(contact,
                    io.portcullis.approval.ApprovalsConfigReader.webhook(f, e.get("webhook"), tp + "/webhook", baseDir)));
        }
        return out;
    }

    private static void overrides(Fields f, JsonNode n, String p, List<EnvironmentConfig> envs, Map<String, String> out) {
        if (n == null || n.isNull()) {
            return;
        }
        if (!n.isArray()) {
            f.problem(p, "'override' must be a list of {env: NAME, reason: TEXT}");
            return;
        }
        for (int i = 0; i < n.size(); i++) {
            String ip = p + "/" + i;
            JsonNode e = n.get(i);
            if (!f.isObject(e, ip, "an override")) {
                f.problem(ip, "an override must be {env: NAME, reason: TEXT}");
                continue;
            }
            f.onlyKeys(e, ip, Set.of("env", "reason"));
            String env = f.string(e, "env", ip, null);
            String reason = f.string(e, "reason", ip, null);
            EnvironmentConfig ec = env == null ? null
                    : envs.stream().filter(x -> x.name().equals(env)).findFirst().orElse(null);
            if (ec == null) {
                f.problem(ip + "/env", "an override needs 'env', a declared environment");
            } else if (ec.production()) {
                // G1: a production environment stays read-only until sections 1-4 pass; no key opens it
                f.problem(ip + "/env", "environment '" + env + "' is production: the readiness gate cannot be overridden there");
            } else if (reason == null || reason.isBlank()) {
                f.problem(ip + "/reason", "an override needs a 'reason' (it is shown in every readiness report)");
            } else {
                out.put(env, reason);
            }
        }
    }
}
