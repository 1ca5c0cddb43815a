package io.portcullis.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Origin;
import io.portcullis.protocol.ProtocolException;
import java.util.Set;
import org.slf4j.MDC;
import tools.jackson.databind.node.ObjectNode;

/**
 * #18 item 2 "a server span per MCP request": the requests that run no chain ({@code initialize},
 * {@code ping}, {@code server/discover}, {@code tools/list} and the other lists, {@code
 * logging/setLevel}, the {@code tasks/*} a chain does not serve) get one SERVER span each, continued
 * from the client's trace context like a chain's ({@code _meta} first, then the HTTP header), with the
 * MDC ids set while it runs (#18 item 3). The span is named after the method when it is one of the
 * MCP methods below; any other method (the client chose it) is named {@code mcp}, never after what
 * the client sent. Tracing off: {@link Tracing#request} runs the body alone, no span, no MDC.
 */
public final class RequestSpans {
    /** The request's work: the Dispatcher's answer to it. */
    @FunctionalInterface
    public interface Body {
        ObjectNode run() throws ProtocolException, GatewayException;
    }

    /** MCP methods a span may be named after. */
    static final Set<String> METHODS = Set.of("initialize", "ping", "server/discover", "tools/list", "prompts/list",
            "resources/list", "resources/templates/list", "resources/unsubscribe", "logging/setLevel", "tasks/get",
            "tasks/cancel", "tasks/list", "tasks/result", "tools/call", "prompts/get", "resources/read",
            "resources/subscribe", "completion/complete");

    private RequestSpans() {}

    static ObjectNode serve(Tracer tracer, String method, ObjectNode params, Origin origin, String protocol, Body body)
            throws ProtocolException, GatewayException {
        boolean known = method != null && METHODS.contains(method);
        Span span = tracer.spanBuilder(known ? method : "mcp")
                .setParent(TraceContext.extract(params == null ? null : params.get("_meta") instanceof ObjectNode m ? m : null,
                        origin == null ? Origin.NONE : origin))
                .setSpanKind(SpanKind.SERVER)
                .startSpan();
        SpanContext sc = span.getSpanContext();
        String oldTrace = MDC.get("trace_id");
        String oldSpan = MDC.get("span_id");
        MDC.put("trace_id", sc.getTraceId());
        MDC.put("span_id", sc.getSpanId());
        try (Scope ignored = span.makeCurrent()) {
            if (span.isRecording()) {
                span.setAttribute("mcp.method.name", known ? method : "_OTHER");
                if (protocol != null) {
                    span.setAttribute("mcp.protocol.version", protocol);
                }
                span.setAttribute("network.transport", origin == null || origin.remoteAddress() == null ? "pipe" : "tcp");
            }
            return body.run();
        } catch (ProtocolException e) {
            Semantics.rpcError(span, Integer.toString(e.code()), "JSON-RPC error " + e.code());
            throw e;
        } catch (GatewayException e) {
            Semantics.failed(span, e);
            throw e;
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
