package io.portcullis.protocol;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one JSON mapper of the gateway. Messages are kept as Jackson trees, never bound to a
 * lossy typed model, so fields the gateway does not know survive the round trip.
 */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {}

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    /** Parses JSON text; throws {@link JacksonException} on malformed input. */
    public static JsonNode parse(byte[] bytes) {
        return MAPPER.readTree(bytes);
    }

    public static JsonNode parse(String text) {
        return MAPPER.readTree(text);
    }

    public static String write(JsonNode node) {
        return MAPPER.writeValueAsString(node);
    }

    public static byte[] bytes(JsonNode node) {
        return MAPPER.writeValueAsBytes(node);
    }

    /**
     * The canonical encoding of a JSON value: object keys sorted at every level, no whitespace, values
     * as sent; the same value gives the same text whatever the key order (the approval binding, C3.2,
     * and the rate limiter's "same arguments", C6.3).
     */
    public static String canonical(JsonNode node) {
        return write(sorted(node));
    }

    private static JsonNode sorted(JsonNode n) {
        if (n instanceof ObjectNode o) {
            ObjectNode out = object();
            List<String> keys = new ArrayList<>(o.propertyNames());
            keys.sort(null);
            keys.forEach(k -> out.set(k, sorted(o.get(k))));
            return out;
        }
        if (n instanceof ArrayNode a) {
            ArrayNode out = array();
            a.forEach(e -> out.add(sorted(e)));
            return out;
        }
        return n;
    }
}
