package io.portcullis.settings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Reads typed values out of a located YAML tree and collects a problem, with its line, for
 * everything missing or of the wrong kind, so that one run of {@code check} reports them all.
 */
public final class Fields {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private final LocatedTree tree;
    private final String file;
    final List<ConfigProblem> problems = new ArrayList<>();

    public List<ConfigProblem> problems() {
        return problems;
    }

    /** Reads {@code tree}; problems are reported against {@code file}. */
    public Fields(LocatedTree tree, String file) {
        this.tree = tree;
        this.file = file;
    }

    /** A JSON-pointer-safe form of a mapping key (for building the pointer of a nested value). */
    public static String escape(String key) {
        return LocatedTree.escape(key);
    }

    public void problem(String pointer, String message) {
        problems.add(new ConfigProblem(file, tree.line(pointer), message));
    }

    /** {@code file:line} of the value at {@code pointer}, for messages that outlive the config check. */
    public String where(String pointer) {
        return file + ":" + tree.line(pointer);
    }

    /** Flags keys of the object at {@code pointer} that are not in {@code known}. */
    public void onlyKeys(JsonNode obj, String pointer, Set<String> known) {
        if (obj == null || !obj.isObject()) {
            return;
        }
        for (String key : obj.propertyNames()) {
            if (!known.contains(key)) {
                problem(pointer + "/" + LocatedTree.escape(key),
                        "unknown key '" + key + "'; expected one of " + new java.util.TreeSet<>(known));
            }
        }
    }

    public boolean isObject(JsonNode node, String pointer, String what) {
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isObject()) {
            problem(pointer, what + " must be a mapping");
            return false;
        }
        return true;
    }

    public String string(JsonNode parent, String key, String pointer, String fallback) {
        JsonNode n = parent == null ? null : parent.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isValueNode() || n.isBoolean()) {
            problem(pointer + "/" + key, "'" + key + "' must be a string");
            return fallback;
        }
        return n.asString();
    }

    public boolean bool(JsonNode parent, String key, String pointer, boolean fallback) {
        JsonNode n = parent == null ? null : parent.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isBoolean()) {
            problem(pointer + "/" + key, "'" + key + "' must be true or false");
            return fallback;
        }
        return n.asBoolean();
    }

    public long integer(JsonNode parent, String key, String pointer, long fallback, long min, long max) {
        JsonNode n = parent == null ? null : parent.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isIntegralNumber() || n.asLong() < min || n.asLong() > max) {
            problem(pointer + "/" + key, "'" + key + "' must be a whole number from " + min + " to " + max);
            return fallback;
        }
        return n.asLong();
    }

    public Duration duration(JsonNode parent, String key, String pointer, Duration fallback) {
        String s = string(parent, key, pointer, null);
        if (s == null) {
            return fallback;
        }
        Matcher m = DURATION.matcher(s.trim());
        if (!m.matches()) {
            problem(pointer + "/" + key, "'" + key + "' must be a duration such as 500ms, 30s, 5m, 1h or 7d; got '" + s + "'");
            return fallback;
        }
        long v = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(v);
            case "s" -> Duration.ofSeconds(v);
            case "m" -> Duration.ofMinutes(v);
            case "h" -> Duration.ofHours(v);
            default -> Duration.ofDays(v);
        };
    }

    public List<String> strings(JsonNode parent, String key, String pointer) {
        JsonNode n = parent == null ? null : parent.get(key);
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (n.isValueNode() && !n.isBoolean()) {
            out.add(n.asString());
            return out;
        }
        if (!n.isArray()) {
            problem(pointer + "/" + key, "'" + key + "' must be a list of strings");
            return out;
        }
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            if (!e.isValueNode() || e.isNull() || e.isBoolean()) {
                problem(pointer + "/" + key + "/" + i, "'" + key + "' entries must be strings");
            } else {
                out.add(e.asString());
            }
        }
        return out;
    }
}
