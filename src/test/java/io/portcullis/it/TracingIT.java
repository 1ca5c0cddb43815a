package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.portcullis.it.peers.GatewayProcess;
import io.portcullis.it.peers.Peers;
import io.portcullis.protocol.Json;
import io.portcullis.testing.Eventually;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #18 "traces received for real": the gateway (its own process, JSON logs) exports over OTLP/HTTP to
 * a receiver of the project's own ({@link OtlpReceiver}, protobuf decoded with the OTLP classes)
 * and calls an HTTP upstream of its own ({@link TraceUpstream}) that logs the traceparent it got.
 * One trace per call, continued from the client's {@code traceparent} (HTTP header, and {@code _meta}
 * for 2026-07-28), with the stage spans, continued into the upstream; a hostile traceparent starts a
 * new trace and never reaches the log raw. {@code OTEL_*} variables override the {@code tracing:} section.
 */
class TracingIT {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00f067aa0ba902b7";
    private static OtlpReceiver receiver;
    private static TraceUpstream upstream;
    private static GatewayProcess gateway;
    private static WireClient client;

    @BeforeAll
    static void start() throws Exception {
        receiver = OtlpReceiver.start();
        upstream = TraceUpstream.start();
        Path work = Peers.workDir(TracingIT.class);
        gateway = GatewayProcess.start("""
                upstreams:
                  traced:
                    url: %s
                tracing:
                  enabled: true
                  endpoint: %s
                  sampling: 1.0
                  service_name: from-yaml
                """.formatted(upstream.url(), receiver.url()), work,
                // the standard variables over the section: a short batch delay, and the service name
                Map.of("OTEL_BSP_SCHEDULE_DELAY", "100", "OTEL_SERVICE_NAME", "portcullis-it", "PORTCULLIS_LOG_FORMAT", "json"))
                .awaitTools("traced__trace_echo");
        client = new WireClient(URI.create(gateway.url()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    private static ObjectNode echo(ObjectNode meta) {
        ObjectNode p = Json.object().put("name", "traced__trace_echo");
        p.putObject("arguments");
        if (meta != null) {
            p.set("_meta", meta);
        }
        return p;
    }

    private static List<OtlpReceiver.Received> awaitTrace(String traceId, int atLeast) {
        // the server span ends last (after its children), so it may come in a later export
        Eventually.eventually(Duration.ofSeconds(20), () -> assertThat(receiver.trace(traceId)).hasSizeGreaterThanOrEqualTo(atLeast)
                .anySatisfy(x -> assertThat(x.kind()).isEqualTo(SpanKind.SPAN_KIND_SERVER))
                .anySatisfy(x -> assertThat(x.kind()).isEqualTo(SpanKind.SPAN_KIND_CLIENT)));
        return receiver.trace(traceId);
    }

    @Test
    void oneTracePerCallContinuedFromTheClientsHeaderWithStageSpansAndIntoTheUpstream() {
        LegacySession s = LegacySession.open(client, "2025-11-25");
        String tp = "00-" + TRACE + "-" + PARENT + "-01";
        WireReply r = s.post(s.message("tools/call", echo(null)), "traceparent", tp, "tracestate", "vendor=it");
        assertThat(r.status()).isEqualTo(200);
        JsonNode echoed = Json.parse(r.message().path("result").path("content").get(0).path("text").asString());

        List<OtlpReceiver.Received> spans = awaitTrace(TRACE, 3);
        OtlpReceiver.Received server = spans.stream().filter(x -> x.kind() == SpanKind.SPAN_KIND_SERVER).findFirst().orElseThrow();
        OtlpReceiver.Received out = spans.stream().filter(x -> x.kind() == SpanKind.SPAN_KIND_CLIENT).findFirst().orElseThrow();
        assertThat(server.name()).isEqualTo("tools/call traced__trace_echo");
        assertThat(server.parentSpanId()).isEqualTo(PARENT);
        assertThat(server.attribute("mcp.method.name")).isEqualTo("tools/call");
        assertThat(server.service()).isEqualTo("portcullis-it");
        // the stage spans: every control of the tools/call chain that ran, under the server span
        List<String> names = spans.stream().filter(x -> x.kind() == SpanKind.SPAN_KIND_INTERNAL).map(OtlpReceiver.Received::name).toList();
        assertThat(names).contains("call-log", "policy", "audit", "arguments");
        assertThat(spans).filteredOn(x -> x.kind() == SpanKind.SPAN_KIND_SERVER).hasSize(1);
        // into the upstream: the client span's context, as the HTTP header and in _meta, and the tracestate kept
        String sent = "00-" + TRACE + "-" + out.spanId() + "-01";
        assertThat(echoed.path("header").asString()).isEqualTo(sent);
        assertThat(echoed.path("meta").asString()).isEqualTo(sent);
        assertThat(upstream.arrivals).anySatisfy(a -> assertThat(a.tracestate()).isEqualTo("vendor=it"));
        // #18 item 3: the call's JSON log line carries the trace and the server span's id
        Eventually.eventually(Duration.ofSeconds(10), () -> assertThat(callLine(TRACE)).isNotNull());
        assertThat(callLine(TRACE).path("span_id").asString()).isEqualTo(server.spanId());
    }

    /**
     * #18 item 2: the requests that run no chain have a SERVER span each too, continued from the
     * client's header (initialize, tools/list, ping) or its _meta (a 2026-07-28 tools/list), named after
     * the method, with no stage or client span under it.
     */
    @Test
    void requestsThatRunNoChainHaveAServerSpanEachContinuedFromTheClient() {
        String[] traces = {"11111111111111111111111111111111", "22222222222222222222222222222222",
                "33333333333333333333333333333333", "44444444444444444444444444444444"};
        WireReply init = client.post(Json.write(LegacySession.initialize(0, "2025-11-25", Json.object())),
                "traceparent", "00-" + traces[0] + "-" + PARENT + "-01");
        assertThat(init.status()).isEqualTo(200);
        LegacySession s = LegacySession.open(client, "2025-11-25");
        assertThat(s.post(s.message("tools/list", Json.object()), "traceparent", "00-" + traces[1] + "-" + PARENT + "-01").status())
                .isEqualTo(200);
        assertThat(s.post(s.message("ping", Json.object()), "traceparent", "00-" + traces[2] + "-" + PARENT + "-01").status())
                .isEqualTo(200);
        ObjectNode params = Json.object();
        params.putObject("_meta").put("traceparent", "00-" + traces[3] + "-" + PARENT + "-01");
        assertThat(ModernRequests.post(client, ModernRequests.request(7, "tools/list", params)).status()).isEqualTo(200);
        String[] names = {"initialize", "tools/list", "ping", "tools/list"};
        for (int i = 0; i < traces.length; i++) {
            String trace = traces[i];
            Eventually.eventually(Duration.ofSeconds(20), () -> assertThat(receiver.trace(trace)).isNotEmpty());
            OtlpReceiver.Received span = receiver.trace(trace).getFirst();
            assertThat(receiver.trace(trace)).hasSize(1);
            assertThat(span.kind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
            assertThat(span.name()).isEqualTo(names[i]);
            assertThat(span.parentSpanId()).isEqualTo(PARENT);
            assertThat(span.attribute("mcp.method.name")).isEqualTo(names[i]);
        }
    }

    @Test
    void aModernClientsMetaTraceparentIsContinued() {
        String trace = "0af7651916cd43dd8448eb211c80319c";
        ObjectNode meta = Json.object().put("traceparent", "00-" + trace + "-b7ad6b7169203331-01");
        WireReply r = ModernRequests.post(client, ModernRequests.request(1, "tools/call", echo(meta)));
        assertThat(r.status()).isEqualTo(200);
        List<OtlpReceiver.Received> spans = awaitTrace(trace, 3);
        assertThat(spans).filteredOn(x -> x.kind() == SpanKind.SPAN_KIND_SERVER)
                .singleElement().satisfies(x -> assertThat(x.parentSpanId()).isEqualTo("b7ad6b7169203331"));
        JsonNode echoed = Json.parse(r.message().path("result").path("content").get(0).path("text").asString());
        assertThat(echoed.path("meta").asString()).startsWith("00-" + trace + "-").doesNotContain("b7ad6b7169203331");
    }

    @Test
    void aCallWithoutContextStartsItsOwnTraceAndTwoCallsAreTwoTraces() {
        LegacySession s = LegacySession.open(client, "2025-11-25");
        String first = traceOfCall(s, null);
        String second = traceOfCall(s, null);
        assertThat(first).isNotEqualTo(second);
        assertThat(awaitTrace(first, 3)).filteredOn(x -> x.kind() == SpanKind.SPAN_KIND_SERVER).hasSize(1);
        assertThat(awaitTrace(second, 3)).filteredOn(x -> x.kind() == SpanKind.SPAN_KIND_SERVER).hasSize(1);
    }

    @Test
    void hostileTraceparentsAreIgnoredNeverCrashAndNeverReachTheLogRaw() throws Exception {
        LegacySession s = LegacySession.open(client, "2025-11-25");
        String overlong = "00-" + TRACE + "-" + PARENT + "-01-" + "a".repeat(400);
        String forged = "00-" + TRACE + "-" + PARENT + "-01\r\n{\"level\":\"ERROR\",\"message\":\"forged\"}\u001b[31m\u202e";
        for (String hostile : List.of("garbage", overlong, forged, "00-" + TRACE + "-0000000000000000-01")) {
            String trace = traceOfCall(s, Json.object().put("traceparent", hostile).put("tracestate", "a=\u0000\n"));
            assertThat(trace).as(hostile).isNotEqualTo(TRACE).matches("[0-9a-f]{32}");
            assertThat(awaitTrace(trace, 3)).filteredOn(x -> x.kind() == SpanKind.SPAN_KIND_SERVER)
                    .singleElement().satisfies(x -> assertThat(x.parentSpanId()).isEmpty());
        }
        // the same hostile value as an HTTP header (what a header can carry: overlong, garbage)
        for (String hostile : List.of("garbage", overlong)) {
            WireReply r = s.post(s.message("tools/call", echo(null)), "traceparent", hostile);
            assertThat(r.status()).isEqualTo(200);
            String upstreamTp = Json.parse(r.message().path("result").path("content").get(0).path("text").asString()).path("header").asString();
            assertThat(upstreamTp).doesNotContain(TRACE).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[13]"); // sampled (03: W3C level 2 random id)
        }
        // every log line is one JSON object, and no raw control character or the forged line is in the log
        String log = gateway.log();
        assertThat(log).doesNotContain("\u001b").doesNotContain("\u202e").doesNotContain("\"message\":\"forged\"");
        for (String line : log.split("\n")) {
            if (line.startsWith("{")) {
                assertThat(Json.parse(line).isObject()).isTrue();
            }
        }
    }

    /** Calls trace_echo and returns the trace id the upstream received. */
    private static String traceOfCall(LegacySession s, ObjectNode meta) {
        WireReply r = s.post(s.message("tools/call", echo(meta)));
        assertThat(r.status()).isEqualTo(200);
        JsonNode echoed = Json.parse(r.message().path("result").path("content").get(0).path("text").asString());
        String header = echoed.path("header").asString();
        assertThat(echoed.path("meta").asString()).isEqualTo(header);
        return header.split("-")[1];
    }

    /** The gateway's JSON call-log line of the trace, or null. */
    private static JsonNode callLine(String traceId) {
        for (String line : gateway.log().split("\n")) {
            if (line.startsWith("{") && line.contains("\"portcullis.calls\"") && line.contains(traceId)) {
                JsonNode j = Json.parse(line);
                if (traceId.equals(j.path("trace_id").asString())) {
                    return j;
                }
            }
        }
        return null;
    }
}
