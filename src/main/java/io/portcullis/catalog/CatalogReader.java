package io.portcullis.catalog;

import io.portcullis.settings.ConfigProblem;
import io.portcullis.settings.Fields;
import io.portcullis.settings.LocatedTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads the tool inventory: the {@code catalog:} key of the gateway config names a catalog file
 * (reviewed like code) or holds the catalog inline. Problems carry the catalog file's own lines.
 */
public final class CatalogReader {
    private static final Set<String> TOP = Set.of("unlisted", "export_patterns", "max_result_bytes", "on_oversize", "upstreams", "tools",
            "resources", "prompts");
    private static final Set<String> ITEM_KEYS = Set.of("owner", "purpose", "risk", "environments", "labels");
    private static final Set<String> TOOL_KEYS = Set.of("owner", "purpose", "risk", "environments", "labels", "export",
            "business_need", "export_approver", "constraints", "max_result_bytes", "on_oversize", "produces",
            "definition_sha256");
    private static final Set<String> CONSTRAINT_KEYS = Set.of("allow", "pattern", "format", "min_length", "max_length",
            "minimum", "maximum", "path_roots", "url");
    private static final Set<String> URL_KEYS = Set.of("schemes", "hosts", "allow_private");

    private CatalogReader() {}

    /**
     * @param f         the gateway config's fields (problems are added there)
     * @param node      the value of the {@code catalog:} key, or null
     * @param base      the config file's directory
     * @param envs      declared environment names
     * @param prefixes  the declared upstreams' prefixes, by upstream name (entries are bound to (upstream, tool) with them)
     * @param separator the tool separator
     * @param files     receives the catalog file's path, so that a change to it reloads the config
     */
    public static CatalogConfig read(Fields f, JsonNode node, Path base, Set<String> envs, Map<String, String> prefixes,
                                     String separator, List<Path> files) {
        Names names = new Names(prefixes, separator);
        if (node == null || node.isNull()) {
            return CatalogConfig.none();
        }
        if (node.isString()) {
            Path file = base.resolve(node.asString()).normalize();
            files.add(file);
            String text;
            try {
                text = io.portcullis.settings.ConfigFiles.read(file); // #15 item 4: or the approved config's text
            } catch (IOException e) {
                f.problem("/catalog", "cannot read the catalog file " + file + ": " + e.getMessage());
                return CatalogConfig.none();
            }
            LocatedTree tree;
            try {
                tree = LocatedTree.parse(text);
            } catch (JacksonException e) {
                int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
                f.problems().add(new ConfigProblem(file.toString(), line, "not valid YAML: " + e.getOriginalMessage()));
                return CatalogConfig.none();
            }
            Fields cf = new Fields(tree, file.toString());
            CatalogConfig c = parse(cf, tree.root(), "", file.getParent(), envs, names, file.toString());
            f.problems().addAll(cf.problems());
            return c;
        }
        return parse(f, node, "/catalog", base, envs, names, "inline");
    }

    /** The upstreams' prefixes and the separator: what binds an exposed name to (upstream, name). */
    private record Names(Map<String, String> prefixes, String separator) {
        Set<String> upstreams() {
            return prefixes.keySet();
        }
    }

