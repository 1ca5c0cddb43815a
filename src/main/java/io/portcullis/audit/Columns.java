package io.portcullis.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import tools.jackson.databind.JsonNode;

/**
 * The searchable columns stored beside a record's body. They are always derived from the record
 * by {@link #of}, both when writing and when verifying, so that a column changed in the database
 * (to hide a record from a search) is found by {@code verify}.
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
