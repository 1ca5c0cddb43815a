package io.portcullis.killswitch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * #14 item 2: what a {@code kill}/{@code unkill} request must name, checked the same way by the
 * admin API and the CLI on a stopped gateway. A name that does not exist is refused with the close
 * names ("Bad input: kill of a name that does not exist → a clear error listing close names").
 *
 * @param tools        the tool names that exist (the running catalog, and the config's declared tools)
 * @param upstreams    the config's upstreams
 * @param environments the config's environments
 * @param prefixes     the configured upstreams' tool-name prefixes with the separator ({@code demo__}); with
 *                     {@code strictTools} false a name with one of them is accepted (no catalog to ask)
 * @param strictTools  whether {@code tools} is the whole catalog (a running gateway) or only what the config declares
 */
public record KillRequests(Set<String> tools, Set<String> upstreams, Set<String> environments, Set<String> prefixes,
                           boolean strictTools) {

    public KillRequests {
        tools = new TreeSet<>(tools);
        upstreams = new TreeSet<>(upstreams);
        environments = new TreeSet<>(environments);
        prefixes = new TreeSet<>(prefixes);
    }

    /**
     * The names of {@code config}, with {@code catalogTools} the running catalog's tool names, or null when no
     * gateway runs (then the config's declared tools, and any name with a configured upstream's prefix).
     */
    public static KillRequests of(io.portcullis.config.GatewayConfig config, Collection<String> catalogTools) {
        Set<String> tools = new TreeSet<>(config.catalog().tools().keySet());
        tools.addAll(config.tools().keySet());
        if (catalogTools != null) {
            tools.addAll(catalogTools);
        }
        Set<String> prefixes = new TreeSet<>();
        config.upstreams().values().forEach(u -> {
            if (u.prefix() != null && !u.prefix().isEmpty()) {
                prefixes.add(u.prefix() + config.server().toolSeparator());
            }
        });
        Set<String> envs = new TreeSet<>();
        config.environments().forEach(e -> envs.add(e.name()));
        return new KillRequests(tools, config.upstreams().keySet(), envs, prefixes, catalogTools != null);
    }

    /** Why a kill of {@code scope name} is refused, or null when it may be set. */
    public String refusal(String scope, String name, String env, boolean readOnly, String reason, boolean kill) {
        KillSwitch.Scope s = KillSwitch.Scope.of(scope);
        if (s == null) {
            return "the scope must be tool, upstream or environment, not '" + scope + "'";
        }
        if (name == null || name.isBlank()) {
            return "name the " + s.word() + " to " + (kill ? "switch off" : "switch on again");
        }
        if (kill && (reason == null || reason.isBlank())) {
            return "give a reason (--reason \"...\"): it is shown to every caller that is refused and recorded in the audit log";
        }
        if (readOnly && s != KillSwitch.Scope.ENVIRONMENT) {
            return "read-only applies to an environment switch only (a tool or an upstream is switched off entirely)";
        }
        if (env != null && !env.isEmpty()) {
            if (s == KillSwitch.Scope.ENVIRONMENT) {
                return "--env does not apply to an environment switch: its name is the environment";
            }
            if (!environments.contains(env)) {
                return unknown("environment", env, environments);
            }
        }
        return switch (s) {
            case ENVIRONMENT -> environments.contains(name) ? null : unknown("environment", name, environments);
            case UPSTREAM -> upstreams.contains(name) ? null : unknown("upstream", name, upstreams);
            case TOOL -> tools.contains(name) || !strictTools && prefixes.stream().anyMatch(p -> name.startsWith(p)
                    && name.length() > p.length()) ? null : unknown("tool", name, tools);
        };
    }

    private String unknown(String what, String name, Collection<String> known) {
        List<String> near = close(name, known);
        String hint = near.isEmpty() ? (known.size() <= 10 ? "; known: " + known : "; " + known.size() + " are known")
                : "; close names: " + String.join(", ", near);
        String note = what.equals("tool") && !strictTools
                ? " (no gateway runs here, so tools are checked against the config: name one its catalog or tools: section declares, "
                + "or <prefix><tool> of a configured upstream, prefixes " + prefixes + ")" : "";
        return "no " + what + " is named '" + name + "'" + hint + note;
    }

    /** Up to five known names close to {@code name}: edit distance within a third of its length (at least 2), or containing it. */
    public static List<String> close(String name, Collection<String> known) {
        String n = name.toLowerCase(Locale.ROOT);
        int limit = Math.max(2, n.length() / 3);
        List<String[]> scored = new ArrayList<>();
        for (String k : known) {
            String l = k.toLowerCase(Locale.ROOT);
            int d = distance(n, l);
            if (d <= limit || (n.length() >= 3 && (l.contains(n) || n.contains(l)))) {
                scored.add(new String[] {String.format("%06d", d), k});
            }
        }
        scored.sort(Comparator.<String[], String>comparing(a -> a[0]).thenComparing(a -> a[1]));
        return scored.stream().limit(5).map(a -> a[1]).toList();
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
