package io.portcullis.catalog;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * C2.3: a tool's arguments are checked against the upstream's own {@code inputSchema} and the
 * catalog's overlay before anything reaches the upstream. Built once per catalog build, so the
 * schema is compiled once. A schema that cannot be compiled fails closed: every call is refused.
 */
public final class ArgumentCheck {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private final Schema schema;
    private final String schemaProblem;
    private final Map<String, ArgConstraint> overlay;
    private final JsonNode source;

    private ArgumentCheck(JsonNode source, Schema schema, String schemaProblem, Map<String, ArgConstraint> overlay) {
        this.source = source;
        this.schema = schema;
        this.schemaProblem = schemaProblem;
        this.overlay = overlay;
    }

    /** Compiles the check for a tool definition and its overlay. */
    public static ArgumentCheck compile(ObjectNode definition, Map<String, ArgConstraint> overlay) {
        JsonNode input = definition.get("inputSchema");
        if (input == null || input.isNull()) {
            return new ArgumentCheck(null, null, null, overlay);
        }
        if (!input.isObject()) {
            return new ArgumentCheck(input, null, "the upstream's inputSchema is not an object", overlay);
        }
        if (hasRemoteRef(input)) {
            // The gateway never fetches schemas from the network on behalf of an upstream.
            return new ArgumentCheck(input, null, "the upstream's inputSchema refers to a remote $ref", overlay);
        }
        try {
            return new ArgumentCheck(input, REGISTRY.getSchema(input.toString()), null, overlay);
        } catch (RuntimeException e) {
            return new ArgumentCheck(input, null, "the upstream's inputSchema cannot be compiled: " + e.getMessage(), overlay);
        }
    }

    private static boolean hasRemoteRef(JsonNode n) {
        if (n.isObject()) {
            JsonNode ref = n.get("$ref");
            if (ref != null && ref.isString() && !ref.asString().startsWith("#")) {
                return true;
            }
            for (JsonNode child : n) {
                if (hasRemoteRef(child)) {
                    return true;
                }
            }
        } else if (n.isArray()) {
            for (JsonNode child : n) {
                if (hasRemoteRef(child)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Equal when built from the same schema and overlay (so an unchanged catalog compares equal). */
    @Override
    public boolean equals(Object o) {
        return o instanceof ArgumentCheck a && java.util.Objects.equals(source, a.source) && overlay.equals(a.overlay);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(source, overlay);
    }

    /** Returns the first violation in words (naming the argument and the constraint), or empty. */
    public Optional<String> check(ObjectNode arguments) {
        if (schemaProblem != null) {
            return Optional.of(schemaProblem + "; calls are refused until it is fixed");
        }
        if (schema != null) {
            List<com.networknt.schema.Error> errors = schema.validate(arguments);
            if (!errors.isEmpty()) {
                com.networknt.schema.Error e = errors.getFirst();
                String where = e.getInstanceLocation() == null ? "" : e.getInstanceLocation().toString();
                return Optional.of("arguments do not match the tool's inputSchema: " + where + " " + e.getMessage()
                        + " (keyword '" + e.getKeyword() + "')");
            }
        }
        for (Map.Entry<String, ArgConstraint> c : overlay.entrySet()) {
            Optional<String> v = c.getValue().check(c.getKey(), arguments.get(c.getKey()));
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }
}
