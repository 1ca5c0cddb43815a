package io.portcullis.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.portcullis.call.CallContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * W3C Trace Context in and out (#18 item 2). In: the call's {@code _meta} {@code traceparent} /
 * {@code tracestate} (per message, as the MCP conventions ask and 2026-07-28 clients send it),
 * else the HTTP headers of the request that carried it. A value that is not a plausible trace
 * context (longer than 256/512 characters, characters outside the W3C alphabet: garbage, control
 * characters) is ignored before the propagator sees it, and the call starts a new trace. Out: the
 * current span's context on the upstream request, as HTTP headers and in {@code params._meta}.
 */
public final class TraceContext {
    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(-[0-9a-f-]{0,200})?");
    private static final Pattern TRACESTATE = Pattern.compile("[\\x20-\\x7e]{1,512}");
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

    private static final TextMapGetter<Map<String, String>> GET = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };
    private static final TextMapSetter<Map<String, String>> SET = (carrier, key, value) -> carrier.put(key, value);

    private TraceContext() {}

    /** The client's trace context, or the root context (a new trace) when it sent none or a hostile one. */
    static Context extract(CallContext call) {
        return extract(call.meta(), call.origin());
    }

    /** As {@link #extract(CallContext)}, from a request's {@code _meta} (or null) and its transport's facts. */
    static Context extract(ObjectNode meta, io.portcullis.call.Origin origin) {
        String tp = meta == null ? null : string(meta.get("traceparent"));
        String ts = meta == null ? null : string(meta.get("tracestate"));
        if (tp == null) {
            tp = origin.traceparent();
            ts = origin.tracestate();
        }
        if (tp == null || tp.length() > 256 || !TRACEPARENT.matcher(tp).matches()) {
            return Context.root();
        }
        Map<String, String> carrier = new LinkedHashMap<>();
        carrier.put("traceparent", tp);
        if (ts != null && TRACESTATE.matcher(ts).matches()) {
            carrier.put("tracestate", ts);
        }
        return W3C.extract(Context.root(), carrier, GET);
    }

    /** The current span's {@code traceparent} and {@code tracestate}, or an empty map when no span is current (tracing off). */
    public static Map<String, String> current() {
        SpanContext sc = Span.current().getSpanContext();
        if (!sc.isValid()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        W3C.inject(Context.current(), out, SET);
        return out;
    }

    /**
     * The upstream request's params with {@code trace} in {@code _meta} (a copy: the client's
     * params and {@code _meta} are not changed), or {@code params} itself when {@code trace} is empty.
     */
    public static ObjectNode withMeta(ObjectNode params, Map<String, String> trace) {
        if (trace.isEmpty() || params == null) {
            return params;
        }
        ObjectNode p = params.objectNode();
        p.setAll(params);
        ObjectNode meta = p.objectNode();
        if (params.get("_meta") instanceof ObjectNode old) {
            meta.setAll(old);
        }
        meta.remove(List.of("traceparent", "tracestate"));
        trace.forEach(meta::put);
        p.set("_meta", meta);
        return p;
    }

    /**
     * #18 item 2 (session 9): a copy of {@code message} (a notification relayed to a client) whose
     * {@code params._meta} has the current span's context, replacing what the upstream put there; the
     * message itself when no span is current (tracing off) or it has no params object.
     */
    public static ObjectNode messageWithMeta(ObjectNode message) {
        if (message == null || !(message.get("params") instanceof ObjectNode params)) {
            return message;
        }
        Map<String, String> trace = current();
        if (trace.isEmpty()) {
            return message;
        }
        ObjectNode copy = message.objectNode();
        copy.setAll(message);
        copy.set("params", withMeta(params, trace));
        return copy;
    }

    /**
     * The {@code traceparent} / {@code tracestate} strings of {@code params._meta} (what the gateway sent
     * upstream with a call: its CLIENT span's context), or an empty map.
     */
    public static Map<String, String> ofMeta(ObjectNode params) {
        if (params == null || !(params.get("_meta") instanceof ObjectNode meta) || string(meta.get("traceparent")) == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        out.put("traceparent", string(meta.get("traceparent")));
        String ts = string(meta.get("tracestate"));
        if (ts != null) {
            out.put("tracestate", ts);
        }
        return out;
    }

    private static String string(JsonNode n) {
        return n == null || !n.isString() ? null : n.asString();
    }
}
