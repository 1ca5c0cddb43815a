package io.portcullis.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The canonical JSON encoding that audit records and checkpoints are hashed and signed in (C4.2).
 * <ul>
 *   <li>UTF-8, no whitespace between tokens;</li>
 *   <li>object members sorted by key, comparing UTF-16 code units (as RFC 8785 does), each key once;</li>
 *   <li>strings: {@code "} and {@code \} escaped with a backslash; U+0000..U+001F as
 *       {@code \b \t \n \f \r} or <code>&#92;u00xx</code> (lowercase hex); a lone surrogate as
 *       <code>&#92;uxxxx</code>; every other character as itself;</li>
 *   <li>numbers: integers in plain decimal; other numbers as Java's {@code toString} of the value
 *       the JSON parser read ({@code Double} or {@code BigDecimal}); a number that is not finite (only
 *       possible from a value that did not come through client ingress, #11 item 3) as the string
 *       {@code "Infinity"}, {@code "-Infinity"} or {@code "NaN"}; {@code true false null} as such.</li>
 * </ul>
 * A verifier never needs to re-encode: the stored body is the canonical text, and its SHA-256 is
 * the record's hash.
 */
public final class Canonical {
    private static final HexFormat HEX = HexFormat.of();

    private Canonical() {}

    public static String encode(JsonNode node) {
        StringBuilder b = new StringBuilder(2048); // an audit record is ~1.3 KB: no regrowth
        write(node, b);
        return b.toString();
    }

    static void write(JsonNode n, StringBuilder b) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            b.append("null");
        } else if (n.isObject()) {
            object(n, b);
        } else if (n.isArray()) {
            b.append('[');
            boolean first = true;
            for (JsonNode e : n) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                write(e, b);
            }
            b.append(']');
        } else if (n.isString()) {
            string(n.asString(), b);
        } else if (n.isInt() || n.isLong()) {
            b.append(n.longValue()); // the same digits as the BigInteger below, without making one
        } else if (n.isIntegralNumber()) {
            b.append(n.bigIntegerValue().toString());
        } else if ((n.isDouble() || n.isFloat()) && !Double.isFinite(n.doubleValue())) {
            // #11 item 3: Infinity and NaN are not JSON; written as the strings "Infinity", "-Infinity", "NaN"
            // so that the stored body stays JSON that verify, search and export can read back
            string(n.numberValue().toString(), b);
        } else if (n.isNumber()) {
            b.append(n.numberValue().toString());
        } else if (n.isBoolean()) {
            b.append(n.asBoolean());
        } else {
            string(n.asString(), b); // binary or POJO nodes do not occur in parsed JSON; kept as text
        }
    }

    @SuppressWarnings("unchecked")
    private static void object(JsonNode n, StringBuilder b) {
        // the members with their values (no lookup per key), sorted only when they are not already
        Map.Entry<String, JsonNode>[] members = n.properties().toArray(new Map.Entry[0]);
        for (int i = 1; i < members.length; i++) {
            if (members[i - 1].getKey().compareTo(members[i].getKey()) > 0) {
                Arrays.sort(members, Map.Entry.comparingByKey());
                break;
            }
        }
        b.append('{');
        for (int i = 0; i < members.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            string(members[i].getKey(), b);
            b.append(':');
            write(members[i].getValue(), b);
        }
        b.append('}');
    }

    static void string(String s, StringBuilder b) {
        b.append('"');
        int clean = 0;
        while (clean < s.length()) { // the common case: nothing to escape, copied in one go
            char c = s.charAt(clean);
            if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) {
                break;
            }
            clean++;
        }
        b.append(s, 0, clean);
        for (int i = clean; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\b' -> b.append("\\b");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\f' -> b.append("\\f");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) {
                        b.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        // a lone surrogate has no UTF-8 form: escaped, so the stored text round-trips
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    /** SHA-256 of the UTF-8 bytes of {@code text}, as 64 lowercase hex digits. */
    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256(byte[] bytes) {
        return HEX.formatHex(digest().digest(bytes));
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** A record's body: {@code {"chain":..,"index":{..},"prev":..,"record":..}}, canonical. */
    static String body(String chain, long seq, String prev, String rec, Columns columns) {
        StringBuilder b = new StringBuilder(rec.length() + chain.length() + 400);
        b.append("{\"chain\":");
        Canonical.string(chain, b);
        b.append(",\"index\":");
        columns.encode(seq, b);
        b.append(",\"prev\":\"").append(prev).append("\",\"record\":").append(rec).append('}');
        return b.toString();
    }
}
