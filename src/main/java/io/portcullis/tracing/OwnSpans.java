package io.portcullis.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.Set;
import java.util.function.Consumer;
import tools.jackson.databind.node.ObjectNode;

/**
 * #18 (session 10): a notification the gateway sends to clients on its own, not relayed from an upstream:
 * its {@code notifications/<kind>/list_changed} (the catalog or a user's connections changed) and an
 * approval's {@code notifications/progress} while a call waits. One CLIENT span per message sent (a
 * broadcast to every session is one span), as for the requests the gateway sends a client
 * ({@link RelaySpans}: the MCP conventions' side that initiates reports CLIENT). Its parent is the current
 * context: the waiting call's span for an approval's progress, none (a new trace) for a list change. A
 * message with a params object gets the span's context in {@code params._meta} (a copy); one without
 * ({@code list_changed}) goes as it is. A method not in {@link #OWN} never names a span ({@code mcp}).
 */
final class OwnSpans {
    static final Set<String> OWN = Set.of("notifications/tools/list_changed", "notifications/prompts/list_changed",
            "notifications/resources/list_changed", "notifications/progress");

    private OwnSpans() {}

    static void send(Tracer tracer, ObjectNode message, Consumer<ObjectNode> send) {
        String method = message.path("method").asString("");
        boolean known = OWN.contains(method);
        Span span = tracer.spanBuilder(known ? method : "mcp").setSpanKind(SpanKind.CLIENT).startSpan();
        try (Scope ignored = span.makeCurrent()) {
            Semantics.message(span, method, known, null);
            send.accept(TraceContext.messageWithMeta(message));
        } catch (RuntimeException e) {
            Semantics.crashed(span, e);
            throw e;
        } finally {
            span.end();
        }
    }
}
