package io.portcullis.egress;

import java.util.Map;

/**
 * Which {@link Action} applies to a class (#13 item 3): the most specific setting wins, in this
 * order: the tool (exposed name, {@code *} globs allowed), its upstream, the environment, the
 * config's {@code egress.actions}, then the shipped defaults. Within one map an exact class id
 * beats {@code family.*}, which beats {@code *}.
 *
 * <p>Shipped defaults (safe): secrets are redacted, payment cards masked to their last digits,
 * other PII and custom classes redacted, and a detector that failed blocks the result.
 */
public record Actions(Map<String, Action> global, Map<String, Map<String, Action>> environments,
                      Map<String, Map<String, Action>> upstreams, Map<String, Map<String, Action>> tools) {

    public static final Map<String, Action> DEFAULTS = Map.of(
            "secret.*", Action.REDACT,
            "pii.*", Action.REDACT,
            "pii.payment-card", Action.MASK,
            Scanner.FAILED, Action.BLOCK,
            "*", Action.REDACT);

    public static final Actions SHIPPED = new Actions(Map.of(), Map.of(), Map.of(), Map.of());

    public Actions {
        global = Map.copyOf(global);
        environments = Map.copyOf(environments);
        upstreams = Map.copyOf(upstreams);
        tools = Map.copyOf(tools);
    }

    /** The action for {@code classId} in a call of {@code tool} (served by {@code upstream}) in {@code environment}. */
    public Action of(String classId, String environment, String tool, String upstream) {
        if (Scanner.FAILED.equals(classId)) {
            return Action.BLOCK; // fail closed whatever the config says
        }
        Action a = null;
        if (tool != null) {
            for (Map.Entry<String, Map<String, Action>> e : tools.entrySet()) {
                if (glob(e.getKey(), tool) && (a = pick(e.getValue(), classId)) != null) {
                    return a;
                }
            }
        }
        if (upstream != null && (a = pick(upstreams.get(upstream), classId)) != null) {
            return a;
        }
        if (environment != null && (a = pick(environments.get(environment), classId)) != null) {
            return a;
        }
        if ((a = pick(global, classId)) != null) {
            return a;
        }
        return pick(DEFAULTS, classId);
    }

    static Action pick(Map<String, Action> m, String classId) {
        if (m == null || m.isEmpty()) {
            return null;
        }
        Action a = m.get(classId);
        if (a != null) {
            return a;
        }
        int dot = classId.indexOf('.');
        if (dot > 0 && (a = m.get(classId.substring(0, dot) + ".*")) != null) {
            return a;
        }
        return m.get("*");
    }

    /** {@code *} matches any run of characters; everything else literally. */
    static boolean glob(String pattern, String name) {
        if (!pattern.contains("*")) {
            return pattern.equals(name);
        }
        String[] parts = pattern.split("\\*", -1);
        int at = 0;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (i == 0) {
                if (!name.startsWith(p)) {
                    return false;
                }
                at = p.length();
            } else if (i == parts.length - 1) {
                return name.length() - p.length() >= at && name.endsWith(p);
            } else {
                int j = name.indexOf(p, at);
                if (j < 0) {
                    return false;
                }
                at = j + p.length();
            }
        }
        return true;
    }
}
