package io.portcullis.admin;

import io.portcullis.config.GatewayConfig;
import io.portcullis.identity.IdentityStore;
import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /admin/api/keys} (C1.2, C1.3; #21 item 13: what {@code portcullis keys create} sends
 * when a gateway serves the data directory). Body: {@code {"role": R, "environments": [E...],
 * "expires_in": "30d", "name"?: N}}. The same rules as the CLI's direct path ({@link #refusal}):
 * API keys on, a lifetime within {@code identity.api_keys.max_lifetime}, declared environments.
 * Answers 201 with the secret, once; only its hash is stored.
 */
public final class KeyRoutes {
    private static final Logger LOG = LoggerFactory.getLogger("portcullis.admin");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(m|h|d)");

    private KeyRoutes() {}

    static void create(GatewayConfig cfg, IdentityStore store, Principal admin, Request req, Response res) throws IOException {
        JsonNode body = AdminApi.body(req, res);
        if (body == null) {
            return;
        }
        String role = AdminApi.text(body, "role");
        Duration life = duration(AdminApi.text(body, "expires_in"));
        List<String> envs = new ArrayList<>();
        body.path("environments").forEach(e -> envs.add(e.isString() ? e.asString() : ""));
        if (role == null || envs.isEmpty() || life == null) {
            AdminApi.reply(res, 400, AdminApi.error("send 'role', 'environments' (a non-empty list) and 'expires_in' (like 30m, 12h or 30d)"));
            return;
        }
        String refused = refusal(cfg, envs, life);
        if (refused != null) {
            AdminApi.reply(res, 400, AdminApi.error(refused));
            return;
        }
        var created = store.createKey(AdminApi.text(body, "name"), role, envs,
                Instant.now().plus(life).truncatedTo(ChronoUnit.SECONDS), admin.subject());
        LOG.warn("API key {} created for role {} by {}", created.key().prefix(), role, admin.subject());
        var k = created.key();
        var out = Json.object().put("secret", created.secret()).put("prefix", k.prefix()).put("name", k.name())
                .put("role", k.role()).put("expires", k.expires().toString()).put("created_by", admin.subject());
        k.environments().forEach(out.withArray("environments")::add);
        AdminApi.reply(res, 201, out);
    }

    /** Why {@code cfg} does not let a key for {@code environments} live {@code life}, or null when it does. */
    public static String refusal(GatewayConfig cfg, List<String> environments, Duration life) {
        var id = cfg.identity();
        if (id.enabled() && !id.apiKeysEnabled()) {
            return "this config does not accept API keys (identity.api_keys is off)";
        }
        if (life.compareTo(id.apiKeyMaxLifetime()) > 0) {
            return "the lifetime " + life.toHours() + "h exceeds identity.api_keys.max_lifetime (" + id.apiKeyMaxLifetime().toDays()
                    + "d); short-lived keys are the point (C1.3)";
        }
        for (String e : environments) {
            if (cfg.environment(e).isEmpty()) {
                return "environment '" + e + "' is not declared in the config";
            }
        }
        return null;
    }

    /** A lifetime like {@code 30m}, {@code 12h} or {@code 30d}, or null when {@code s} is not one. */
    public static Duration duration(String s) {
        if (s == null) {
            return null;
        }
        Matcher m = DURATION.matcher(s.trim());
        if (!m.matches()) {
            return null;
        }
        long v = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(v);
            case "h" -> Duration.ofHours(v);
            default -> Duration.ofDays(v);
        };
    }
}
