package io.portcullis.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Origin;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * #18 item 2 (leftover): spans for what runs no chain and is not a client's request.
 * <ul>
 *   <li>A server-to-client request an upstream makes while serving a call ({@code sampling/createMessage},
 *       {@code elicitation/create}, {@code roots/list}, {@code ping}), relayed by the gateway to the client:
 *       one CLIENT span (the MCP conventions: "reported ... by the MCP server when server initiates the
 *       operation"), from the relayed request until the client's answer, its status the answer's
 *       (a JSON-RPC error sets {@code error.type} to its code). Its parent is the upstream's own trace
 *       context when the request carries one in {@code _meta} (the upstream continued the gateway's
 *       trace), else the upstream call's span that the request belongs to, else none (a new trace); when a
 *       span is current (session 10: the SERVER span of the upstream's request, {@link UpstreamSpans}), that one.
 *       The span's context goes to the client in the request's {@code _meta}, replacing the upstream's.</li>
 *   <li>A client's notification ({@code notifications/cancelled}, {@code notifications/roots/list_changed},
 *       ...): one SERVER span for its handling, continued from its {@code _meta}, then the HTTP header.</li>
 * </ul>
 * A method the other side made up never names a span ({@code mcp}, {@code mcp.method.name=_OTHER}).
 */
public final class RelaySpans {
    /** What relays the request: sends {@code params} (with the trace context in {@code _meta}) and waits for the answer. */
    @FunctionalInterface
    public interface Send {
        ObjectNode send(ObjectNode params) throws GatewayException;
    }

    static final Set<String> RELAYED = Set.of("sampling/createMessage", "elicitation/create", "roots/list", "ping");
    static final Set<String> NOTIFICATIONS = Set.of("notifications/cancelled", "notifications/initialized",
            "notifications/progress", "notifications/roots/list_changed", "notifications/elicitation/complete");

    private RelaySpans() {}

    static ObjectNode relay(Tracer tracer, String method, ObjectNode params, Map<String, String> call, String upstream, Send send)
            throws GatewayException {
        boolean known = method != null && RELAYED.contains(method);
        ObjectNode meta = params != null && params.get("_meta") instanceof ObjectNode m ? m : null;
        // session 10: under the SERVER span of the upstream's request (UpstreamSpans), which chose the same parent
        Context parent = Span.current().getSpanContext().isValid() ? Context.current()
                : TraceContext.extract(meta, Origin.NONE); // the upstream's, when it sent a plausible one
        if (!Span.fromContext(parent).getSpanContext().isValid()) {
            parent = TraceContext.extract(null, Origin.http(null, call.get("traceparent"), call.get("tracestate")));
        }
        Span span = tracer.spanBuilder(known ? method : "mcp").setParent(parent).setSpanKind(SpanKind.CLIENT).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            Semantics.message(span, method, known, upstream);
            ObjectNode answer = send.send(TraceContext.withMeta(params, TraceContext.current()));
            Semantics.answerError(span, answer, "the client");
            return answer;
        } catch (GatewayException e) {
            Semantics.failed(span, e);
            throw e;
        } catch (RuntimeException e) {
            Semantics.crashed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    static void notification(Tracer tracer, String method, ObjectNode params, Origin origin, String protocol, Runnable body) {
        boolean known = method != null && NOTIFICATIONS.contains(method);
        Span span = tracer.spanBuilder(known ? method : "mcp")
                .setParent(TraceContext.extract(params != null && params.get("_meta") instanceof ObjectNode m ? m : null,
                        origin == null ? Origin.NONE : origin))
                .setSpanKind(SpanKind.SERVER)
                .startSpan();
        String oldTrace = org.slf4j.MDC.get("trace_id");
        String oldSpan = org.slf4j.MDC.get("span_id");
        org.slf4j.MDC.put("trace_id", span.getSpanContext().getTraceId());
        org.slf4j.MDC.put("span_id", span.getSpanContext().getSpanId());
        try (Scope ignored = span.makeCurrent()) {
            if (span.isRecording()) {
                span.setAttribute("mcp.method.name", known ? method : "_OTHER");
                if (protocol != null) {
                    span.setAttribute("mcp.protocol.version", protocol);
                }
                span.setAttribute("network.transport", origin == null || origin.remoteAddress() == null ? "pipe" : "tcp");
            }
            body.run();
        } catch (RuntimeException e) {
            Semantics.crashed(span, e);
            throw e;
        } finally {
            span.end();
            Tracing.restore("trace_id", oldTrace);
            Tracing.restore("span_id", oldSpan);
        }
    }
}
