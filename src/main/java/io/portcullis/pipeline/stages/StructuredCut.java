package io.portcullis.pipeline.stages;

import io.portcullis.catalog.ArgumentCheck;
import io.portcullis.call.GatewayException;
import io.portcullis.protocol.Json;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #11 item 20: truncation of a result whose tool declares an {@code outputSchema}. The
 * {@code structuredContent} gets half the limit and is cut inside, step by step (the longest
 * string halved, or the largest array's last half of items dropped), until it fits; the cut must
 * still satisfy the schema. The {@code content} items are truncated into the rest as usual, with
 * the marker. When nothing valid fits, the result is refused (an {@code isError} naming the control).
 */
final class StructuredCut {
    /** Enough for any realistic nesting; each step at least halves one string or array. */
    private static final int MAX_STEPS = 10_000;

    private StructuredCut() {}

    static ObjectNode cut(ObjectNode result, long size, long limit, JsonNode outputSchema) throws GatewayException.Refused {
        if (!(result.get("structuredContent") instanceof ObjectNode structured)) {
            throw refused(size, limit, "the tool declares an outputSchema but its result has no structuredContent to cut");
        }
        ObjectNode kept = structured.deepCopy();
        long structuredBudget = Math.max(0, limit / 2 - 64);
        for (int step = 0; Json.bytes(kept).length > structuredBudget; step++) {
            if (step >= MAX_STEPS || !shrinkLargest(kept)) {
                throw refused(size, limit, "its structuredContent cannot be cut to fit");
            }
        }
        Optional<String> invalid = ArgumentCheck.schemaViolation(outputSchema, kept);
        if (invalid.isPresent()) {
            throw refused(size, limit, "no cut of its structuredContent satisfies the tool's outputSchema (" + invalid.get() + ")");
        }
        ObjectNode withoutStructured = result.deepCopy();
        withoutStructured.remove("structuredContent");
        long keptBytes = Json.bytes(kept).length;
        ObjectNode out = ResultLimit.truncate(withoutStructured, size, limit, limit - keptBytes - 32);
        out.set("structuredContent", kept);
        if (Json.bytes(out).length > limit) {
            throw refused(size, limit, "the cut result still does not fit");
        }
        ((ObjectNode) out.path("_meta").path(ResultLimit.MARKER_KEY)).put("structuredContent", "cut");
        return out;
    }

    private static GatewayException.Refused refused(long size, long limit, String why) {
        return new GatewayException.Refused("result-limit", "the result is " + size + " bytes, over this tool's limit of "
                + limit + " bytes, and it cannot be truncated: " + why);
    }

    /** Shrinks the largest string or array under {@code node}; false when there is nothing left to shrink. */
    private static boolean shrinkLargest(JsonNode node) {
        Largest largest = new Largest();
        find(node, null, null, -1, largest);
        if (largest.bytes <= 0) {
            return false;
        }
        if (largest.value.isString()) {
            String s = largest.value.asString();
            int keep = s.length() / 2;
            if (keep > 0 && Character.isHighSurrogate(s.charAt(keep - 1))) {
                keep--; // never split a surrogate pair
            }
            set(largest, Json.MAPPER.getNodeFactory().stringNode(s.substring(0, keep)));
        } else {
            ArrayNode a = (ArrayNode) largest.value;
            int keep = a.size() / 2;
            while (a.size() > keep) {
                a.remove(a.size() - 1);
            }
        }
        return true;
    }

    private static void set(Largest l, JsonNode value) {
        if (l.parent instanceof ObjectNode o) {
            o.set(l.key, value);
        } else if (l.parent instanceof ArrayNode a) {
            a.set(l.index, value);
        }
    }

    /** The largest shrinkable value seen so far: a non-empty string, or an array with items. */
    private static final class Largest {
        JsonNode value;
        JsonNode parent;
        String key;
        int index;
        long bytes;
    }

    private static void find(JsonNode node, JsonNode parent, String key, int index, Largest l) {
        if (node.isString() && !node.asString().isEmpty()) {
            consider(node, parent, key, index, l);
        } else if (node instanceof ArrayNode a) {
            if (!a.isEmpty()) {
                consider(node, parent, key, index, l);
            }
            for (int i = 0; i < a.size(); i++) {
                find(a.get(i), a, null, i, l);
            }
        } else if (node instanceof ObjectNode o) {
            for (String k : o.propertyNames()) {
                find(o.get(k), o, k, -1, l);
            }
        }
    }

    private static void consider(JsonNode node, JsonNode parent, String key, int index, Largest l) {
        if (parent == null) {
            return; // the structuredContent object itself is never replaced
        }
        long bytes = Json.bytes(node).length;
        if (bytes > l.bytes) {
            l.value = node;
            l.parent = parent;
            l.key = key;
            l.index = index;
            l.bytes = bytes;
        }
    }
}
