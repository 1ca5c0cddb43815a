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
import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.CallTrail;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Origin;
import io.portcullis.call.Relay;
import io.portcullis.call.Stage;
import io.portcullis.identity.Principal;
import io.portcullis.pipeline.Pipeline;
import io.portcullis.protocol.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import tools.jackson.databind.node.ObjectNode;

/**
 * #18 items 2, 3 with the SDK's in-memory exporter: one SERVER span per call continued from the
 * client's traceparent (_meta first, then the HTTP header), a span per stage, a CLIENT span for the
 * upstream call whose context is what goes upstream; hostile trace contexts start a new trace;
 * tracing off makes no span; the trace and span ids are on the trail and in the log MDC.
 */
class TracingTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00f067aa0ba902b7";
    private static final String TP = "00-" + TRACE + "-" + PARENT + "-01";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final List<OpenTelemetrySdk> sdks = new ArrayList<>();

    @AfterEach
    void close() {
        sdks.forEach(OpenTelemetrySdk::close);
    }

    private Tracing tracing(Sampler sampler) {
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .setSampler(sampler).addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
        sdks.add(sdk);
        return Tracing.of(sdk);
    }

    /** What the upstream was sent: the trace context as headers and the params' _meta, and the log MDC then. */
    private record Sent(Map<String, String> headers, ObjectNode params, String mdcTrace, String mdcSpan) {}

    private static Stage stage(String name) {
        return new Stage() {
            @Override
            public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
                return next.handle(call);
            }

            @Override
            public String name() {
                return name;
            }
        };
    }

    /** A last stage like UpstreamCall: it sends the current trace context upstream. */
    private static Stage upstream(List<Sent> sent) {
        return new Stage() {
            @Override
            public ObjectNode handle(CallContext call, CallHandler next) {
                Map<String, String> trace = TraceContext.current();
                sent.add(new Sent(trace, TraceContext.withMeta(call.params(), trace), MDC.get("trace_id"), MDC.get("span_id")));
                return Json.object().put("ok", true);
            }

            @Override
            public String name() {
                return "upstream";
            }
        };
    }

    private static CallContext call(ObjectNode meta, Origin origin) {
        ObjectNode params = Json.object().put("name", "echo");
        params.putObject("arguments").put("text", "hi");
        if (meta != null) {
            params.set("_meta", meta);
        }
        return new CallContext(CallContext.newCallId(), Principal.anonymous("default", "c"), "default", "s-1", "2025-11-25",
                "echo", params, null, Relay.NONE, Instant.now(), new CallTrail(), origin);
    }

    @Test
    void oneTraceContinuedFromMetaWithASpanPerStageAndAClientSpanWhoseContextGoesUpstream() throws Exception {
        List<Sent> sent = new ArrayList<>();
        Pipeline p = new Pipeline("tools/call", List.of(stage("policy"), stage("audit")), upstream(sent), tracing(Sampler.alwaysOn()));
        CallContext c = call(Json.object().put("traceparent", TP).put("tracestate", "vendor=x"), Origin.NONE);
        p.call(c);

        List<SpanData> all = spans.getFinishedSpanItems();
        assertThat(all).extracting(SpanData::getName).containsExactlyInAnyOrder("tools/call echo", "policy", "audit", "tools/call echo");
        assertThat(all).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(TRACE));
        SpanData server = all.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        SpanData policy = all.stream().filter(s -> s.getName().equals("policy")).findFirst().orElseThrow();
        SpanData audit = all.stream().filter(s -> s.getName().equals("audit")).findFirst().orElseThrow();
        SpanData client = all.stream().filter(s -> s.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();
        assertThat(server.getParentSpanId()).isEqualTo(PARENT);
        assertThat(server.getAttributes().get(AttributeKey.stringKey("mcp.method.name"))).isEqualTo("tools/call");
        assertThat(server.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.name"))).isEqualTo("echo");
        assertThat(server.getAttributes().get(AttributeKey.stringKey("mcp.protocol.version"))).isEqualTo("2025-11-25");
        // each stage wraps the rest of the chain: its span is the parent of the next one's
        assertThat(policy.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(audit.getParentSpanId()).isEqualTo(policy.getSpanId());
        assertThat(client.getParentSpanId()).isEqualTo(audit.getSpanId());

        Sent up = sent.getFirst();
        String expected = "00-" + TRACE + "-" + client.getSpanId() + "-01";
        assertThat(up.headers()).containsEntry("traceparent", expected).containsEntry("tracestate", "vendor=x");
        assertThat(up.params().path("_meta").path("traceparent").asString()).isEqualTo(expected);
        // the client's own params are not changed
        assertThat(c.params().path("_meta").path("traceparent").asString()).isEqualTo(TP);
        assertThat(up.params().path("arguments").path("text").asString()).isEqualTo("hi");
        // #18 item 3: the log MDC and the trail (the audit record's trace id) carry the server span's ids
        assertThat(up.mdcTrace()).isEqualTo(TRACE);
        assertThat(up.mdcSpan()).isEqualTo(server.getSpanId());
        assertThat(c.trail().traceId()).isEqualTo(TRACE);
        assertThat(c.trail().spanId()).isEqualTo(server.getSpanId());
        assertThat(c.trail().sampled()).isTrue(); // session 10: the audit record indexes it
        assertThat(MDC.get("trace_id")).isNull();
    }

    @Test
    void theHttpHeaderIsContinuedWhenMetaHasNone() throws Exception {
        Pipeline p = new Pipeline("tools/call", List.of(stage("policy")), upstream(new ArrayList<>()), tracing(Sampler.alwaysOn()));
        CallContext c = call(null, Origin.http("127.0.0.1:1", TP, null));
        p.call(c);
        assertThat(spans.getFinishedSpanItems()).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(TRACE));
    }

    @Test
    void hostileTraceparentsAreIgnoredAndStartANewTrace() throws Exception {
        Pipeline p = new Pipeline("tools/call", List.of(stage("policy")), upstream(new ArrayList<>()), tracing(Sampler.alwaysOn()));
        List<String> hostile = List.of("garbage", "00-" + TRACE + "-" + PARENT + "-01" + "-" + "a".repeat(300),
                "00-" + TRACE + "\r\n-" + PARENT + "-01", "00-" + TRACE.toUpperCase() + "-" + PARENT + "-01",
                "00-00000000000000000000000000000000-" + PARENT + "-01", "ff-" + TRACE + "-" + PARENT + "-01",
                "00-" + TRACE + "-" + PARENT + "-01\u202e", "");
        for (String tp : hostile) {
            spans.reset();
            CallContext c = call(Json.object().put("traceparent", tp).put("tracestate", "x=\n\u0000"), Origin.NONE);
            p.call(c);
            SpanData server = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
            assertThat(server.getTraceId()).as(tp).isNotEqualTo(TRACE).matches("[0-9a-f]{32}");
            assertThat(server.getParentSpanContext().isValid()).as(tp).isFalse();
            assertThat(server.getSpanContext().getTraceState().isEmpty()).isTrue();
            assertThat(c.trail().traceId()).isEqualTo(server.getTraceId());
        }
        // a non-string traceparent in _meta is not read either
        spans.reset();
        ObjectNode meta = Json.object();
        meta.putObject("traceparent").put("x", TP);
        p.call(call(meta, Origin.NONE));
        assertThat(spans.getFinishedSpanItems()).allSatisfy(s -> assertThat(s.getTraceId()).isNotEqualTo(TRACE));
    }

    @Test
    void aRefusalMarksTheSpansWithTheControlAndStillEndsThem() {
        Stage refuse = new Stage() {
            @Override
            public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
                throw new GatewayException.Refused("policy", "denied by rule r1");
            }

            @Override
            public String name() {
                return "policy";
            }
        };
        List<Sent> sent = new ArrayList<>();
        Pipeline p = new Pipeline("tools/call", List.of(stage("audit"), refuse), upstream(sent), tracing(Sampler.alwaysOn()));
        assertThatThrownBy(() -> p.call(call(null, Origin.NONE))).isInstanceOf(GatewayException.Refused.class);
        List<SpanData> all = spans.getFinishedSpanItems();
        assertThat(all).extracting(SpanData::getName).containsExactlyInAnyOrder("tools/call echo", "audit", "policy");
        assertThat(all).allSatisfy(s -> {
            assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(s.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("policy");
        });
        assertThat(sent).isEmpty();
        assertThat(MDC.get("trace_id")).isNull();
    }

    @Test
    void offMakesNoSpanAndSendsNoContextOfItsOwn() throws Exception {
        List<Sent> sent = new ArrayList<>();
        Pipeline p = new Pipeline("tools/call", List.of(stage("policy")), upstream(sent), Tracing.OFF);
        CallContext c = call(Json.object().put("traceparent", TP), Origin.NONE);
        p.call(c);
        assertThat(spans.getFinishedSpanItems()).isEmpty();
        assertThat(sent.getFirst().headers()).isEmpty();
        // the client's _meta goes upstream as it came (unchanged behaviour when off)
        assertThat(sent.getFirst().params()).isSameAs(c.params());
        assertThat(c.trail().traceId()).isNull();
        assertThat(sent.getFirst().mdcTrace()).isNull();
    }

    @Test
    void anUnsampledCallRunsThePlainChainButStillPropagatesAndRecordsItsTraceId() throws Exception {
        List<Sent> sent = new ArrayList<>();
        Pipeline p = new Pipeline("tools/call", List.of(stage("policy")), upstream(sent), tracing(Sampler.parentBased(Sampler.alwaysOff())));
        CallContext c = call(null, Origin.NONE);
        p.call(c);
        assertThat(spans.getFinishedSpanItems()).isEmpty();
        assertThat(c.trail().traceId()).matches("[0-9a-f]{32}");
        assertThat(c.trail().sampled()).isFalse(); // session 10: the audit record keeps it out of the index
        // not sampled: the flags' low bit is clear (02 is the W3C level 2 "random trace id" flag)
        assertThat(sent.getFirst().headers().get("traceparent")).matches("00-" + c.trail().traceId() + "-" + c.trail().spanId() + "-0[02]");
        // a client's sampled flag is followed (parent-based)
        spans.reset();
        p.call(call(Json.object().put("traceparent", TP), Origin.NONE));
        assertThat(spans.getFinishedSpanItems()).hasSize(3);
    }

    @Test
    void aHostileToolNameNeverBecomesTheSpanName() throws Exception {
        Pipeline p = new Pipeline("tools/call", List.of(), upstream(new ArrayList<>()), tracing(Sampler.alwaysOn()));
        ObjectNode params = Json.object().put("name", "x\r\nforged");
        CallContext c = new CallContext(CallContext.newCallId(), Principal.anonymous("default", "c"), "default", null, "2025-11-25",
                "x\r\nforged" + "y".repeat(400), params, null, Relay.NONE, Instant.now(), new CallTrail(), Origin.NONE);
        p.call(c);
        assertThat(spans.getFinishedSpanItems()).extracting(SpanData::getName).containsOnly("tools/call");
        assertThat(spans.getFinishedSpanItems().getFirst().getAttributes().get(AttributeKey.stringKey("gen_ai.tool.name"))).hasSize(256);
    }

    @Test
    void theSectionBecomesSdkDefaultsThatOtelVariablesOverride() {
        Map<String, String> d = Tracing.Sdk.defaults(new TracingConfig(true, "http://127.0.0.1:4318", 0.01, "gw"));
        assertThat(d).containsEntry("otel.exporter.otlp.endpoint", "http://127.0.0.1:4318")
                .containsEntry("otel.exporter.otlp.protocol", "http/protobuf")
                .containsEntry("otel.traces.sampler", "parentbased_traceidratio")
                .containsEntry("otel.traces.sampler.arg", "0.01")
                .containsEntry("otel.service.name", "gw")
                .containsEntry("otel.metrics.exporter", "none");
        assertThat(Tracing.of(TracingConfig.OFF)).isSameAs(Tracing.OFF);
        assertThat(Tracing.OFF.on()).isFalse();
    }
}
