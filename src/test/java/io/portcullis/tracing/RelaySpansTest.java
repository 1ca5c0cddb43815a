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
import io.portcullis.call.GatewayException;
import io.portcullis.call.Origin;
import io.portcullis.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import tools.jackson.databind.node.ObjectNode;

/**
 * #18 item 2 (leftover), with the SDK's in-memory exporter: a server-to-client request relayed to the
 * client is one CLIENT span, a child of the upstream call's span (or of the upstream's own
 * {@code _meta} context), whose context reaches the client in {@code _meta}; the client's error answer
 * is its error; a client's notification is one SERVER span continued from its {@code _meta} or header;
 * made-up methods never name a span; tracing off adds nothing.
 */
class RelaySpansTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALL_SPAN = "00f067aa0ba902b7";
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
            .setSampler(Sampler.alwaysOn()).addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
    private final Tracing tracing = Tracing.of(sdk);
    private final Map<String, String> call = Map.of("traceparent", "00-" + TRACE + "-" + CALL_SPAN + "-01");

    @AfterEach
    void close() {
        sdk.close();
    }

    private static ObjectNode sampling() {
        ObjectNode p = Json.object().put("maxTokens", 10);
        p.putArray("messages").addObject().put("role", "user").putObject("content").put("type", "text").put("text", "hi");
        return p;
    }

    @Test
    void aRelayedSamplingRequestIsAClientSpanUnderTheUpstreamCallAndItsContextReachesTheClient() throws Exception {
        List<ObjectNode> sent = new ArrayList<>();
        ObjectNode params = sampling();
        ObjectNode answer = tracing.relayed("sampling/createMessage", params, call, "everything", p -> {
            sent.add(p);
            return Json.object().put("jsonrpc", "2.0").set("result", Json.object().put("model", "m"));
        });
        assertThat(answer.path("result").path("model").asString()).isEqualTo("m");
        SpanData span = spans.getFinishedSpanItems().getFirst();
        assertThat(spans.getFinishedSpanItems()).hasSize(1);
        assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(span.getName()).isEqualTo("sampling/createMessage");
        assertThat(span.getTraceId()).isEqualTo(TRACE);
        assertThat(span.getParentSpanId()).isEqualTo(CALL_SPAN);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("mcp.method.name"))).isEqualTo("sampling/createMessage");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("portcullis.upstream"))).isEqualTo("everything");
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        // the client gets the relay span's context in _meta; the upstream's params are not changed
        assertThat(sent.getFirst().path("_meta").path("traceparent").asString()).isEqualTo("00-" + TRACE + "-" + span.getSpanId() + "-01");
        assertThat(params.has("_meta")).isFalse();
    }

    @Test
    void theUpstreamsOwnMetaContextIsTheParentAndTheClientsErrorIsTheSpansError() throws Exception {
        String upstreamTrace = "0af7651916cd43dd8448eb211c80319c";
        ObjectNode params = Json.object().put("message", "your name?");
        params.putObject("_meta").put("traceparent", "00-" + upstreamTrace + "-b7ad6b7169203331-01").put("other", 1);
        List<ObjectNode> sent = new ArrayList<>();
        tracing.relayed("elicitation/create", params, call, "u", p -> {
            sent.add(p);
            return Json.object().set("error", Json.object().put("code", -32601).put("message", "no"));
        });
        SpanData span = spans.getFinishedSpanItems().getFirst();
        assertThat(span.getTraceId()).isEqualTo(upstreamTrace);
        assertThat(span.getParentSpanId()).isEqualTo("b7ad6b7169203331");
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("-32601");
        // the upstream's traceparent is replaced by the span's own; its other _meta keys are kept
        assertThat(sent.getFirst().path("_meta").path("traceparent").asString()).contains(span.getSpanId()).doesNotContain("b7ad6b7169203331");
        assertThat(sent.getFirst().path("_meta").path("other").asInt()).isEqualTo(1);
    }

    @Test
    void aHostileUpstreamContextFallsBackToTheCallAndAFailedRelayIsTheSpansErrorWithAMadeUpNameNever() {
        ObjectNode params = Json.object();
        params.putObject("_meta").put("traceparent", "garbage\r\n");
        assertThatThrownBy(() -> tracing.relayed("x/<b>" + "y".repeat(300), params, call, null, p -> {
            throw new GatewayException.UpstreamFailure("relay", null, "the client did not answer in time");
        })).isInstanceOf(GatewayException.UpstreamFailure.class);
        SpanData span = spans.getFinishedSpanItems().getFirst();
        assertThat(span.getName()).isEqualTo("mcp");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("mcp.method.name"))).isEqualTo("_OTHER");
        assertThat(span.getParentSpanId()).isEqualTo(CALL_SPAN);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("relay");
    }

    @Test
    void withoutACallContextTheRelayStartsATrace() throws Exception {
        tracing.relayed("roots/list", Json.object(), Map.of(), null, p -> Json.object());
        SpanData span = spans.getFinishedSpanItems().getFirst();
        assertThat(span.getName()).isEqualTo("roots/list");
        assertThat(span.getParentSpanId()).isEqualTo("0000000000000000");
    }

    @Test
    void aClientsNotificationIsAServerSpanContinuedFromMetaThenTheHeaderWithTheMdcIds() {
        List<String> mdc = new ArrayList<>();
        ObjectNode params = Json.object().put("requestId", 7);
        params.putObject("_meta").put("traceparent", "00-" + TRACE + "-" + CALL_SPAN + "-01");
        tracing.notification("notifications/cancelled", params, Origin.http("127.0.0.1:9", null, null), "2025-11-25",
                () -> mdc.add(MDC.get("trace_id")));
        tracing.notification("notifications/roots/list_changed", Json.object(),
                Origin.http("127.0.0.1:9", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null), "2025-06-18", () -> { });
        tracing.notification("notifications/\u001b[31mmade-up", Json.object(), Origin.NONE, "2025-11-25", () -> { });
        List<SpanData> all = spans.getFinishedSpanItems();
        assertThat(all).hasSize(3).allSatisfy(s -> assertThat(s.getKind()).isEqualTo(SpanKind.SERVER));
        assertThat(all.get(0).getName()).isEqualTo("notifications/cancelled");
        assertThat(all.get(0).getTraceId()).isEqualTo(TRACE);
        assertThat(all.get(0).getParentSpanId()).isEqualTo(CALL_SPAN);
        assertThat(all.get(0).getAttributes().get(AttributeKey.stringKey("mcp.protocol.version"))).isEqualTo("2025-11-25");
        assertThat(all.get(0).getAttributes().get(AttributeKey.stringKey("network.transport"))).isEqualTo("tcp");
        assertThat(mdc).containsExactly(TRACE);
        assertThat(MDC.get("trace_id")).isNull();
        assertThat(all.get(1).getName()).isEqualTo("notifications/roots/list_changed");
        assertThat(all.get(1).getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(all.get(2).getName()).isEqualTo("mcp");
        assertThat(all.get(2).getAttributes().get(AttributeKey.stringKey("mcp.method.name"))).isEqualTo("_OTHER");
        assertThat(all.get(2).getParentSpanId()).isEqualTo("0000000000000000");
    }

    @Test
    void tracingOffRelaysTheParamsAsTheyCameAndRunsTheNotificationAlone() throws Exception {
        ObjectNode params = sampling();
        List<ObjectNode> sent = new ArrayList<>();
        Tracing.OFF.relayed("sampling/createMessage", params, call, "u", p -> {
            sent.add(p);
            return Json.object();
        });
        int[] ran = {0};
        Tracing.OFF.notification("notifications/cancelled", Json.object(), Origin.NONE, "2025-11-25", () -> ran[0]++);
        assertThat(sent).containsExactly(params);
        assertThat(ran[0]).isEqualTo(1);
        assertThat(spans.getFinishedSpanItems()).isEmpty();
    }
}