    private static CatalogConfig parse(Fields f, JsonNode n, String p, Path base, Set<String> envs, Names names, String source) {
        Set<String> ups = names.upstreams();
        if (!f.isObject(n, p, "the catalog")) {
            f.problem(p, "the catalog must be a mapping (unlisted, export_patterns, upstreams, tools) or a file name");
            return CatalogConfig.none();
        }
        f.onlyKeys(n, p, TOP);
        Unlisted unlisted = unlisted(f, n, p, Unlisted.HIDE);
        List<String> patterns = n.has("export_patterns") ? f.strings(n, "export_patterns", p) : CatalogConfig.DEFAULT_EXPORT_PATTERNS;
        long max = f.integer(n, "max_result_bytes", p, CatalogConfig.DEFAULT_MAX_RESULT_BYTES, 1, 1L << 31);
        Oversize over = oversize(f, n, p, Oversize.TRUNCATE);
        Map<String, CatalogConfig.UpstreamDefaults> upstreamDefaults = new HashMap<>();
        JsonNode un = n.get("upstreams");
        if (f.isObject(un, p + "/upstreams", "'upstreams'")) {
            for (String name : un.propertyNames()) {
                String up = p + "/upstreams/" + LocatedTree.escape(name);
                JsonNode u = un.get(name);
                if (!ups.contains(name)) {
                    f.problem(up, "catalog names upstream '" + name + "', which is not declared in the config");
                }
                if (!f.isObject(u, up, "upstream defaults")) {
                    continue;
                }
                f.onlyKeys(u, up, Set.of("owner", "environments", "labels", "unlisted", "max_result_bytes", "on_oversize"));
                upstreamDefaults.put(name, new CatalogConfig.UpstreamDefaults(owner(f, u, up), envList(f, u, up, envs),
                        f.strings(u, "labels", up), u.has("unlisted") ? unlisted(f, u, up, null) : null,
                        u.has("max_result_bytes") ? f.integer(u, "max_result_bytes", up, 0, 1, 1L << 31) : null,
                        u.has("on_oversize") ? oversize(f, u, up, null) : null));
            }
        }
        Map<String, ToolSpec> tools = new HashMap<>();
        JsonNode tn = n.get("tools");
        if (f.isObject(tn, p + "/tools", "'tools'")) {
            for (String name : tn.propertyNames()) {
                String tp = p + "/tools/" + LocatedTree.escape(name);
                JsonNode t = tn.get(name);
                if (!f.isObject(t, tp, "tool '" + name + "'")) {
                    f.problem(tp, "tool '" + name + "' must be a mapping (owner, purpose, risk, ...)");
                    continue;
                }
                f.onlyKeys(t, tp, TOOL_KEYS);
                Binding binding = bind(f, tp, "tool", name, names);
                if (binding != null) {
                    tools.put(name, tool(f, t, tp, base, envs, binding));
                }
            }
        }
        return new CatalogConfig(source, unlisted, patterns, max, over, upstreamDefaults, tools,
                items(f, n, p, "resources", envs, names), items(f, n, p, "prompts", envs, names));
    }

    /**
     * #11 item 5: {@code resources:} (URI glob → entry naming its {@code upstream}) and
     * {@code prompts:} (exposed name → entry, bound like a tool's).
     */
    private static Map<String, ItemSpec> items(Fields f, JsonNode n, String p, String key, Set<String> envs, Names names) {
        Map<String, ItemSpec> out = new HashMap<>();
        JsonNode section = n.get(key);
        if (!f.isObject(section, p + "/" + key, "'" + key + "'")) {
            return out;
        }
        boolean resources = key.equals("resources");
        for (String name : section.propertyNames()) {
            String ip = p + "/" + key + "/" + LocatedTree.escape(name);
            JsonNode e = section.get(name);
            String what = resources ? "resource pattern '" + name + "'" : "prompt '" + name + "'";
            if (!f.isObject(e, ip, what)) {
                f.problem(ip, what + " must be a mapping (" + (resources ? "upstream, " : "")
                        + "owner, purpose, risk, environments, labels" + (resources ? ", produces)" : ")"));
                continue;
            }
            Binding binding;
            if (resources) {
                f.onlyKeys(e, ip, union(union(ITEM_KEYS, "upstream"), "produces"));
                String upstream = f.string(e, "upstream", ip, null);
                if (upstream == null) {
                    // URIs are not namespaced: an entry must say whose resources it admits
                    f.problem(ip, what + " needs 'upstream': the upstream whose resources it describes");
                    continue;
                }
                if (!names.upstreams().contains(upstream)) {
                    f.problem(ip + "/upstream", what + " names upstream '" + upstream + "', which is not declared in the config");
                    continue;
                }
                binding = new Binding(upstream, name);
            } else {
                f.onlyKeys(e, ip, ITEM_KEYS);
                binding = bind(f, ip, "prompt", name, names);
                if (binding == null) {
                    continue;
                }
            }
            RiskClass risk = null;
            String r = f.string(e, "risk", ip, null);
            if (r != null) {
                risk = RiskClass.of(r).orElse(null);
                if (risk == null) {
                    f.problem(ip + "/risk", "'risk' must be read_only, state_changing or irreversible; got '" + r + "'");
                }
            }
            out.put(name, new ItemSpec(binding, owner(f, e, ip), f.string(e, "purpose", ip, null), risk,
                    envList(f, e, ip, envs), f.strings(e, "labels", ip),
                    resources ? f.strings(e, "produces", ip) : List.of())); // #13 item 4: produces per URI pattern
        }
        return out;
    }

