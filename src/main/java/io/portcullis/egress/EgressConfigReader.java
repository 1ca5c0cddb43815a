package io.portcullis.egress;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.portcullis.settings.Fields;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * Reads the {@code egress:} section (#13 items 2, 3). Custom detector patterns are compiled with
 * RE2 (com.google.re2j): a pattern RE2 refuses (back-references, look-around, anything that is not
 * linear-time) is a config problem with its file and line, like every other. See docs/egress.md.
 */
public final class EgressConfigReader {
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final int MAX_PATTERN = 2000;

    private EgressConfigReader() {}

    public static EgressConfig read(Fields f, JsonNode n, List<String> environments, Path dataDir) {
        EgressConfig defaults = EgressConfig.defaults(dataDir);
        String p = "/egress";
        if (!f.isObject(n, p, "'egress'")) {
            return defaults;
        }
        f.onlyKeys(n, p, Set.of("enabled", "enable", "disable", "actions", "environments", "upstreams", "tools", "mask_keep",
                "pseudonymize", "detectors"));
        Set<String> builtIn = new HashSet<>();
        BuiltInDetectors.all().forEach(d -> builtIn.add(d.id()));
        List<String> enable = f.strings(n, "enable", p);
        List<String> disable = f.strings(n, "disable", p);
        for (String id : concat(enable, disable)) {
            if (!builtIn.contains(id)) {
                f.problem(p + (enable.contains(id) ? "/enable" : "/disable"), "'" + id + "' is not a built-in detector class; built-in: " + new java.util.TreeSet<>(builtIn));
            }
        }
        List<EgressDetector> detectors = new ArrayList<>();
        for (EgressDetector d : BuiltInDetectors.all()) {
            if ((!d.optIn() || enable.contains(d.id())) && !disable.contains(d.id())) {
                detectors.add(d);
            }
        }
        detectors.addAll(custom(f, n.get("detectors"), p + "/detectors", builtIn));
        Set<String> classes = new HashSet<>(builtIn);
        detectors.forEach(d -> classes.add(d.id()));
        Map<String, Action> global = actions(f, n.get("actions"), p + "/actions", classes);
        Map<String, Map<String, Action>> envs = scoped(f, n.get("environments"), p + "/environments", classes);
        for (String e : envs.keySet()) {
            if (!environments.contains(e)) {
                f.problem(p + "/environments/" + Fields.escape(e), "environment '" + e + "' is not declared");
            }
        }
        Map<String, Map<String, Action>> upstreams = scoped(f, n.get("upstreams"), p + "/upstreams", classes);
        Map<String, Map<String, Action>> tools = scoped(f, n.get("tools"), p + "/tools", classes);
        int keep = (int) f.integer(n, "mask_keep", p, EgressConfig.DEFAULT_MASK_KEEP, 0, 8);
        Pseudonyms pseudonyms = pseudonyms(f, n.get("pseudonymize"), p + "/pseudonymize", dataDir);
        return new EgressConfig(f.bool(n, "enabled", p, true), new Scanner(detectors),
                new Actions(global, envs, upstreams, tools), keep, pseudonyms);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static Pseudonyms pseudonyms(Fields f, JsonNode n, String p, Path dataDir) {
        Path file = dataDir.resolve("egress-pseudonym.key");
        Pseudonyms.Scope scope = Pseudonyms.Scope.SESSION;
        if (f.isObject(n, p, "'pseudonymize'")) {
            f.onlyKeys(n, p, Set.of("key_file", "scope"));
            String kf = f.string(n, "key_file", p, null);
            if (kf != null) {
                file = dataDir.resolve(kf).normalize();
            }
            String s = f.string(n, "scope", p, "session");
            try {
                scope = Pseudonyms.Scope.valueOf(s.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                f.problem(p + "/scope", "'scope' must be session, principal or global; got '" + s + "'");
            }
        }
        return new Pseudonyms(file, scope);
    }

    private static Map<String, Map<String, Action>> scoped(Fields f, JsonNode n, String p, Set<String> classes) {
        Map<String, Map<String, Action>> out = new LinkedHashMap<>();
        if (!f.isObject(n, p, "'" + p.substring(p.lastIndexOf('/') + 1) + "'")) {
            return out;
        }
        for (String name : n.propertyNames()) {
            out.put(name, actions(f, n.get(name), p + "/" + Fields.escape(name), classes));
        }
        return out;
    }

    private static Map<String, Action> actions(Fields f, JsonNode n, String p, Set<String> classes) {
        Map<String, Action> out = new LinkedHashMap<>();
        if (!f.isObject(n, p, "an actions map (class: action)")) {
            return out;
        }
        for (String cls : n.propertyNames()) {
            String cp = p + "/" + Fields.escape(cls);
            boolean family = cls.equals("*") || (cls.endsWith(".*") && cls.indexOf('.') == cls.length() - 2);
            if (!family && !classes.contains(cls)) {
                f.problem(cp, "unknown class '" + cls + "'; use a detector class id, 'family.*' or '*'");
            }
            String word = f.string(n, cls, p, "");
            Action a = Action.of(word);
            if (a == null) {
                f.problem(cp, "action for '" + cls + "' must be one of redact, mask, pseudonymize, block, label; got '" + word + "'");
            } else {
                out.put(cls, a);
            }
        }
        return out;
    }

    private static List<EgressDetector> custom(Fields f, JsonNode n, String p, Set<String> builtIn) {
        List<EgressDetector> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            f.problem(p, "'detectors' must be a list");
            return out;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n.size(); i++) {
            String dp = p + "/" + i;
            JsonNode d = n.get(i);
            if (!f.isObject(d, dp, "a detector")) {
                if (d == null || d.isNull()) {
                    f.problem(dp, "a detector must be a mapping");
                }
                continue;
            }
            f.onlyKeys(d, dp, Set.of("id", "pattern", "group", "keywords", "near", "validator", "labels"));
            String id = f.string(d, "id", dp, null);
            if (id == null || !ID.matcher(id).matches()) {
                f.problem(dp + "/id", "a detector needs an 'id' of lowercase letters, digits, '.', '_' or '-' (e.g. custom.employee-id)");
                continue;
            }
            if (builtIn.contains(id) || !seen.add(id) || id.equals(Scanner.FAILED)) {
                f.problem(dp + "/id", "detector id '" + id + "' is already taken");
                continue;
            }
            String regex = f.string(d, "pattern", dp, null);
            Pattern pattern = null;
            if (regex == null || regex.isEmpty()) {
                f.problem(dp + "/pattern", "detector '" + id + "' needs a 'pattern' (RE2 syntax)");
            } else if (regex.length() > MAX_PATTERN) {
                f.problem(dp + "/pattern", "the pattern of '" + id + "' is over " + MAX_PATTERN + " characters");
            } else {
                try {
                    pattern = Pattern.compile(regex);
                    if (pattern.matcher("").matches()) {
                        f.problem(dp + "/pattern", "the pattern of '" + id + "' matches the empty text, so it would match everywhere");
                        pattern = null;
                    }
                } catch (PatternSyntaxException e) {
                    f.problem(dp + "/pattern", "the pattern of '" + id + "' is not accepted by RE2 (linear-time regular "
                            + "expressions: no back-references or look-around): " + e.getDescription());
                }
            }
            int group = (int) f.integer(d, "group", dp, 0, 0, 9);
            if (pattern != null && group > pattern.groupCount()) {
                f.problem(dp + "/group", "the pattern of '" + id + "' has " + pattern.groupCount() + " groups, not " + group);
                pattern = null;
            }
            List<String> keywords = f.strings(d, "keywords", dp);
            int near = (int) f.integer(d, "near", dp, 64, 1, 10_000);
            String v = f.string(d, "validator", dp, null);
            Predicate<String> validator = null;
            if (v != null) {
                validator = Validators.named(v);
                if (validator == null) {
                    f.problem(dp + "/validator", "'validator' must be luhn, iban or entropy>=N (bits per character, 0-16); got '" + v + "'");
                }
            }
            List<String> labels = f.strings(d, "labels", dp);
            if (pattern != null) {
                out.add(new EgressDetector(id, keywords, 0, pattern, group, validator, keywords, near, Set.copyOf(labels), false, 0));
            }
        }
        return out;
    }
}
