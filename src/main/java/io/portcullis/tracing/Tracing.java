package io.portcullis.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Stage;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.MDC;
import tools.jackson.databind.node.ObjectNode;

/**
 * #18 item 2: the gateway's OpenTelemetry traces. One SERVER span per MCP request that runs a chain
 * (named {@code {mcp.method.name} {target}} after the MCP semantic conventions), an INTERNAL child
 * span per stage, and a CLIENT span for the upstream call. {@code pipeline.Pipeline} is the one
 * caller: it asks {@link #on()} once, when the chain is built, so tracing off builds no span and
 * adds no wrapper to the chain.
 *
 * <p>The SDK comes from the {@code tracing:} section with the standard {@code OTEL_*} variables
 * over it ({@link #of(TracingConfig)}); tests pass their own ({@link #of(OpenTelemetry)}).
 */
public final class Tracing implements io.portcullis.call.CallTracing {
    /** Tracing off: {@link #on()} is false and nothing here is ever called per call. */
    public static final Tracing OFF = new Tracing(null);
    private static final String SCOPE = "io.portcullis";

    private static TracingConfig lastConfig;
    private static volatile Tracing last;
    private static OpenTelemetrySdk lastSdk;

    private final Tracer tracer;

    private Tracing(Tracer tracer) {
        this.tracer = tracer;
    }

    /** Tracing with the caller's OpenTelemetry (unit tests: the SDK with an in-memory exporter). */
    public static Tracing of(OpenTelemetry otel) {
        return new Tracing(otel.getTracer(SCOPE));
    }

    /**
     * The tracing of a config: the same instance while the section is unchanged (a reload of
     * other sections keeps the SDK and its export queue); a changed section closes the old SDK
     * (flushing what it holds) and builds a new one. Off builds nothing.
     */
    public static synchronized Tracing of(TracingConfig config) {
        if (config == null || !config.enabled()) {
            close();
            return OFF;
        }
        if (config.equals(lastConfig)) {
            return last;
        }
        close();
        lastSdk = Sdk.build(config);
        last = of(lastSdk);
        lastConfig = config;
        return last;
    }

    private static void close() {
        if (lastSdk != null) {
            lastSdk.shutdown();
        }
        lastSdk = null;
        last = null;
        lastConfig = null;
    }

    /**
     * The tracing of the config applied last ({@link #of(TracingConfig)}), {@link #OFF} when none or
     * off: what the requests that run no chain are traced with (one volatile read per request).
     */
    public static Tracing current() {
        Tracing t = last;
        return t == null ? OFF : t;
    }

    /**
     * #18 item 2: a request that runs no chain (initialize, ping, the lists, ...) under a SERVER span
     * of its own ({@link RequestSpans}); tracing off runs {@code body} alone.
     */
    public ObjectNode request(String method, ObjectNode params, io.portcullis.call.Origin origin, String protocol,
                              RequestSpans.Body body) throws io.portcullis.protocol.ProtocolException, GatewayException {
        return tracer == null ? body.run() : RequestSpans.serve(tracer, method, params, origin, protocol, body);
    }

    /**
     * #18 item 2: a server-to-client request relayed to the client under a CLIENT span ({@link RelaySpans}),
     * a child of the upstream's trace context in {@code params._meta}, else of {@code call} (the
     * {@code traceparent} of the upstream call it belongs to, {@link TraceContext#current()}; may be empty);
     * tracing off sends {@code params} alone.
     */
    public ObjectNode relayed(String method, ObjectNode params, java.util.Map<String, String> call, String upstream,
                              RelaySpans.Send send) throws GatewayException {
        return tracer == null ? send.send(params) : RelaySpans.relay(tracer, method, params, call, upstream, send);
    }

    /** #18 item 2: a client's notification handled under a SERVER span of its own ({@link RelaySpans}); tracing off runs {@code body} alone. */
    public void notification(String method, ObjectNode params, io.portcullis.call.Origin origin, String protocol, Runnable body) {
        if (tracer == null) {
            body.run();
        } else {
            RelaySpans.notification(tracer, method, params, origin, protocol, body);
        }
    }

    /**
     * #18 item 2 (session 9): what an upstream initiates and the gateway handles as its client, under a
     * SERVER span ({@link UpstreamSpans}): a request the gateway answers itself ({@code roots/list},
     * {@code ping}) or a notification ({@code notifications/message}, {@code progress}, {@code list_changed},
     * ...), continued from its {@code _meta}, else from {@code call} (the trace context of the upstream call it
     * belongs to; may be empty); tracing off runs {@code body} alone.
     */
    public <T> T fromUpstream(String method, ObjectNode params, Map<String, String> call, String upstream,
                              java.util.function.Supplier<T> body) {
        return tracer == null ? body.get() : UpstreamSpans.handle(tracer, method, params, call, upstream, body);
    }