    private static Set<String> union(Set<String> a, String b) {
        Set<String> out = new java.util.HashSet<>(a);
        out.add(b);
        return out;
    }

    /**
     * #11 item 4: an entry is about one upstream's tool or prompt. A name no upstream's prefix makes
     * is a problem, not a silent no-op: it would otherwise wait to describe whatever comes to bear it.
     */
    private static Binding bind(Fields f, String at, String what, String exposed, Names names) {
        var b = Binding.of(exposed, names.prefixes(), names.separator());
        if (b.isEmpty()) {
            f.problem(at, what + " '" + exposed + "' belongs to no upstream: its name must be <prefix>" + names.separator()
                    + "<name> for one of the prefixes " + new java.util.TreeSet<>(names.prefixes().values()));
            return null;
        }
        return b.get();
    }

    private static ToolSpec tool(Fields f, JsonNode t, String tp, Path base, Set<String> envs, Binding binding) {
        RiskClass risk = null;
        String r = f.string(t, "risk", tp, null);
        if (r != null) {
            risk = RiskClass.of(r).orElse(null);
            if (risk == null) {
                f.problem(tp + "/risk", "'risk' must be read_only, state_changing or irreversible; got '" + r + "'");
            }
        }
        Boolean export = t.has("export") ? f.bool(t, "export", tp, false) : null;
        Map<String, ArgConstraint> constraints = new HashMap<>();
        JsonNode cn = t.get("constraints");
        if (f.isObject(cn, tp + "/constraints", "'constraints'")) {
            for (String arg : cn.propertyNames()) {
                String cp = tp + "/constraints/" + LocatedTree.escape(arg);
                JsonNode c = cn.get(arg);
                if (!f.isObject(c, cp, "constraint on '" + arg + "'")) {
                    f.problem(cp, "the constraint on '" + arg + "' must be a mapping of " + CONSTRAINT_KEYS);
                    continue;
                }
                f.onlyKeys(c, cp, CONSTRAINT_KEYS);
                constraints.put(arg, constraint(f, c, cp, base));
            }
        }
        return new ToolSpec(binding, owner(f, t, tp), f.string(t, "purpose", tp, null), risk, envList(f, t, tp, envs),
                f.strings(t, "labels", tp), export, f.string(t, "business_need", tp, null),
                f.string(t, "export_approver", tp, null), constraints,
                t.has("max_result_bytes") ? f.integer(t, "max_result_bytes", tp, 0, 1, 1L << 31) : null,
                t.has("on_oversize") ? oversize(f, t, tp, null) : null, f.strings(t, "produces", tp), definitionHash(f, t, tp));
    }

    /** #15 item 2: the pre-approved definition hash of a tool entry; a value that is not one is a problem at its line. */
    private static String definitionHash(Fields f, JsonNode t, String tp) {
        String h = f.string(t, "definition_sha256", tp, null);
        if (h != null && !h.matches("(sha256:)?[0-9a-f]{64}")) {
            f.problem(tp + "/definition_sha256", "'definition_sha256' must be 64 lower-case hex digits, optionally after sha256: "
                    + "(as 'portcullis catalog list --format json' prints definition_hash); got '" + h + "'");
            return null;
        }
        return h == null || h.startsWith("sha256:") ? h : "sha256:" + h;
    }

