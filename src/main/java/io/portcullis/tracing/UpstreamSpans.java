package io.portcullis.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.portcullis.call.Origin;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.MDC;
import tools.jackson.databind.node.ObjectNode;

/**
 * #18 item 2 (leftover, session 9): spans for what an upstream initiates and the gateway handles as the
 * upstream's MCP client. The MCP conventions: the SERVER span "is reported ... by the MCP client when
 * server initiates the operation".
 * <ul>
 *   <li>A request the gateway answers itself ({@code roots/list} from its config, #11 item 1, and
 *       {@code ping}): one SERVER span, from the request until the answer is sent; a JSON-RPC error
 *       answer sets {@code error.type}.</li>
 *   <li>#18 (session 10): a request the gateway relays to its client ({@code sampling/createMessage},
 *       {@code elicitation/create}): one SERVER span from its arrival until the answer goes back upstream;
 *       the relay to the client is its child, a CLIENT span ({@link RelaySpans}).</li>
 *   <li>A notification ({@code notifications/message}, {@code notifications/progress}, the
 *       {@code list_changed} ones, {@code notifications/resources/updated}, ...): one SERVER span for its
 *       handling, the relay to the client included; what is relayed carries the span's context in its
 *       {@code params._meta} ({@link TraceContext#messageWithMeta}), replacing the upstream's.</li>
 * </ul>
 * The parent is the upstream's own trace context in {@code params._meta} when plausible (it continued the
 * gateway's trace), else the context of the upstream call the message belongs to (the gateway's CLIENT
 * span, which went upstream in that call's {@code _meta}), else none: a new trace. A method the upstream
 * made up never names a span ({@code mcp}, {@code mcp.method.name=_OTHER}). The log MDC has the span's
 * ids while it runs.
 */
final class UpstreamSpans {
    static final Set<String> SERVED = Set.of("roots/list", "ping", "sampling/createMessage", "elicitation/create");
    static final Set<String> NOTIFICATIONS = Set.of("notifications/message", "notifications/progress",
            "notifications/tools/list_changed", "notifications/prompts/list_changed", "notifications/resources/list_changed",
            "notifications/resources/updated", "notifications/cancelled", "notifications/subscriptions/acknowledged",
            "notifications/tasks/status", "notifications/elicitation/complete");

    private UpstreamSpans() {}

    /** The parent: the upstream's {@code _meta} context, else {@code call}'s, else the root (a new trace). */
    static Context parent(ObjectNode params, Map<String, String> call) {
        Context parent = TraceContext.extract(params != null && params.get("_meta") instanceof ObjectNode m ? m : null, Origin.NONE);
        if (!Span.fromContext(parent).getSpanContext().isValid() && call != null && !call.isEmpty()) {
            parent = TraceContext.extract(null, Origin.http(null, call.get("traceparent"), call.get("tracestate")));
        }
        return parent;
    }

    static <T> T handle(Tracer tracer, String method, ObjectNode params, Map<String, String> call, String upstream,
                        Supplier<T> body) {
        boolean known = method != null && (SERVED.contains(method) || NOTIFICATIONS.contains(method));
        Span span = tracer.spanBuilder(known ? method : "mcp").setParent(parent(params, call))
                .setSpanKind(SpanKind.SERVER).startSpan();
        String oldTrace = MDC.get("trace_id");
        String oldSpan = MDC.get("span_id");
        MDC.put("trace_id", span.getSpanContext().getTraceId());
        MDC.put("span_id", span.getSpanContext().getSpanId());
        try (Scope ignored = span.makeCurrent()) {
            Semantics.message(span, method, known, upstream);
            T out = body.get();
            if (out instanceof ObjectNode answer) {
                Semantics.answerError(span, answer, "the gateway");
            }
            return out;
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
