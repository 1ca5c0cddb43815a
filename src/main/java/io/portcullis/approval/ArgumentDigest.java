package io.portcullis.approval;

import io.portcullis.protocol.Json;
import io.portcullis.redact.Sanitizer;
import io.portcullis.text.Visible;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What an approval is bound to and what an approver sees of a call's arguments (C3.2): the
 * SHA-256 of a canonical encoding (object keys sorted at every level, no whitespace, values as
 * sent), and a copy for display with only provably secret values masked (#11 item 11).
 */
final class ArgumentDigest {

    private ArgumentDigest() {}

    /** The canonical encoding: same arguments, same bytes, whatever the key order the client used. */
    static String canonical(JsonNode args) {
        return Json.canonical(args);
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

    /**
     * A copy for people (#11 item 11): exactly the arguments that will be sent, except values the
     * detectors prove secret ({@link Sanitizer#forApproval}), which become {@code [masked:kind]}
     * and are listed by {@link #maskedPointers} so that every view says what it hid. No key name
     * hides a value and nothing is cut: what the approver approves is what the upstream gets.
     */
    static ObjectNode display(ObjectNode args) {
        return (ObjectNode) Sanitizer.forApproval().sanitize(args).value();
    }

    /** The JSON pointers of the values a display copy masked (strings holding {@code [masked:kind]}). */
    static List<String> maskedPointers(JsonNode shown) {
        List<String> out = new ArrayList<>();
        walk(shown, "", (pointer, text) -> {
            if (text.contains("[masked:")) {
                out.add(pointer);
            }
        });
        return out;
    }

    /** The JSON pointers of strings (values or keys) with control, bidi or invisible characters (#11 item 15). */
    static List<String> hiddenCharacterPointers(JsonNode shown) {
        List<String> out = new ArrayList<>();
        walk(shown, "", (pointer, text) -> {
            if (Visible.hasHidden(text)) {
                out.add(pointer);
            }
        });
        return out;
    }

    private static void walk(JsonNode n, String pointer, java.util.function.BiConsumer<String, String> visit) {
        if (n == null) {
            return;
        }
        if (n.isObject()) {
            for (var e : n.properties()) {
                String p = pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1");
                if (Visible.hasHidden(e.getKey())) {
                    visit.accept(p, e.getKey());
                }
                walk(e.getValue(), p, visit);
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                walk(n.get(i), pointer + "/" + i, visit);
            }
        } else if (n.isString()) {
            visit.accept(pointer, n.asString());
        }
    }
}
