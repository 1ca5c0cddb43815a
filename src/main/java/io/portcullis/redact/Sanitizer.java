package io.portcullis.redact;

import io.portcullis.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one sanitizer for every place that stores or shows arguments (#11 item 8): the audit log
 * (arguments, the user's request, notes, error messages), the call log, the approval store,
 * API, page, CLI and webhook. Two policies, one set of {@link Detector}s:
 * <ul>
 *   <li>{@link #forRecords} (audit, logs): secrets the detectors find are replaced in place,
 *       values under secret-named keys and configured keys become {@code [masked]}, very long
 *       strings are cut keeping their SHA-256. Nobody acts on these copies, so a name is enough.</li>
 *   <li>{@link #forApproval} (what an approver sees, #11 item 11): only what a detector proves
 *       secret is masked, nothing is cut and no key name hides a value, because the approver must
 *       see every value that will be sent. Each mask is reported by pointer so that the view can
 *       say what it hid.</li>
 * </ul>
 * The JSON pointers of every change are reported. Never throws on any JSON value.
 */
public final class Sanitizer {
    public static final String MASK = "[masked]";
    /** Parts of key names (lower case, split at {@code _ - .}, spaces and camelCase) that hold secrets. */
    private static final Set<String> SECRET_KEY_WORDS = Set.of("password", "passwd", "passphrase", "pass", "pwd", "secret",
            "secrets", "auth", "authorization", "creds", "cred", "credential", "credentials", "key", "apikey", "accesskey",
            "privatekey", "secretkey", "token", "cookie", "session", "sessionid", "sid", "otp", "pin", "signature");
    /** Substrings of the whole normalized key that hold secrets however the words are glued. */
    private static final List<String> SECRET_KEY_PARTS = List.of("password", "passwd", "passphrase", "secret", "apikey",
            "accesskey", "privatekey", "authorization", "cookie", "credential", "sessionid", "sessiontoken");

    private final List<Detector> detectors;
    private final Set<String> extraKeys;
    private final boolean byKeyName;
    private final int maxChars;

    /** The sanitized copy and the pointers of what was masked or cut. */
    public record Result(JsonNode value, List<String> masked, List<String> truncated) {}

    private Sanitizer(List<Detector> detectors, List<String> maskFields, boolean byKeyName, int maxChars) {
        this.detectors = List.copyOf(detectors);
        this.extraKeys = maskFields.stream().map(Sanitizer::normalize).collect(Collectors.toUnmodifiableSet());
        this.byKeyName = byKeyName;
        this.maxChars = maxChars;
    }

    /** For the audit log and logs: detectors, secret-named and configured keys, strings cut at {@code maxChars}. */
    public static Sanitizer forRecords(List<String> maskFields, int maxChars) {
        return new Sanitizer(Detectors.builtIn(), maskFields, true, maxChars);
    }

    /** A sanitizer with other detectors (issue #13's egress detectors plug in here); no key names, nothing cut unless {@code byKeyName}. */
    public static Sanitizer withDetectors(List<Detector> detectors, boolean byKeyName) {
        return new Sanitizer(detectors, List.of(), byKeyName, Integer.MAX_VALUE);
    }

    /** For what an approver sees: only what the detectors prove secret; nothing cut. */
    public static Sanitizer forApproval() {
        return new Sanitizer(Detectors.builtIn(), List.of(), false, Integer.MAX_VALUE);
    }

    public Result sanitize(JsonNode value) {
        List<String> masked = new ArrayList<>();
        List<String> truncated = new ArrayList<>();
        JsonNode out = copy(value, "", masked, truncated);
        return new Result(out, List.copyOf(masked), List.copyOf(truncated));
    }

    /** A free-text value (the user's request, a note, an error message): secrets replaced, cut to the limit. */
    public String text(String s) {
        if (s == null) {
            return null;
        }
        String clean = scrub(s);
        return clean.length() > maxChars ? cut(clean) : clean;
    }

    /** Whether values under this key are masked by name (always false for {@link #forApproval}). */
    public boolean isSecretKey(String key) {
        if (!byKeyName) {
            return false;
        }
        String k = normalize(key);
        if (extraKeys.contains(k) || k.endsWith("token")) { // access_token, id_token; not max_tokens
            return true;
        }
        for (String part : SECRET_KEY_PARTS) {
            if (k.contains(part)) {
                return true;
            }
        }
        for (String word : words(key)) {
            if (SECRET_KEY_WORDS.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /** Every secret the detectors find in {@code s}, replaced by {@code [masked:kind]}. */
    public String scrub(String s) {
        List<Detector.Span> spans = new ArrayList<>();
        for (Detector d : detectors) {
            try {
                spans.addAll(d.find(s));
            } catch (RuntimeException e) {
                // a detector that fails must not let the value through unexamined by the others;
                // and it must not fail the record: mask the whole value
                return "[masked:" + d.kind() + "-failed]";
            }
        }
        if (spans.isEmpty()) {
            return s;
        }
        spans.sort(Comparator.comparingInt(Detector.Span::start).thenComparing(Comparator.comparingInt(Detector.Span::end).reversed()));
        StringBuilder b = new StringBuilder(s.length());
        int at = 0;
        for (Detector.Span sp : spans) {
            if (sp.end() > s.length()) {
                continue;
            }
            if (sp.start() < at) { // overlaps an earlier span: extend it
                continue;
            }
            b.append(s, at, sp.start()).append("[masked:").append(sp.kind()).append(']');
            at = sp.end();
        }
        return b.append(s, at, s.length()).toString();
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

    private String cut(String s) {
        return s.substring(0, maxChars) + "…[" + (s.length() - maxChars) + " more characters; sha256 " + sha256(s) + "]";
    }

    /** SHA-256 (lower-case hex) of the UTF-8 bytes. */
    public static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
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

    /** {@code X-Api-Key} → [x, api, key]; {@code sessionToken} → [session, token]. */
    static List<String> words(String key) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean boundary = !Character.isLetterOrDigit(c);
            if (!boundary && Character.isUpperCase(c) && i > 0 && Character.isLowerCase(key.charAt(i - 1))) {
                out.add(w.toString());
                w.setLength(0);
            }
            if (boundary) {
                if (!w.isEmpty()) {
                    out.add(w.toString());
                    w.setLength(0);
                }
            } else {
                w.append(Character.toLowerCase(c));
            }
        }
        if (!w.isEmpty()) {
            out.add(w.toString());
        }
        return out;
    }
}
