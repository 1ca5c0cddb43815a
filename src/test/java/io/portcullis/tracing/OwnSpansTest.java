package io.portcullis.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * #18 (session 10), with the SDK's in-memory exporter: a notification the gateway sends on its own (its
 * {@code list_changed}, an approval's progress) is a CLIENT span, in the trace of what is current (the waiting
 * call's), else a new trace; a message with params carries the span's context in {@code _meta} (a copy);
 * and an upstream's {@code sampling/createMessage} / {@code elicitation/create} is a SERVER span when it
 * arrives (parent: the upstream's {@code _meta} context, else the call's), with the relay CLIENT span as its
 * child. Tracing off adds nothing.
 */
class OwnSpansTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALL_SPAN = "00f067aa0ba902b7";
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
            .setSampler(Sampler.parentBased(Sampler.alwaysOn())).addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
    private final Tracing tracing = Tracing.of(sdk);
    private final Map<String, String> call = Map.of("traceparent", "00-" + TRACE + "-" + CALL_SPAN + "-01");

    @AfterEach
    void close() {
        sdk.close();
    }

    private static String attr(SpanData s, String key) {
        return s.getAttributes().get(AttributeKey.stringKey(key));
    }

    private static ObjectNode progress() {
        ObjectNode note = Message.notification("notifications/progress", Json.object().put("progressToken", 7).put("progress", 1));
        return note;
    }

    @Test
    void anApprovalProgressNotificationIsAClientSpanOfTheWaitingCallWithItsContextInMeta() {
        Span callSpan = sdk.getTracer("t").spanBuilder("tools/call x").setSpanKind(SpanKind.SERVER).startSpan();
        ObjectNode note = progress();
        List<ObjectNode> sent = new ArrayList<>();
        try (Scope ignored = callSpan.makeCurrent()) {
            tracing.own(note, sent::add);
        } finally {
            callSpan.end();
        }
        SpanData span = spans.getFinishedSpanItems().getFirst();
        assertThat(span.getName()).isEqualTo("notifications/progress");
        assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(span.getTraceId()).isEqualTo(callSpan.getSpanContext().getTraceId());
        assertThat(span.getParentSpanId()).isEqualTo(callSpan.getSpanContext().getSpanId());
        assertThat(attr(span, "mcp.method.name")).isEqualTo("notifications/progress");
        assertThat(sent).singleElement().satisfies(m -> {
            assertThat(m.path("params").path("_meta").path("traceparent").asString()).contains(span.getSpanId());
            assertThat(m.path("params").path("progressToken").asInt()).isEqualTo(7);
        });
        assertThat(note.path("params").has("_meta")).isFalse(); // the caller's message is not changed
    }

    @Test
    void aListChangedTheGatewayOriginatesStartsATraceAndGoesAsItIs() {
        ObjectNode msg = Message.notification("notifications/tools/list_changed", null);
        List<ObjectNode> sent = new ArrayList<>();
        tracing.own(msg, sent::add);
        SpanData span = spans.getFinishedSpanItems().getFirst();
        assertThat(span.getName()).isEqualTo("notifications/tools/list_changed");
        assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(span.getParentSpanContext().isValid()).isFalse();
        assertThat(sent).containsExactly(msg);
    }

    @Test
    void aMadeUpMethodNeverNamesASpanAndTracingOffSendsTheMessageAlone() {
        tracing.own(Message.notification("notifications/\u001b[31mx", Json.object()), m -> { });
        assertThat(spans.getFinishedSpanItems().getFirst().getName()).isEqualTo("mcp");
        ObjectNode note = progress();
        List<ObjectNode> sent = new ArrayList<>();
        Tracing.OFF.own(note, sent::add);
        assertThat(sent).singleElement().isSameAs(note);
        assertThat(spans.getFinishedSpanItems()).hasSize(1);
    }

    @Test
    void anUpstreamsSamplingRequestIsAServerSpanFromItsMetaWithTheRelayClientSpanAsItsChild() {
        String upstreamTrace = "0af7651916cd43dd8448eb211c80319c";
        ObjectNode params = Json.object();
        params.putObject("_meta").put("traceparent", "00-" + upstreamTrace + "-b7ad6b7169203331-01");
        List<ObjectNode> sent = new ArrayList<>();
        tracing.fromUpstream("sampling/createMessage", params, call, "u",
                () -> relay("sampling/createMessage", params, sent));
        List<SpanData> all = spans.getFinishedSpanItems();
        SpanData client = all.stream().filter(s -> s.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();
        SpanData server = all.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        assertThat(all).hasSize(2);
        assertThat(server.getName()).isEqualTo("sampling/createMessage");
        assertThat(server.getTraceId()).isEqualTo(upstreamTrace);
        assertThat(server.getParentSpanId()).isEqualTo("b7ad6b7169203331");
        assertThat(attr(server, "mcp.method.name")).isEqualTo("sampling/createMessage");
        assertThat(attr(server, "portcullis.upstream")).isEqualTo("u");
        assertThat(client.getName()).isEqualTo("sampling/createMessage");
        assertThat(client.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(sent.getFirst().path("_meta").path("traceparent").asString()).contains(client.getSpanId());
    }

    @Test
    void anElicitationWithoutMetaIsAServerSpanUnderTheCallsContext() {
        List<ObjectNode> sent = new ArrayList<>();
        tracing.fromUpstream("elicitation/create", Json.object(), call, "u", () -> relay("elicitation/create", Json.object(), sent));
        SpanData server = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        SpanData client = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();
        assertThat(server.getName()).isEqualTo("elicitation/create");
        assertThat(server.getTraceId()).isEqualTo(TRACE);
        assertThat(server.getParentSpanId()).isEqualTo(CALL_SPAN);
        assertThat(client.getParentSpanId()).isEqualTo(server.getSpanId());
    }

    private ObjectNode relay(String method, ObjectNode params, List<ObjectNode> sent) {
        try {
            return tracing.relayed(method, params, call, "u", p -> {
                sent.add(p);
                return Json.object();
            });
        } catch (io.portcullis.call.GatewayException e) {
            throw new IllegalStateException(e);
        }
    }
}