    private static ArgConstraint constraint(Fields f, JsonNode c, String cp, Path base) {
        Pattern pattern = null;
        String regex = f.string(c, "pattern", cp, null);
        if (regex != null) {
            try {
                pattern = Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                f.problem(cp + "/pattern", "'pattern' is not a valid regular expression: " + e.getDescription());
            }
        }
        String format = f.string(c, "format", cp, null);
        if (format != null && !Formats.NAMES.contains(format)) {
            f.problem(cp + "/format", "'format' must be one of " + new java.util.TreeSet<>(Formats.NAMES));
        }
        List<Path> roots = new ArrayList<>();
        for (String root : f.strings(c, "path_roots", cp)) {
            roots.add(base.resolve(root).toAbsolutePath().normalize());
        }
        return new ArgConstraint(f.strings(c, "allow", cp), pattern, format,
                c.has("min_length") ? (int) f.integer(c, "min_length", cp, 0, 0, Integer.MAX_VALUE) : null,
                c.has("max_length") ? (int) f.integer(c, "max_length", cp, 0, 0, Integer.MAX_VALUE) : null,
                number(f, c, "minimum", cp), number(f, c, "maximum", cp), roots, url(f, c.get("url"), cp + "/url"));
    }

    /** #11 item 14: {@code url: {schemes: [https], hosts: [...], allow_private: false}}; schemes default to https. */
    private static UrlRule url(Fields f, JsonNode u, String up) {
        if (u == null || u.isNull()) {
            return null;
        }
        if (!f.isObject(u, up, "'url'")) {
            f.problem(up, "'url' must be a mapping of " + new java.util.TreeSet<>(URL_KEYS));
            return null;
        }
        f.onlyKeys(u, up, URL_KEYS);
        List<String> schemes = u.has("schemes") ? f.strings(u, "schemes", up) : List.of("https");
        for (String scheme : schemes) {
            if (!UrlRule.validScheme(scheme)) {
                f.problem(up + "/schemes", "'" + scheme + "' is not a URL scheme (e.g. https, http, data)");
            }
        }
        if (schemes.isEmpty()) {
            f.problem(up + "/schemes", "'schemes' must name at least one scheme");
        }
        return new UrlRule(schemes, f.strings(u, "hosts", up), f.bool(u, "allow_private", up, false));
    }

    private static Double number(Fields f, JsonNode c, String key, String cp) {
        JsonNode v = c.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            f.problem(cp + "/" + key, "'" + key + "' must be a number");
            return null;
        }
        return v.asDouble();
    }

    private static Owner owner(Fields f, JsonNode n, String p) {
        JsonNode o = n.get("owner");
        if (o == null || o.isNull()) {
            return null;
        }
        if (o.isString()) {
            return new Owner(o.asString(), null, null);
        }
        if (!f.isObject(o, p + "/owner", "'owner'")) {
            return null;
        }
        f.onlyKeys(o, p + "/owner", Set.of("team", "person", "oncall"));
        return new Owner(f.string(o, "team", p + "/owner", null), f.string(o, "person", p + "/owner", null),
                f.string(o, "oncall", p + "/owner", null));
    }

    private static List<String> envList(Fields f, JsonNode n, String p, Set<String> envs) {
        List<String> list = f.strings(n, "environments", p);
        for (String e : list) {
            if (!envs.contains(e)) {
                f.problem(p + "/environments", "environment '" + e + "' is not declared in the config");
            }
        }
        return list;
    }

    private static Unlisted unlisted(Fields f, JsonNode n, String p, Unlisted fallback) {
        String s = f.string(n, "unlisted", p, null);
        if (s == null) {
            return fallback;
        }
        return switch (s) {
            case "hide" -> Unlisted.HIDE;
            case "allow_read_only" -> Unlisted.ALLOW_READ_ONLY;
            case "allow" -> Unlisted.ALLOW;
            default -> {
                f.problem(p + "/unlisted", "'unlisted' must be hide, allow_read_only or allow; got '" + s + "'");
                yield fallback;
            }
        };
    }

    private static Oversize oversize(Fields f, JsonNode n, String p, Oversize fallback) {
        String s = f.string(n, "on_oversize", p, null);
        if (s == null) {
            return fallback;
        }
        return switch (s) {
            case "refuse" -> Oversize.REFUSE;
            case "truncate" -> Oversize.TRUNCATE;
            default -> {
                f.problem(p + "/on_oversize", "'on_oversize' must be refuse or truncate; got '" + s + "'");
                yield fallback;
            }
        };
    }
}
