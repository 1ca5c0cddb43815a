package io.portcullis.ratelimit;

import io.portcullis.catalog.RiskClass;
import io.portcullis.identity.Principal;
import io.portcullis.settings.EnvironmentConfig;
import io.portcullis.settings.Fields;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Reads the {@code rate_limits:} section (#14 item 3, C6.3). Every problem (an unknown scope, risk
 * class or kind, a limit that is not a positive number, a negative or zero duration, an undeclared
 * environment, a Redis URL that is not redis:// or rediss://) is reported with its file and line.
 */
public final class RateLimitConfigReader {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final long MAX = 1_000_000_000L;

    private RateLimitConfigReader() {}

    public static RateLimitConfig read(Fields f, JsonNode n, List<EnvironmentConfig> envs) {
        String p = "/rate_limits";
        if (!f.isObject(n, p, "'rate_limits'")) {
            return RateLimitConfig.NONE;
        }
        f.onlyKeys(n, p, Set.of("redis", "on_redis_down", "environments"));
        RateLimitConfig.Redis redis = redis(f, n.get("redis"), p + "/redis");
        boolean production = envs.stream().anyMatch(EnvironmentConfig::production);
        String fb = f.string(n, "on_redis_down", p, production ? "fail_closed" : "local");
        RateLimitConfig.Fallback fallback = switch (fb) {
            case "fail_closed" -> RateLimitConfig.Fallback.FAIL_CLOSED;
            case "local" -> RateLimitConfig.Fallback.LOCAL;
            default -> {
                f.problem(p + "/on_redis_down", "'on_redis_down' must be fail_closed (refuse calls while Redis is unreachable) "
                        + "or local (count on each node meanwhile); got '" + fb + "'");
                yield RateLimitConfig.Fallback.FAIL_CLOSED;
            }
        };
        if (n.has("on_redis_down") && redis == null) {
            f.problem(p + "/on_redis_down", "'on_redis_down' applies only with 'redis' (buckets are in process otherwise)");
        }
        Map<String, RateLimitConfig.EnvLimits> out = new LinkedHashMap<>();
        JsonNode es = n.get("environments");
        if (f.isObject(es, p + "/environments", "'environments'")) {
            for (String env : es.propertyNames()) {
                String ep = p + "/environments/" + Fields.escape(env);
                if (envs.stream().noneMatch(e -> e.name().equals(env))) {
                    f.problem(ep, "environment '" + env + "' is not declared in 'environments'");
                    continue;
                }
                out.put(env, environment(f, es.get(env), ep));
            }
        }
        return new RateLimitConfig(redis, fallback, out);
    }

    private static RateLimitConfig.Redis redis(Fields f, JsonNode n, String p) {
        if (!f.isObject(n, p, "'redis'")) {
            return null;
        }
        f.onlyKeys(n, p, Set.of("url", "key_prefix", "timeout"));
        String url = f.string(n, "url", p, null);
        URI uri = null;
        if (url == null) {
            f.problem(p, "'redis' needs a 'url' such as redis://127.0.0.1:6379");
        } else {
            try {
                uri = URI.create(url);
                if (!("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new IllegalArgumentException("not redis");
                }
            } catch (IllegalArgumentException e) {
                f.problem(p + "/url", "'url' must be redis://host:port or rediss://host:port; got '" + url + "'");
                uri = null;
            }
        }
        String prefix = f.string(n, "key_prefix", p, "portcullis:");
        Duration timeout = positive(f, n, "timeout", p, Duration.ofMillis(500));
        return uri == null ? null : new RateLimitConfig.Redis(uri, prefix, timeout);
    }

    private static RateLimitConfig.EnvLimits environment(Fields f, JsonNode n, String p) {
        if (!f.isObject(n, p, "an environment's rate limits")) {
            return RateLimitConfig.EnvLimits.NONE;
        }
        f.onlyKeys(n, p, Set.of("limits", "loop", "concurrency_per_principal", "new_sessions"));
        List<RateLimitConfig.Limit> limits = new ArrayList<>();
        JsonNode ls = n.get("limits");
        if (ls != null && !ls.isNull()) {
            if (!ls.isArray()) {
                f.problem(p + "/limits", "'limits' must be a list of {id, per, limit, every}");
            } else {
                Set<String> ids = new HashSet<>();
                for (int i = 0; i < ls.size(); i++) {
                    RateLimitConfig.Limit l = limit(f, ls.get(i), p + "/limits/" + i);
                    if (l != null && !ids.add(l.id())) {
                        f.problem(p + "/limits/" + i + "/id", "limit id '" + l.id() + "' is used twice in this environment");
                    } else if (l != null) {
                        limits.add(l);
                    }
                }
            }
        }
        RateLimitConfig.Loop loop = null;
        JsonNode lo = n.get("loop");
        if (f.isObject(lo, p + "/loop", "'loop'")) {
            f.onlyKeys(lo, p + "/loop", Set.of("max", "within"));
            long max = required(f, lo, "max", p + "/loop");
            Duration within = requiredDuration(f, lo, "within", p + "/loop");
            if (max > 0 && within != null) {
                loop = new RateLimitConfig.Loop(max, within, f.where(p + "/loop"));
            }
        }
        int concurrency = (int) f.integer(n, "concurrency_per_principal", p, 0, 1, 100_000);
        RateLimitConfig.Rate sessions = null;
        JsonNode ns = n.get("new_sessions");
        if (f.isObject(ns, p + "/new_sessions", "'new_sessions'")) {
            f.onlyKeys(ns, p + "/new_sessions", Set.of("limit", "every"));
            long limit = required(f, ns, "limit", p + "/new_sessions");
            Duration every = requiredDuration(f, ns, "every", p + "/new_sessions");
            if (limit > 0 && every != null) {
                sessions = new RateLimitConfig.Rate(limit, every, f.where(p + "/new_sessions"));
            }
        }
        return new RateLimitConfig.EnvLimits(limits, loop, concurrency, sessions);
    }

    private static RateLimitConfig.Limit limit(Fields f, JsonNode n, String p) {
        if (!f.isObject(n, p, "a limit") ) {
            if (n == null || n.isNull()) {
                f.problem(p, "a limit must be a mapping {id, per, limit, every}");
            }
            return null;
        }
        f.onlyKeys(n, p, Set.of("id", "per", "risk", "kinds", "tools", "limit", "every"));
        String id = f.string(n, "id", p, null);
        boolean ok = true;
        if (id == null || !ID.matcher(id).matches()) {
            f.problem(p + (id == null ? "" : "/id"), "a limit needs an 'id' of lowercase letters, digits, '.', '_' or '-' (it names the rule in refusals)");
            ok = false;
        }
        String per = f.string(n, "per", p, null);
        RateLimitConfig.Scope scope = null;
        for (RateLimitConfig.Scope s : RateLimitConfig.Scope.values()) {
            if (s.id().equals(per)) {
                scope = s;
            }
        }
        if (scope == null) {
            f.problem(p + (per == null ? "" : "/per"), "'per' must be one of principal, client, tool, environment"
                    + (per == null ? "" : "; got unknown scope '" + per + "'"));
            ok = false;
        }
        Set<RiskClass> risks = new HashSet<>();
        for (String r : f.strings(n, "risk", p)) {
            RiskClass.of(r).ifPresentOrElse(risks::add, () ->
                    f.problem(p + "/risk", "'risk' entries must be read_only, state_changing or irreversible; got '" + r + "'"));
        }
        Set<Principal.Kind> kinds = new HashSet<>();
        for (String k : f.strings(n, "kinds", p)) {
            switch (k) {
                case "user" -> kinds.add(Principal.Kind.USER);
                case "service" -> kinds.add(Principal.Kind.SERVICE);
                case "anonymous" -> kinds.add(Principal.Kind.ANONYMOUS);
                default -> f.problem(p + "/kinds", "'kinds' entries must be user, service or anonymous; got '" + k + "'");
            }
        }
        List<String> tools = f.strings(n, "tools", p);
        long limit = required(f, n, "limit", p);
        Duration every = requiredDuration(f, n, "every", p);
        if (!ok || limit <= 0 || every == null) {
            return null;
        }
        return new RateLimitConfig.Limit(id, scope, risks, kinds, tools, limit, every, f.where(p));
    }

    private static long required(Fields f, JsonNode n, String key, String p) {
        if (!n.has(key)) {
            f.problem(p, "'" + key + "' is required (a whole number from 1 to " + MAX + ")");
            return 0;
        }
        return f.integer(n, key, p, 0, 1, MAX);
    }

    private static Duration requiredDuration(Fields f, JsonNode n, String key, String p) {
        if (!n.has(key)) {
            f.problem(p, "'" + key + "' is required (a duration such as 30s, 1m, 1h)");
            return null;
        }
        return positive(f, n, key, p, null);
    }

    /** A duration above zero; "-5s" and "0s" are problems (the duration syntax has no sign: "-5s" is not one). */
    private static Duration positive(Fields f, JsonNode n, String key, String p, Duration fallback) {
        int before = f.problems().size();
        Duration d = f.duration(n, key, p, fallback);
        if (f.problems().size() > before) {
            return null;
        }
        if (d != null && (d.isZero() || d.isNegative())) {
            f.problem(p + "/" + key, "'" + key + "' must be longer than zero; got '" + n.path(key).asString("")
                    .toLowerCase(Locale.ROOT) + "'");
            return null;
        }
        return d;
    }
}
