package io.portcullis.audit;

import io.portcullis.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Makes arguments safe to keep in the audit log (C4.1 "arguments, sanitized"): the values of
 * secret-named keys and configured keys are replaced by {@code "[masked]"}, secrets found inside
 * any string (bearer tokens, JWTs, private keys, well-known API key shapes) are replaced in place,
 * and very long strings are cut, keeping their SHA-256 so that a value can still be matched.
 * The JSON pointers of every change are reported, so a reader knows what was hidden.
 */
final class Sanitizer {
    static final String MASK = "[masked]";
    /** Key names (lowercase, without {@code _ - .} and spaces) that always hold secrets. */
    private static final List<String> SECRET_KEY_PARTS = List.of("password", "passwd", "passphrase", "secret",
            "apikey", "accesskey", "authorization", "cookie", "privatekey", "credential");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer)\\s+[A-Za-z0-9\\-._~+/]{8,}=*");
    /** Basic credentials: masked only when the token really is base64 of "user:password". */
    private static final Pattern BASIC = Pattern.compile("(?i)\\b(basic)\\s+([A-Za-z0-9+/]{4,}={0,2})");
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*");
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\\s\\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)");
    private static final Pattern API_KEY = Pattern.compile(
            "\\b(sk-[A-Za-z0-9_-]{20,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,}|xox[abpr]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16})\\b");

    private final Set<String> extraKeys;
    private final int maxChars;

    /** The result: the sanitized copy and the pointers of what was masked or cut. */
    record Result(JsonNode value, List<String> masked, List<String> truncated) {}

    Sanitizer(List<String> maskFields, int maxChars) {
        this.extraKeys = maskFields.stream().map(Sanitizer::normalize).collect(Collectors.toUnmodifiableSet());
        this.maxChars = maxChars;
    }

    Result sanitize(JsonNode value) {
        List<String> masked = new ArrayList<>();
        List<String> truncated = new ArrayList<>();
        JsonNode out = copy(value, "", masked, truncated);
        return new Result(out, masked, truncated);
    }

    /** A free-text value (e.g. the user's request text): secrets replaced, cut to the limit. */
    String text(String s) {
        if (s == null) {
            return null;
        }
        String clean = scrub(s);
        return clean.length() > maxChars ? cut(clean) : clean;
    }

    boolean isSecretKey(String key) {
        String k = normalize(key);
        if (extraKeys.contains(k) || k.endsWith("token")) { // access_token, id_token; not max_tokens
            return true;
        }
        for (String part : SECRET_KEY_PARTS) {
            if (k.contains(part)) {
                return true;
            }
        }
        return false;
    }

    private JsonNode copy(JsonNode n, String pointer, List<String> masked, List<String> truncated) {
        if (n == null) {
            return null;
        }
        if (n.isObject()) {
            ObjectNode o = Json.object();
            for (var e : n.properties()) {
                String p = pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1");
                if (isSecretKey(e.getKey()) && !e.getValue().isNull()) {
                    o.put(e.getKey(), MASK);
                    masked.add(p);
                } else {
                    o.set(e.getKey(), copy(e.getValue(), p, masked, truncated));
                }
            }
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = Json.array();
            for (int i = 0; i < n.size(); i++) {
                a.add(copy(n.get(i), pointer + "/" + i, masked, truncated));
            }
            return a;
        }
        if (n.isString()) {
            String s = n.asString();
            String clean = scrub(s);
            if (!clean.equals(s)) {
                masked.add(pointer);
            }
            if (clean.length() > maxChars) {
                truncated.add(pointer);
                clean = cut(clean);
            }
            return clean.equals(s) ? n : JsonNodeFactory.instance.stringNode(clean);
        }
        return n;
    }

    /** Replaces secrets inside a string; cheap substring checks keep the regexes off ordinary text. */
    static String scrub(String s) {
        String out = s;
        if (containsIgnoreCase(out, "bearer")) {
            out = BEARER.matcher(out).replaceAll(m -> m.group(1) + " " + MASK);
        }
        if (containsIgnoreCase(out, "basic")) {
            out = BASIC.matcher(out).replaceAll(m -> isUserPassword(m.group(2)) ? m.group(1) + " " + MASK : Matcher.quoteReplacement(m.group()));
        }
        if (out.contains("eyJ")) {
            out = JWT.matcher(out).replaceAll("[masked:jwt]");
        }
        if (out.contains("PRIVATE KEY-----")) {
            out = PEM.matcher(out).replaceAll("[masked:private-key]");
        }
        if (out.contains("sk-") || out.contains("_") || out.contains("xox") || out.contains("AKIA")) {
            out = API_KEY.matcher(out).replaceAll("[masked:api-key]");
        }
        return out;
    }

    private static boolean isUserPassword(String b64) {
        try {
            return new String(java.util.Base64.getDecoder().decode(b64), java.nio.charset.StandardCharsets.UTF_8).indexOf(':') > 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private String cut(String s) {
        return s.substring(0, maxChars) + "…[" + (s.length() - maxChars) + " more characters; sha256 "
                + Canonical.sha256(s) + "]";
    }

    private static boolean containsIgnoreCase(String s, String part) {
        for (int i = 0; i + part.length() <= s.length(); i++) {
            if (s.regionMatches(true, i, part, 0, part.length())) {
                return true;
            }
        }
        return false;
    }

    static String normalize(String key) {
        StringBuilder b = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c != '_' && c != '-' && c != '.' && c != ' ') {
                b.append(Character.toLowerCase(c));
            }
        }
        return b.toString();
    }
}
