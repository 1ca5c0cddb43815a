package io.portcullis.audit;

import io.portcullis.call.CallContext;
import io.portcullis.redact.Sanitizer;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The original user request a call was made for (C4.1, C4.3): the W3C trace context and the
 * user-request id and text the client sent. Read from the call's {@code _meta} first (per
 * message), then from the HTTP headers of the request that carried it.
 *
 * <p>{@code _meta} keys read:
 * <ul>
 *   <li>{@code traceparent}, {@code tracestate}: W3C Trace Context, as the MCP SDKs propagate it;</li>
 *   <li>{@code io.portcullis/userRequest}: {@code {"id": "...", "text": "..."}} (both optional), or
 *       a string that is the id. The id names one user request across every call the assistant
 *       makes for it; the text is what the user asked (sanitized and cut like arguments).</li>
 * </ul>
 * The request id that {@code portcullis audit trace} looks up is the user-request id when there is
 * one, and the trace id of the {@code traceparent} otherwise; both are recorded and searchable.
 *
 * @param traceparent the traceparent as received (cut to 256 characters), or null
 * @param tracestate  the tracestate as received (cut to 512 characters), or null
 * @param traceId     the 32-hex trace id when the traceparent is valid, else null
 * @param parentId    the 16-hex parent span id when the traceparent is valid, else null
 * @param source      {@code meta} or {@code http}: where the trace context came from
 * @param userRequestId   the client's user-request id, or null
 * @param userRequestText the user's request text, or null
 * @param logTraceId  #18 session 10: the OTel trace id of an unsampled call that started its own trace
 *                    (no client context): the id its log lines carry, kept in the body as
 *                    {@code log_trace_id} but not as {@code trace_id} (the indexed column), since no
 *                    backend holds that trace; else null
 */
record RequestContext(String traceparent, String tracestate, String traceId, String parentId, String source,
                      String userRequestId, String userRequestText, String logTraceId) {

    static final String USER_REQUEST_KEY = "io.portcullis/userRequest";
    private static final Pattern TRACEPARENT = Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");

    static RequestContext of(CallContext call, Sanitizer sanitizer) {
        ObjectNode meta = call.meta();
        String tp = meta == null ? null : string(meta.get("traceparent"));
        String ts = meta == null ? null : string(meta.get("tracestate"));
        String source = tp != null ? "meta" : null;
        if (tp == null && call.origin().traceparent() != null) {
            tp = call.origin().traceparent();
            ts = call.origin().tracestate();
            source = "http";
        }
        String id = null;
        String text = null;
        JsonNode ur = meta == null ? null : meta.get(USER_REQUEST_KEY);
        if (ur != null && ur.isObject()) {
            id = string(ur.get("id"));
            text = string(ur.get("text"));
        } else if (ur != null) {
            id = string(ur);
        }
        RequestContext rc = of(tp, ts, source, id, text, sanitizer);
        // #18 items 2, 3: with tracing on, the record's trace id is the OTel trace's (the client's continued, or a new one);
        // session 10: a new trace's id only when it was sampled (exported), else it stays out of the indexed column
        String otel = call.trail().traceId();
        if (otel == null || otel.equals(rc.traceId)) {
            return rc;
        }
        boolean indexed = call.trail().sampled();
        return new RequestContext(rc.traceparent, rc.tracestate, indexed ? otel : rc.traceId, rc.parentId, rc.source,
                rc.userRequestId, rc.userRequestText, indexed ? null : otel);
    }

    /** The context from values kept elsewhere (an approval request keeps the traceparent and user request it was made for). */
    static RequestContext of(String tp, String ts, String source, String userRequestId, String userRequestText, Sanitizer sanitizer) {
        String traceId = null;
        String parentId = null;
        if (tp != null) {
            var m = TRACEPARENT.matcher(tp.strip());
            // version ff is invalid, and an all-zero trace or span id means "no trace" (W3C Trace Context 3.2)
            if (m.matches() && !m.group(1).equals("ff") && !m.group(2).matches("0+") && !m.group(3).matches("0+")) {
                traceId = m.group(2);
                parentId = m.group(3);
            }
        }
        return new RequestContext(cut(tp, 256), cut(ts, 512), traceId, parentId, source, cut(userRequestId, 256),
                sanitizer.text(userRequestText), null);
    }

    /** Writes the non-null fields into a record's {@code request} object. */
    void write(ObjectNode req) {
        CallRecords.putIfSet(req, "traceparent", traceparent);
        CallRecords.putIfSet(req, "tracestate", tracestate);
        CallRecords.putIfSet(req, "trace_id", traceId);
        CallRecords.putIfSet(req, "parent_id", parentId);
        CallRecords.putIfSet(req, "source", source);
        CallRecords.putIfSet(req, "user_request_id", userRequestId);
        CallRecords.putIfSet(req, "user_request_text", userRequestText);
        CallRecords.putIfSet(req, "log_trace_id", logTraceId);
    }

    /** The id {@code audit trace} finds this request by. */
    String requestId() {
        return userRequestId != null ? userRequestId : traceId;
    }

    private static String string(JsonNode n) {
        return n == null || n.isNull() || n.isContainer() ? null : n.asString();
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