    /**
     * #18 (session 10): a notification the gateway sends a client on its own ({@code list_changed}, an
     * approval's progress) under a CLIENT span ({@link OwnSpans}); tracing off sends {@code message} alone.
     */
    public void own(ObjectNode message, java.util.function.Consumer<ObjectNode> send) {
        if (tracer == null) {
            send.accept(message);
        } else {
            OwnSpans.send(tracer, message, send);
        }
    }

    /** Whether spans are made. */
    @Override
    public boolean on() {
        return tracer != null;
    }

    /**
     * Runs one request's chain under its SERVER span, continued from the client's trace context
     * ({@link TraceContext#extract}): {@code traced} (a span per stage) when the span is sampled,
     * {@code plain} otherwise, whose only trace cost is the context it propagates upstream. The
     * span's ids go on the call's trail (the audit record's trace id) and in the log's MDC
     * ({@code trace_id}, {@code span_id}: #18 item 3) while the call runs.
     */
    @Override
    public ObjectNode serve(String method, CallContext call, CallHandler traced, CallHandler plain) throws GatewayException {
        Span span = tracer.spanBuilder(Semantics.spanName(method, call))
                .setParent(TraceContext.extract(call))
                .setSpanKind(SpanKind.SERVER)
                .startSpan();
        SpanContext sc = span.getSpanContext();
        call.trail().trace(sc.getTraceId(), sc.getSpanId(), sc.isSampled());
        String oldTrace = MDC.get("trace_id");
        String oldSpan = MDC.get("span_id");
        MDC.put("trace_id", sc.getTraceId());
        MDC.put("span_id", sc.getSpanId());
        try (Scope ignored = span.makeCurrent()) {
            if (!span.isRecording()) {
                return plain.handle(call);
            }
            Semantics.server(span, method, call);
            ObjectNode result = traced.handle(call);
            if (result.path("isError").asBoolean(false)) {
                span.setAttribute(Semantics.ERROR_TYPE, "tool_error");
                span.setStatus(StatusCode.ERROR, "the tool answered isError");
            }
            return result;
        } catch (GatewayException e) {
            Semantics.failed(span, e);
            throw e;
        } catch (RuntimeException e) {
            Semantics.crashed(span, e);
            throw e;
        } finally {
            span.end();
            restore("trace_id", oldTrace);
            restore("span_id", oldSpan);
        }
    }

    /** {@code stage} under a span of its own: INTERNAL for a control, CLIENT for the last stage (the upstream call). */
    @Override
    public Stage traced(String method, Stage stage, boolean upstream) {
        return new Stage() {
            @Override
            public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
                Span span = tracer.spanBuilder(upstream ? Semantics.spanName(method, call) : stage.name())
                        .setSpanKind(upstream ? SpanKind.CLIENT : SpanKind.INTERNAL)
                        .startSpan();
                try (Scope ignored = span.makeCurrent()) {
                    if (upstream) {
                        Semantics.client(span, method, call);
                    } else {
                        span.setAttribute("portcullis.stage", stage.name());
                    }
                    return stage.handle(call, next);
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

            @Override
            public String name() {
                return stage.name();
            }
        };
    }

    static void restore(String key, String old) {
        if (old == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, old);
        }
    }

    /** The SDK from the section, with OTEL_* variables and system properties over it. */
    static final class Sdk {
        private Sdk() {}

        static Map<String, String> defaults(TracingConfig config) {
            Map<String, String> d = new HashMap<>();
            d.put("otel.traces.exporter", "otlp");
            d.put("otel.metrics.exporter", "none");
            d.put("otel.logs.exporter", "none");
            d.put("otel.exporter.otlp.protocol", "http/protobuf");
            d.put("otel.propagators", "tracecontext");
            d.put("otel.service.name", config.serviceName());
            d.put("otel.traces.sampler", "parentbased_traceidratio");
            d.put("otel.traces.sampler.arg", Double.toString(config.sampling()));
            if (config.endpoint() != null) {
                d.put("otel.exporter.otlp.endpoint", config.endpoint());
            }
            return d;
        }

        static OpenTelemetrySdk build(TracingConfig config) {
            Map<String, String> d = defaults(config);
            return AutoConfiguredOpenTelemetrySdk.builder().addPropertiesSupplier(() -> d).build().getOpenTelemetrySdk();
        }
    }
}
