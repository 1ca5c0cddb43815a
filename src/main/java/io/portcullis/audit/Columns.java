package io.portcullis.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

/**
 * The searchable columns stored beside a record's body. They are derived from the record by
 * {@link #of} when it is written, and the same values are hashed with the record as its
 * {@code index} (see {@link AuditWriter#link}), so that verify finds a changed column without
 * reading the record itself.
 */
record Columns(long micros, String kind, String env, String callId, String subject, String tool, String decision,
               String traceId, String requestId) {

    static Columns of(JsonNode rec) {
        return new Columns(micros(rec.path("time").asString()),
                storable(rec.path("kind").asString()),
                storable(rec.path("environment").asString()),
                text(rec.path("call_id")),
                text(rec.path("principal").path("subject")),
                text(rec.path("tool").path("name")),
                text(rec.path("decision").path("outcome")),
                text(rec.path("request").path("trace_id")),
                text(rec.path("request").path("user_request_id")));
    }

    /** The canonical JSON of these columns plus the record's seq: keys sorted, nulls left out. */
    void encode(long seq, StringBuilder b) {
        b.append('{');
        field(b, "call_id", callId, false);
        field(b, "decision", decision, true);
        field(b, "env", env, true);
        field(b, "kind", kind, true);
        field(b, "request_id", requestId, true);
        comma(b).append("\"seq\":").append(seq);
        field(b, "subject", subject, true);
        field(b, "tool", tool, true);
        field(b, "trace_id", traceId, true);
        comma(b).append("\"ts\":").append(micros);
        b.append('}');
    }

    /** Reads an index object written by {@link #encode}; the parser is at its START_OBJECT. Returns null when malformed. */
    static Indexed parse(JsonParser p) {
        long seq = -1;
        long ts = Long.MIN_VALUE;
        String kind = null, env = null, call = null, subject = null, tool = null, decision = null, trace = null, request = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_NUMBER_INT && (name.equals("seq") || name.equals("ts"))) {
                if (name.equals("seq")) {
                    seq = p.getLongValue();
                } else {
                    ts = p.getLongValue();
                }
                continue;
            }
            if (v != JsonToken.VALUE_STRING) {
                return null;
            }
            String s = p.getString();
            switch (name) {
                case "kind" -> kind = s;
                case "env" -> env = s;
                case "call_id" -> call = s;
                case "subject" -> subject = s;
                case "tool" -> tool = s;
                case "decision" -> decision = s;
                case "trace_id" -> trace = s;
                case "request_id" -> request = s;
                default -> {
                    return null;
                }
            }
        }
        if (t != JsonToken.END_OBJECT || seq < 0 || ts == Long.MIN_VALUE || kind == null || env == null) {
            return null;
        }
        return new Indexed(seq, new Columns(ts, kind, env, call, subject, tool, decision, trace, request));
    }

    /** Columns as hashed in a body, with the seq. */
    record Indexed(long seq, Columns columns) {}

    private static StringBuilder comma(StringBuilder b) {
        return b.charAt(b.length() - 1) == '{' ? b : b.append(',');
    }

    private static void field(StringBuilder b, String name, String value, boolean comma) {
        if (value != null) {
            (comma ? comma(b) : b).append('"').append(name).append("\":");
            Canonical.string(value, b);
        }
    }

    /**
     * The microseconds since the epoch of an ISO-8601 UTC time as {@link Instant#toString} writes
     * it ({@code 2026-11-24T04:47:16.193123Z}), read without the general parser (a third of an
     * append's encoding time); anything else goes through {@link Instant#parse}.
     */
    static long micros(String t) {
        int n = t.length();
        if (n >= 20 && t.charAt(4) == '-' && t.charAt(7) == '-' && t.charAt(10) == 'T' && t.charAt(13) == ':'
                && t.charAt(16) == ':' && t.charAt(n - 1) == 'Z' && (n == 20 || t.charAt(19) == '.' && n <= 30 && n > 21)) {
            int year = digits(t, 0, 4), month = digits(t, 5, 7), day = digits(t, 8, 10);
            int hour = digits(t, 11, 13), minute = digits(t, 14, 16), second = digits(t, 17, 19);
            int frac = n == 20 ? 0 : digits(t, 20, n - 1);
            if (year >= 1970 && month >= 0 && day >= 0 && hour >= 0 && hour < 24 && minute >= 0 && minute < 60
                    && second >= 0 && second < 60 && frac >= 0) {
                try {
                    long days = java.time.LocalDate.of(year, month, day).toEpochDay();
                    long micros = frac;
                    for (int d = n - 21; d < 6; d++) {
                        micros *= 10;
                    }
                    for (int d = n - 21; d > 6; d--) {
                        micros /= 10; // nanoseconds are cut to microseconds, as micros(Instant) does
                    }
                    return ((days * 24 + hour) * 60 + minute) * 60_000_000L + second * 1_000_000L + micros;
                } catch (java.time.DateTimeException e) {
                    // not a real date: the general parser says why
                }
            }
        }
        return micros(Instant.parse(t));
    }

    /** The decimal number in {@code t[from, to)}, or -1 when it holds anything but ASCII digits. */
    private static int digits(String t, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    static long micros(Instant t) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }

    static Instant instant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    /**
     * A column value exactly as it will be stored (#11 item 3): a lone surrogate, which neither
     * SQLite nor PostgreSQL can store (they would keep {@code ?} while the hash covers the
     * original), becomes U+FFFD, and so does NUL, which PostgreSQL refuses in text (one such value
     * would fail the whole batch of records). The same value is hashed in the record's index.
     */
    static String storable(String s) {
        String w = io.portcullis.protocol.JsonText.wellFormed(s);
        return w == null || w.indexOf('\0') < 0 ? w : w.replace('\0', '\uFFFD');
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? null : storable(n.asString());
    }
}
