package io.portcullis.settings;

import io.portcullis.protocol.Json;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ContainerNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLFactory;

/**
 * A YAML document as a JSON tree plus the line of every value, keyed by JSON pointer, so that
 * config errors can say "file:line: what was expected".
 */
public record LocatedTree(JsonNode root, Map<String, Integer> lines) {

    private static final YAMLFactory YAML = YAMLFactory.builder().build();

    /** Parses YAML text; throws {@link tools.jackson.core.JacksonException} with a location on bad syntax. */
    public static LocatedTree parse(String text) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Map<String, Integer> lines = new HashMap<>();
        Deque<ContainerNode<?>> stack = new ArrayDeque<>();
        Deque<String> paths = new ArrayDeque<>();
        JsonNode root = null;
        String field = null;
        int fieldLine = 0;
        try (JsonParser p = YAML.createParser(tools.jackson.core.ObjectReadContext.empty(), text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.PROPERTY_NAME) {
                    field = p.currentName();
                    fieldLine = p.currentTokenLocation().getLineNr();
                    continue;
                }
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    stack.pop();
                    paths.pop();
                    continue;
                }
                JsonNode value = switch (t) {
                    case START_OBJECT -> f.objectNode();
                    case START_ARRAY -> f.arrayNode();
                    case VALUE_STRING -> f.stringNode(p.getString());
                    case VALUE_NUMBER_INT -> f.numberNode(p.getLongValue());
                    case VALUE_NUMBER_FLOAT -> f.numberNode(p.getDecimalValue());
                    case VALUE_TRUE -> f.booleanNode(true);
                    case VALUE_FALSE -> f.booleanNode(false);
                    default -> f.nullNode();
                };
                String path;
                int line = p.currentTokenLocation().getLineNr();
                ContainerNode<?> parent = stack.peek();
                if (parent == null) {
                    root = value;
                    path = "";
                } else if (parent instanceof ObjectNode o) {
                    o.set(field, value);
                    path = paths.peek() + "/" + escape(field);
                    // a member is located at its key: a nested mapping's own token starts a line below
                    line = fieldLine;
                } else {
                    ArrayNode a = (ArrayNode) parent;
                    a.add(value);
                    path = paths.peek() + "/" + (a.size() - 1);
                }
                lines.put(path, line);
                if (value instanceof ContainerNode<?> c) {
                    stack.push(c);
                    paths.push(path);
                }
            }
        }
        return new LocatedTree(root == null ? Json.object() : root, lines);
    }

    /** The line of the value at {@code pointer}, or of its nearest located ancestor; 0 when unknown. */
    int line(String pointer) {
        String p = pointer;
        while (true) {
            Integer l = lines.get(p);
            if (l != null) {
                return l;
            }
            int cut = p.lastIndexOf('/');
            if (cut < 0) {
                return 0;
            }
            p = p.substring(0, cut);
        }
    }

    public static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
