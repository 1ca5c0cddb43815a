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
import io.portcullis.call.Origin;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.ProtocolException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import tools.jackson.databind.node.ObjectNode;

/**
 * #18 item 2 "a server span per MCP request" for the requests that run no chain (initialize, ping,
 * the lists), with the SDK's in-memory exporter: one SERVER span each, continued from _meta then the
 * HTTP header, the MDC ids set while it runs (#18 item 3); a JSON-RPC error sets the span's error; a
 * method the client made up never names a span; tracing off runs the request with no span.
 */
class RequestSpansTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00f067aa0ba902b7";
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
            .setSampler(Sampler.alwaysOn()).addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
    private final Tracing tracing = Tracing.of(sdk);

    @AfterEach
    void close() {
        sdk.close();
    }

    @Test
    void aListIsOneServerSpanContinuedFromTheHeaderWithTheMdcIdsWhileItRuns() throws Exception {
        List<String> mdc = new ArrayList<>();
        ObjectNode answer = tracing.request("tools/list", Json.object(), Origin.http("127.0.0.1:5", "00-" + TRACE + "-" + PARENT + "-01", null),
                "2025-11-25", () -> {
                    mdc.add(MDC.get("trace_id"));
                    mdc.add(MDC.get("span_id"));
                    return Json.object().put("tools", 0);
                });
        assertThat(answer.path("tools").asInt()).isZero();
        SpanData span = spans.getFinishedSpanItems().getFirst();
        assertThat(spans.getFinishedSpanItems()).hasSize(1);
        assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(span.getName()).isEqualTo("tools/list");
        assertThat(span.getTraceId()).isEqualTo(TRACE);
        assertThat(span.getParentSpanId()).isEqualTo(PARENT);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("mcp.method.name"))).isEqualTo("tools/list");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("network.transport"))).isEqualTo("tcp");
        assertThat(mdc).containsExactly(TRACE, span.getSpanId());
        assertThat(MDC.get("trace_id")).isNull();
    }

    @Test
    void initializeIsContinuedFromMetaBeforeTheHeader() throws Exception {
        String other = "0af7651916cd43dd8448eb211c80319c";
        ObjectNode params = Json.object();
        params.putObject("_meta").put("traceparent", "00-" + other + "-b7ad6b7169203331-01");
        tracing.request("initialize", params, Origin.http("127.0.0.1:5", "00-" + TRACE + "-" + PARENT + "-01", null), "2025-11-25",
                Json::object);
        SpanData span = spans.getFinishedSpanItems().getFirst();
        assertThat(span.getName()).isEqualTo("initialize");
        assertThat(span.getTraceId()).isEqualTo(other);
    }

    @Test
    void aJsonRpcErrorIsTheSpansErrorAndAMadeUpMethodNeverNamesTheSpan() {
        assertThatThrownBy(() -> tracing.request("x\\r\\nforged/" + "y".repeat(300), Json.object(), Origin.NONE, "2025-11-25", () -> {
            throw new ProtocolException(-32601, "Method not found");
        })).isInstanceOf(ProtocolException.class);
        SpanData span = spans.getFinishedSpanItems().getFirst();
        assertThat(span.getName()).isEqualTo("mcp");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("mcp.method.name"))).isEqualTo("_OTHER");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("-32601");
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("network.transport"))).isEqualTo("pipe");
    }

    @Test
    void tracingOffRunsTheRequestWithNoSpanAndNoMdc() throws Exception {
        List<String> mdc = new ArrayList<>();
        Tracing.OFF.request("ping", Json.object(), Origin.NONE, "2025-11-25", () -> {
            mdc.add(String.valueOf(MDC.get("trace_id")));
            return Json.object();
        });
        assertThat(mdc).containsExactly("null");
        assertThat(spans.getFinishedSpanItems()).isEmpty();
    }
}
