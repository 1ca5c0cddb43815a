package io.portcullis.approval;

import io.portcullis.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What an approval is bound to and what an approver sees of a call's arguments (C3.2): the
 * SHA-256 of a canonical encoding (object keys sorted at every level, no whitespace, values as
 * sent), and a copy for display with secret-looking values masked.
 */
final class ArgumentDigest {
    /** Key fragments (lower case, without - and _) whose values are never shown. */
    private static final List<String> SECRET_KEYS = List.of("password", "passwd", "passphrase", "token", "secret",
            "apikey", "authorization", "credential", "privatekey", "cookie", "sessionid");
    static final String MASK = "***";
    private static final int MAX_SHOWN_STRING = 2000;

    private ArgumentDigest() {}

    /** The canonical encoding: same arguments, same bytes, whatever the key order the client used. */
    static String canonical(JsonNode args) {
        return Json.write(sorted(args));
    }

    /** SHA-256 (lower-case hex) of {@link #canonical}. */
    static String hash(JsonNode args) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(canonical(args).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static JsonNode sorted(JsonNode n) {
        if (n instanceof ObjectNode o) {
            ObjectNode out = Json.object();
            List<String> keys = new ArrayList<>(o.propertyNames());
            keys.sort(null);
            keys.forEach(k -> out.set(k, sorted(o.get(k))));
            return out;
        }
        if (n instanceof ArrayNode a) {
            ArrayNode out = Json.array();
            a.forEach(e -> out.add(sorted(e)));
            return out;
        }
        return n;
    }

    /** A copy for people: values under secret-looking keys become {@code ***}, very long strings are cut. */
    static ObjectNode display(ObjectNode args) {
        return (ObjectNode) mask(args);
    }

    static boolean secretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        return SECRET_KEYS.stream().anyMatch(k::contains);
    }

    private static JsonNode mask(JsonNode n) {
        if (n instanceof ObjectNode o) {
            ObjectNode out = Json.object();
            for (String k : o.propertyNames()) {
                out.set(k, secretKey(k) ? Json.object().stringNode(MASK) : mask(o.get(k)));
            }
            return out;
        }
        if (n instanceof ArrayNode a) {
            ArrayNode out = Json.array();
            a.forEach(e -> out.add(mask(e)));
            return out;
        }
        if (n.isString() && n.asString().length() > MAX_SHOWN_STRING) {
            String s = n.asString();
            return Json.object().stringNode(s.substring(0, MAX_SHOWN_STRING) + "... (" + s.length() + " characters)");
        }
        return n;
    }
}
