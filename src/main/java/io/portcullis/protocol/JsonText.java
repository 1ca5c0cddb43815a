package io.portcullis.protocol;

import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What a JSON value must be to cross the gateway (#11 item 3): text that is valid Unicode and
 * numbers that JSON can carry back. A string or key with a lone UTF-16 surrogate ({@code "\ud800"})
 * has no UTF-8 form: a database or log stores it as {@code ?} while a hash covers the original.
 * A number such as {@code 1e400} becomes {@code Infinity}, which no JSON writer can write back.
 * Such values are refused where client JSON becomes a {@link Message}, so they never reach an
 * upstream, a policy decision or the audit hash.
 */
public final class JsonText {
    private static final int MAX_DEPTH = 1000;

    private JsonText() {}

    /**
     * The first value of {@code node} that cannot cross the gateway, described with its path
     * ({@code params.arguments.x: ...}), or null when everything is representable.
     */
    public static String problem(JsonNode node) {
        return problem(node, "$", 0);
    }

    private static String problem(JsonNode n, String path, int depth) {
        if (n == null || depth > MAX_DEPTH) {
            return null; // the parser's own nesting limit is far below this
        }
        if (n.isString()) {
            int at = loneSurrogate(n.asString());
            return at < 0 ? null : path + ": the string is not valid Unicode (a lone surrogate \\u"
                    + String.format("%04x", (int) n.asString().charAt(at)) + " at index " + at + ")";
        }
        if (n.isNumber() && (n.isDouble() || n.isFloat())) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? null : path + ": the number is too large to represent (it would become "
                    + (Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity") + ")";
        }
        if (n.isArray()) {
            int i = 0;
            for (JsonNode e : n) {
                String p = problem(e, path + "[" + i++ + "]", depth + 1);
                if (p != null) {
                    return p;
                }
            }
        } else if (n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                String child = path + "." + printable(e.getKey());
                if (loneSurrogate(e.getKey()) >= 0) {
                    return child + ": the key is not valid Unicode (a lone surrogate)";
                }
                String p = problem(e.getValue(), child, depth + 1);
                if (p != null) {
                    return p;
                }
            }
        }
        return null;
    }

    /** The index of the first lone surrogate in {@code s}, or -1. */
    public static int loneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * {@code s} with every lone surrogate replaced by U+FFFD, the replacement character: the same
     * text a UTF-8 encoder would have to make of it, but chosen here, so that what is hashed and
     * what is stored are the same characters.
     */
    public static String wellFormed(String s) {
        if (s == null || loneSurrogate(s) < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else {
                b.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return b.toString();
    }

    /** A key for a path in a message: lone surrogates made visible, long keys cut. */
    private static String printable(String key) {
        String k = wellFormed(key);
        return k.length() > 64 ? k.substring(0, 63) + "…" : k;
    }
}
