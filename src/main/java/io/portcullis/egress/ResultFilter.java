package io.portcullis.egress;

import io.portcullis.redact.Detector.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Applies the egress actions to one result (#13 items 2 and 3): every string leaf of it is
 * scanned (text content, every leaf of {@code structuredContent}, embedded resource text and URIs,
 * resource links' URIs, names and descriptions, the text of an {@code isError} result, the
 * {@code contents} of {@code resources/read} and the {@code messages} of {@code prompts/get}),
 * except base64 payloads: {@code blob}, and {@code data} of image and audio items, which are
 * binary, not text, and are not scanned. Object keys are not scanned. Nesting deeper than
 * {@link #MAX_DEPTH} is not walked: the result is blocked (fail closed).
 */
final class ResultFilter {
    static final int MAX_DEPTH = 256;

    /** Where the call is, for the action and the pseudonym scope. */
    record Where(String environment, String tool, String upstream, String scopeKey) {}

    /** One class found at one JSON pointer, how many times, and what was done. */
    record Detection(String classId, String pointer, int count, Action action) {
        String describe() {
            return classId + " x" + count + " at " + (pointer.isEmpty() ? "/" : pointer) + ": " + action.word();
        }
    }

    /** The result to send (null when blocked), what was found, and the classes that block it (empty: not blocked). */
    record Outcome(ObjectNode result, List<Detection> detections, Set<String> blocking, String reason, boolean structuredChanged) {}

    private final EgressConfig config;
    private final Where where;
    private final List<Detection> detections = new ArrayList<>();
    private final Set<String> blocking = new LinkedHashSet<>();
    private String reason;
    private boolean structuredChanged;

    private ResultFilter(EgressConfig config, Where where) {
        this.config = config;
        this.where = where;
    }

    static Outcome apply(ObjectNode result, EgressConfig config, Where where) {
        ResultFilter f = new ResultFilter(config, where);
        JsonNode out = f.walk(result, "", 0, false);
        boolean blocked = !f.blocking.isEmpty() || f.reason != null;
        return new Outcome(blocked ? null : (ObjectNode) out, List.copyOf(f.detections), Set.copyOf(f.blocking), f.reason,
                f.structuredChanged);
    }

    private JsonNode walk(JsonNode n, String pointer, int depth, boolean structured) {
        if (depth > MAX_DEPTH) {
            reason = "the result is nested deeper than " + MAX_DEPTH + " levels, too deep to scan";
            return n;
        }
        if (n instanceof ObjectNode o) {
            ObjectNode copy = null;
            boolean binary = isBinaryItem(o);
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                String key = e.getKey();
                if (key.equals("blob") || (binary && key.equals("data"))) {
                    continue; // base64: binary content is not scanned as text
                }
                String p = pointer + "/" + key.replace("~", "~0").replace("/", "~1");
                JsonNode v = walk(e.getValue(), p, depth + 1, structured || (depth == 0 && key.equals("structuredContent")));
                if (v != e.getValue()) {
                    if (copy == null) {
                        copy = o.deepCopy();
                    }
                    copy.set(key, v);
                }
            }
            return copy == null ? o : copy;
        }
        if (n instanceof ArrayNode a) {
            ArrayNode copy = null;
            for (int i = 0; i < a.size(); i++) {
                JsonNode v = walk(a.get(i), pointer + "/" + i, depth + 1, structured);
                if (v != a.get(i)) {
                    if (copy == null) {
                        copy = a.deepCopy();
                    }
                    copy.set(i, v);
                }
            }
            return copy == null ? a : copy;
        }
        if (n != null && n.isString()) {
            String s = n.asString();
            String clean = leaf(s, pointer);
            if (clean != s) {
                structuredChanged |= structured;
                return JsonNodeFactory.instance.stringNode(clean);
            }
        }
        return n;
    }

    private static boolean isBinaryItem(ObjectNode o) {
        String type = o.path("type").asString("");
        return type.equals("image") || type.equals("audio");
    }

    /** The string with the actions applied; the same instance when nothing changed. */
    private String leaf(String s, String pointer) {
        List<Span> spans = config.scanner().scan(s);
        if (spans.isEmpty()) {
            return s;
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, Action> actions = new LinkedHashMap<>();
        StringBuilder b = new StringBuilder(s.length());
        int at = 0;
        for (Span sp : spans) {
            Action action = actions.computeIfAbsent(sp.kind(), k -> config.actions().of(k, where.environment(), where.tool(), where.upstream()));
            counts.merge(sp.kind(), 1, Integer::sum);
            b.append(s, at, sp.start());
            String value = s.substring(sp.start(), sp.end());
            switch (action) {
                case REDACT -> b.append("[REDACTED:").append(sp.kind()).append(']');
                case MASK -> b.append(mask(value, config.maskKeep()));
                case PSEUDONYMIZE -> b.append(config.pseudonyms().token(sp.kind(), where.scopeKey(), value));
                case BLOCK -> {
                    blocking.add(sp.kind());
                    b.append("[REDACTED:").append(sp.kind()).append(']');
                }
                case LABEL -> b.append(value);
            }
            at = sp.end();
        }
        b.append(s, at, s.length());
        counts.forEach((cls, c) -> detections.add(new Detection(cls, pointer, c, actions.get(cls))));
        boolean changed = actions.values().stream().anyMatch(a -> a != Action.LABEL);
        return changed ? b.toString() : s;
    }

    /** All but the last {@code keep} letters and digits become {@code *} (at most a quarter of the value is kept); separators stay. */
    static String mask(String value, int keep) {
        int alnum = 0;
        for (int i = 0; i < value.length(); i++) {
            alnum += Character.isLetterOrDigit(value.charAt(i)) ? 1 : 0;
        }
        int kept = Math.min(keep, alnum / 4);
        StringBuilder b = new StringBuilder(value.length());
        int seen = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                seen++;
                b.append(seen > alnum - kept ? c : '*');
            } else {
                b.append(Character.isSurrogate(c) ? '*' : c);
            }
        }
        return b.toString();
    }
}
