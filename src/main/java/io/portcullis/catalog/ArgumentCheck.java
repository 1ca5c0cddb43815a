package io.portcullis.catalog;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * C2.3: a tool's arguments are checked against the upstream's own {@code inputSchema} and the
 * catalog's overlay before anything reaches the upstream. Built once per catalog build, so the
 * schema is compiled once. A schema that cannot be compiled fails closed: every call is refused.
 */
public final class ArgumentCheck {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Logger LOG = LoggerFactory.getLogger(ArgumentCheck.class);
    private static final java.math.BigDecimal MAX_DOUBLE = new java.math.BigDecimal(Double.MAX_VALUE);
    /** The dialects the validator knows without fetching anything. */
    private static final Set<String> STANDARD_DIALECTS = Set.of(
            "https://json-schema.org/draft/2020-12/schema", "https://json-schema.org/draft/2019-09/schema",
            "http://json-schema.org/draft-07/schema", "http://json-schema.org/draft-06/schema",
            "http://json-schema.org/draft-04/schema");

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
        String remote = remoteReference(input);
        if (remote != null) {
            // The gateway never fetches schemas from the network on behalf of an upstream (#11 item 15).
            return new ArgumentCheck(input, null, "the upstream's inputSchema refers to a remote " + remote, overlay);
        }
        try {
            return new ArgumentCheck(input, REGISTRY.getSchema(input.toString()), null, overlay);
        } catch (RuntimeException e) {
            return new ArgumentCheck(input, null, "the upstream's inputSchema cannot be compiled: " + e.getMessage(), overlay);
        }
    }

    /**
     * The first reference the gateway would have to fetch ({@code $ref}/{@code $dynamicRef} not
     * starting with {@code #}, or a {@code $schema} that is not a standard dialect), or null.
     */
    private static String remoteReference(JsonNode n) {
        if (n.isObject()) {
            for (String key : List.of("$ref", "$dynamicRef")) {
                JsonNode ref = n.get(key);
                if (ref != null && ref.isString() && !ref.asString().startsWith("#")) {
                    return key + " (" + abbreviate(ref.toString()) + ")";
                }
            }
            JsonNode dialect = n.get("$schema");
            if (dialect != null && dialect.isString() && !STANDARD_DIALECTS.contains(dialect.asString().replaceAll("#$", ""))) {
                return "$schema (" + abbreviate(dialect.toString()) + ")";
            }
        }
        if (n.isObject() || n.isArray()) {
            for (JsonNode child : n) {
                String r = remoteReference(child);
                if (r != null) {
                    return r;
                }
            }
        }
        return null;
    }

    /** The JSON pointer of the first number beyond the double range under {@code n}, or null. */
    private static String hugeNumber(JsonNode n, String at) {
        if (n.isNumber()) {
            return n.isIntegralNumber() || n.isBigDecimal()
                    ? (n.decimalValue().abs().compareTo(MAX_DOUBLE) > 0 ? (at.isEmpty() ? "/" : at.substring(1)) : null)
                    : (Double.isFinite(n.doubleValue()) ? null : (at.isEmpty() ? "/" : at.substring(1)));
        }
        if (n.isObject()) {
            for (String k : n.propertyNames()) {
                String r = hugeNumber(n.get(k), at + "/" + k);
                if (r != null) {
                    return r;
                }
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                String r = hugeNumber(n.get(i), at + "/" + i);
                if (r != null) {
                    return r;
                }
            }
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    /**
     * Checks {@code value} against {@code schema} (e.g. a tool's {@code outputSchema}) without
     * fetching anything: returns the first problem in words, or empty. A schema that refers to
     * something remote, or that the validator cannot compile or apply, is a problem too.
     */
    public static Optional<String> schemaViolation(JsonNode schema, JsonNode value) {
        if (schema == null || !schema.isObject()) {
            return Optional.of("the schema is not an object");
        }
        String remote = remoteReference(schema);
        if (remote != null) {
            return Optional.of("the schema refers to a remote " + remote);
        }
        try {
            List<com.networknt.schema.Error> errors = REGISTRY.getSchema(schema.toString()).validate(value);
            return errors.isEmpty() ? Optional.empty() : Optional.of(errors.getFirst().getMessage());
        } catch (RuntimeException e) {
            return Optional.of("the schema cannot be applied: " + (e.getMessage() == null ? "validator failure" : abbreviate(e.getMessage())));
        }
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
        String huge = hugeNumber(arguments, "");
        if (huge != null) {
            // #11 item 15: the schema validator misjudges numbers beyond the double range (a
            // 1,000-digit integer passed maximum: 10), so such a number is refused before it
            return Optional.of("argument '" + huge + "' is a number too large for the gateway to check against the tool's inputSchema");
        }
        if (schema != null) {
            List<com.networknt.schema.Error> errors;
            try {
                errors = schema.validate(arguments);
            } catch (RuntimeException e) {
                // #11 item 15: an unresolvable $ref, a number the validator cannot handle, ... fails
                // closed with one clear line (here and in the log), never -32603 with a stack trace
                String why = e.getMessage() == null ? "the validator failed" : abbreviate(e.getMessage());
                LOG.warn("arguments refused: the tool's inputSchema could not be applied: {}", why);
                return Optional.of("the tool's inputSchema could not be applied to these arguments (" + why
                        + "); the call is refused");
            }
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
