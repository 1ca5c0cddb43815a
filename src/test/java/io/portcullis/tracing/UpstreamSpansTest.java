package io.portcullis.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
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
import org.slf4j.MDC;
import tools.jackson.databind.node.ObjectNode;

/**
 * #18 item 2 (leftover, session 9), with the SDK's in-memory exporter: what an upstream initiates and the
 * gateway handles as its client is one SERVER span (the MCP conventions: the client reports a SERVER span
 * for a server-initiated operation). {@code roots/list} answered from config and a notification relayed to
 * the client (progress, log message) are each a span in the trace of the upstream call they belong to, or
 * of the upstream's own {@code _meta} context; the relayed notification carries the span's context in its
 * {@code _meta}; a made-up method never names a span; tracing off adds nothing.
 */
class UpstreamSpansTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALL_SPAN = "00f067aa0ba902b7";
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
            .setSampler(Sampler.alwaysOn()).addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
    private final Tracing tracing = Tracing.of(sdk);
    /** What the gateway sent upstream with the call: its CLIENT span's context (Calls.Pending.trace). */
    private final Map<String, String> call = Map.of("traceparent", "00-" + TRACE + "-" + CALL_SPAN + "-01");

    @AfterEach
    void close() {
        sdk.close();
    }

    private static String attr(SpanData s, String key) {
        return s.getAttributes().get(AttributeKey.stringKey(key));
    }

    @Test
    void rootsListAnsweredByTheGatewayIsAServerSpanInTheCallsTraceWithTheMdcIdsWhileItRuns() {
        List<String> mdc = new ArrayList<>();
        ObjectNode answer = tracing.fromUpstream("roots/list", Json.object(), call, "fs", () -> {
            mdc.add(MDC.get("trace_id"));
            return Message.result(Json.object().numberNode(7), Json.object().set("roots", Json.array()));
        });
        assertThat(answer.has("result")).isTrue();
        SpanData span = spans.getFinishedSpanItems().getFirst();
        assertThat(spans.getFinishedSpanItems()).hasSize(1);
        assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(span.getName()).isEqualTo("roots/list");
        assertThat(span.getTraceId()).isEqualTo(TRACE);
        assertThat(span.getParentSpanId()).isEqualTo(CALL_SPAN);
        assertThat(attr(span, "mcp.method.name")).isEqualTo("roots/list");
        assertThat(attr(span, "portcullis.upstream")).isEqualTo("fs");
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(mdc).containsExactly(TRACE);
        assertThat(MDC.get("trace_id")).isNull();
    }

    @Test
    void aRequestWithNoCallStartsANewTraceAndAnErrorAnswerIsTheSpansError() {
        tracing.fromUpstream("ping", null, Map.of(), "fs",
                () -> Message.error(Json.object().numberNode(1), -32600, "no", null));
        SpanData span = spans.getFinishedSpanItems().getFirst();
        assertThat(span.getParentSpanContext().isValid()).isFalse();
        assertThat(span.getTraceId()).isNotEqualTo(TRACE);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(attr(span, "error.type")).isEqualTo("-32600");
    }

    @Test
    void aRelayedProgressNotificationIsAServerSpanAndTheClientGetsItsContextInMeta() {
        String upstreamTrace = "0af7651916cd43dd8448eb211c80319c";
        ObjectNode params = Json.object().put("progressToken", "pc-3").put("progress", 1);
        // the upstream's own context (it continued the gateway's trace) is the parent, before the call's
        params.putObject("_meta").put("traceparent", "00-" + upstreamTrace + "-b7ad6b7169203331-01").put("other", 1);
        ObjectNode upstreamMessage = Message.notification("notifications/progress", params);
        List<ObjectNode> toClient = new ArrayList<>();
        tracing.fromUpstream("notifications/progress", params, call, "everything", () -> {
            toClient.add(TraceContext.messageWithMeta(upstreamMessage));
            return null;
        });
        SpanData span = spans.getFinishedSpanItems().getFirst();
        assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(span.getName()).isEqualTo("notifications/progress");
        assertThat(span.getTraceId()).isEqualTo(upstreamTrace);
        assertThat(span.getParentSpanId()).isEqualTo("b7ad6b7169203331");
        ObjectNode meta = (ObjectNode) toClient.getFirst().path("params").path("_meta");
        assertThat(meta.path("traceparent").asString()).isEqualTo("00-" + upstreamTrace + "-" + span.getSpanId() + "-01");
        assertThat(meta.path("other").asInt()).isEqualTo(1);
        assertThat(toClient.getFirst().path("params").path("progress").asInt()).isEqualTo(1);
        // the upstream's message is not changed
        assertThat(upstreamMessage.path("params").path("_meta").path("traceparent").asString()).contains("b7ad6b7169203331");
    }

    @Test
    void aHostileMetaContextIsIgnoredAndTheCallsTraceIsTheParent() {
        ObjectNode params = Json.object().put("level", "info");
        params.putObject("_meta").put("traceparent", "00-" + TRACE.toUpperCase() + "-\r\nb7ad6b7169203331-01");
        tracing.fromUpstream("notifications/message", params, call, "everything", () -> null);
        SpanData span = spans.getFinishedSpanItems().getFirst();
        assertThat(span.getName()).isEqualTo("notifications/message");
        assertThat(span.getTraceId()).isEqualTo(TRACE);
        assertThat(span.getParentSpanId()).isEqualTo(CALL_SPAN);
    }

    @Test
    void aMadeUpMethodNeverNamesASpanAndACrashIsTheSpansError() {
        assertThatThrownBy(() -> tracing.fromUpstream("notifications/\u202Eevil", null, call, "everything", () -> {
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class);
        SpanData span = spans.getFinishedSpanItems().getFirst();
        assertThat(span.getName()).isEqualTo("mcp");
        assertThat(attr(span, "mcp.method.name")).isEqualTo("_OTHER");
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(attr(span, "error.type")).isEqualTo(IllegalStateException.class.getName());
    }

    @Test
    void tracingOffRunsTheBodyAloneAndTheNotificationGoesOnAsItCame() {
        ObjectNode message = Message.notification("notifications/message", Json.object().put("level", "info"));
        List<ObjectNode> toClient = new ArrayList<>();
        Object out = Tracing.OFF.fromUpstream("notifications/message", message.path("params") instanceof ObjectNode p ? p : null,
                call, "everything", () -> {
                    toClient.add(TraceContext.messageWithMeta(message));
                    return "ran";
                });
        assertThat(out).isEqualTo("ran");
        assertThat(toClient.getFirst()).isSameAs(message);
        assertThat(spans.getFinishedSpanItems()).isEmpty();
    }

    @Test
    void ofMetaReadsWhatWentUpstream() {
        ObjectNode params = Json.object();
        params.putObject("_meta").put("traceparent", call.get("traceparent")).put("tracestate", "a=b").put("progressToken", 1);
        assertThat(TraceContext.ofMeta(params)).containsEntry("traceparent", call.get("traceparent")).containsEntry("tracestate", "a=b")
                .hasSize(2);
        assertThat(TraceContext.ofMeta(Json.object())).isEmpty();
        assertThat(TraceContext.ofMeta(null)).isEmpty();
    }
}
