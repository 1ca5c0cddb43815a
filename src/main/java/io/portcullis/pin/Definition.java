package io.portcullis.pin;

import io.portcullis.audit.Canonical;
import io.portcullis.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #15 item 1: the part of an upstream's tool, prompt or resource definition that a pin covers, in
 * canonical form ({@link Canonical}: keys sorted, no whitespace), and its SHA-256. A tool's pin
 * covers its name at the upstream, title, description, input and output schema, annotations and
 * icons; a prompt's its name, title, description, arguments and icons; a resource's its URI,
 * name, title, description, MIME type and icons; a resource template's URI template, name, title, description,
 * MIME type, annotations and icons; an upstream's handshake {@code instructions} the text. Other members (e.g. {@code _meta}, {@code execution})
 * do not reach a model as instructions and do not count.
 *
 * @param kind       {@code tool}, {@code prompt}, {@code resource}, {@code template} or {@code instructions}
 * @param upstream   the upstream that offers it
 * @param name       its name at the upstream (a resource's URI, a template's URI template, the upstream's name for its
 *                   instructions)
 * @param canonical  the covered members, canonical JSON
 * @param hash       {@code sha256:} and the hex SHA-256 of {@code canonical}
 */
public record Definition(String kind, String upstream, String name, String canonical, String hash) {

    /** What a catalog's pre-approved hash must look like (#15 item 2): {@code sha256:} and 64 hex digits. */
    public static final Pattern HASH = Pattern.compile("sha256:[0-9a-f]{64}");

    private static final List<String> TOOL = List.of("name", "title", "description", "inputSchema", "outputSchema",
            "annotations", "icons");
    private static final List<String> PROMPT = List.of("name", "title", "description", "arguments", "icons");
    private static final List<String> RESOURCE = List.of("uri", "uriTemplate", "name", "title", "description", "mimeType", "icons");
    /** #15 item 2: a template's annotations count too (a resource's do not, so that its existing pins keep their hash). */
    private static final List<String> TEMPLATE = List.of("uriTemplate", "name", "title", "description", "mimeType", "annotations",
            "icons");
    private static final List<String> INSTRUCTIONS = List.of("instructions");

    /**
     * The pinned form of {@code definition} as {@code upstream} served it.
     *
     * @param name the name at the upstream (the catalog renames tools and prompts to their exposed names)
     */
    public static Definition of(String kind, String upstream, String name, ObjectNode definition) {
        ObjectNode covered = Json.object();
        for (String key : members(kind)) {
            JsonNode v = definition.get(key);
            if (v != null && !v.isNull()) {
                covered.set(key, v);
            }
        }
        if (covered.has("name") && ("tool".equals(kind) || "prompt".equals(kind))) {
            covered.put("name", name);
        }
        String canonical = Canonical.encode(covered);
        return new Definition(kind, upstream, name, canonical, hash(canonical));
    }

    /** The covered members as JSON (for the review's diff). */
    public ObjectNode json() {
        return (ObjectNode) Json.parse(canonical);
    }

    /** The description, or "" (what the scanner reads first). */
    public String description() {
        return json().path("description").asString("");
    }

    static List<String> members(String kind) {
        return switch (kind) {
            case "tool" -> TOOL;
            case "prompt" -> PROMPT;
            case "template" -> TEMPLATE;
            case "instructions" -> INSTRUCTIONS;
            default -> RESOURCE;
        };
    }

    static String hash(String canonical) {
        try {
            return "sha256:" + HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
