package io.portcullis.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.portcullis.call.CallContext;
import io.portcullis.call.CallTrail;
import io.portcullis.call.Relay;
import io.portcullis.call.Stage;
import io.portcullis.identity.Principal;
import io.portcullis.pipeline.Pipeline;
import io.portcullis.protocol.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;

/**
 * #18 item 3 "Structured logs with the trace and span ids": the gateway's own log configurations
 * ({@code logback.xml}, the text lines, and {@code logback-json.xml}, PORTCULLIS_LOG_FORMAT=json) are
 * loaded as shipped; a line logged during a traced call carries the trace id and the span id of the
 * call's SERVER span as the exporter received it, and a line logged outside a call carries none.
 */
class LogLineTraceIdsTest {
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
            .setSampler(Sampler.alwaysOn()).addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
    private final PrintStream err = System.err;

    @AfterEach
    void close() {
        System.setErr(err);
        sdk.close();
    }

    /** Logs "inside" during a traced tools/call and "outside" after it, through {@code config}; returns the two lines. */
    private List<String> lines(String config) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(MDC.getMDCAdapter()); // the MDC the gateway's Tracing writes
        JoranConfigurator jc = new JoranConfigurator();
        jc.setContext(ctx);
        jc.doConfigure(getClass().getResource("/" + config));
        Logger log = ctx.getLogger("portcullis.calls");
        try {
            Stage upstream = (call, next) -> {
                log.info("inside");
                return Json.object();
            };
            new Pipeline("tools/call", List.of(), upstream, Tracing.of(sdk)).call(new CallContext(CallContext.newCallId(),
                    Principal.anonymous("default", "c"), "default", "s-1", "2025-11-25", "echo", Json.object().put("name", "echo"),
                    null, Relay.NONE, Instant.now(), new CallTrail()));
            log.info("outside");
        } finally {
            ctx.stop();
            System.setErr(err);
        }
        // this test's logger's lines only: other tests' background threads (a store refresher, say) may log
        // to the same stderr while it runs
        return out.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("\"logger_name\":\"portcullis.calls\"") || l.matches("\\S+ INFO  calls .*"))
                .toList();
    }

    private SpanData server() {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
    }

    @Test
    void theTextLogLineCarriesTheServerSpansIds() throws Exception {
        List<String> lines = lines("logback.xml");
        SpanData server = server();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("\\S+ INFO  calls trace_id=[0-9a-f]{32} span_id=[0-9a-f]{16} inside")
                .contains("trace_id=" + server.getTraceId() + " span_id=" + server.getSpanId() + " ");
        assertThat(lines.get(1)).matches("\\S+ INFO  calls outside").doesNotContain("trace_id");
    }

    @Test
    void theJsonLogLineCarriesTheServerSpansIds() throws Exception {
        List<String> lines = lines("logback-json.xml");
        SpanData server = server();
        assertThat(lines).hasSize(2);
        JsonNode inside = Json.parse(lines.get(0));
        assertThat(inside.path("message").asString()).isEqualTo("inside");
        assertThat(inside.path("trace_id").asString()).isEqualTo(server.getTraceId());
        assertThat(inside.path("span_id").asString()).isEqualTo(server.getSpanId());
        JsonNode outside = Json.parse(lines.get(1));
        assertThat(outside.has("trace_id")).isFalse();
        assertThat(outside.has("span_id")).isFalse();
    }
}
