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
        return new Columns(micros(Instant.parse(rec.path("time").asString())),
                rec.path("kind").asString(),
                rec.path("environment").asString(),
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

    static long micros(Instant t) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }

    static Instant instant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? null : n.asString();
    }
}
