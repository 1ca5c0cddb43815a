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
import tools.jackson.databind.node.ObjectNode;

/**
 * #18 item 2 (leftover), traces received for real, as {@link TracingIT} does (the gateway in its own
 * process exporting over OTLP/HTTP to {@link OtlpReceiver}): a server-to-client request that a real
 * upstream (server-everything's {@code trigger-sampling-request}, stdio) makes during a call is relayed
 * to the client under a CLIENT span {@code sampling/createMessage}, in the call's trace (continued
 * from the client's {@code _meta}), a child of the upstream call's span, its context reaching the
 * client in the relayed request's {@code _meta}, ending at the client's answer; a client's
 * notification ({@code notifications/roots/list_changed}, {@code notifications/cancelled}) is a
 * SERVER span continued from its {@code _meta} or its HTTP header. Session 9: a progress notification the
 * upstream sends during a call is a SERVER span of the call's trace under the upstream call's span, whose
 * context reaches the client in the relayed notification's {@code _meta}; the {@code roots/list} the
 * upstream asks at connect is a SERVER span; a 2026-07-28 notification, and a notification in a 2025-03-26
 * batch, is continued from its HTTP header, and from its {@code _meta} when it has both. Session 10: the
 * upstream's {@code sampling/createMessage} is a SERVER span when it arrives, the relay's CLIENT span its child.
 */
class TracingRelayIT {
    private static final String PARENT = "00f067aa0ba902b7";
    private static OtlpReceiver receiver;
    private static GatewayProcess gateway;
    private static WireClient client;

    @BeforeAll
    static void start() throws Exception {
        receiver = OtlpReceiver.start();
        Path work = Peers.workDir(TracingRelayIT.class);
        gateway = GatewayProcess.start("""
                upstreams:
                  everything:
                    command: %s
                tracing:
                  enabled: true
                  endpoint: %s
                  sampling: 1.0
                """.formatted(TestGateway.list(NpmPeers.everything()), receiver.url()), work,
                Map.of("OTEL_BSP_SCHEDULE_DELAY", "100"))
                .awaitTools("everything__trigger-sampling-request");
        client = new WireClient(URI.create(gateway.url()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void aRelayedSamplingRequestIsAClientSpanOfTheCallsTraceUnderTheUpstreamCall() throws Exception {
        String trace = "5bf92f3577b34da6a3ce929d0e0e4736";
        ObjectNode caps = Json.object();
        caps.putObject("sampling");
        LegacySession s = LegacySession.open(client, "2025-11-25", caps);
        ObjectNode p = Json.object().put("name", "everything__trigger-sampling-request");
        p.putObject("arguments").put("prompt", "traced");
        p.putObject("_meta").put("traceparent", "00-" + trace + "-" + PARENT + "-01");
        String relayedTp;
        try (SseStream stream = s.stream(s.message("tools/call", p))) {
            ObjectNode asked = stream.nextMessage();
            assertThat(asked.path("method").asString()).isEqualTo("sampling/createMessage");
            relayedTp = asked.path("params").path("_meta").path("traceparent").asString();
            ObjectNode answer = Json.object().put("role", "assistant").put("model", "m");
            answer.putObject("content").put("type", "text").put("text", "sampled under a span");
            assertThat(s.respond(asked.path("id"), answer).status()).isEqualTo(202);
            assertThat(stream.nextMessage().path("result").path("content").get(0).path("text").asString()).contains("sampled under a span");
        }
        Eventually.eventually(Duration.ofSeconds(20), () -> assertThat(receiver.trace(trace))
                .anySatisfy(x -> assertThat(x.kind()).isEqualTo(SpanKind.SPAN_KIND_SERVER))
                .filteredOn(x -> x.name().equals("sampling/createMessage")).hasSize(2));
        List<OtlpReceiver.Received> spans = receiver.trace(trace);
        OtlpReceiver.Received relay = spans.stream().filter(x -> x.name().equals("sampling/createMessage")
                && x.kind() == SpanKind.SPAN_KIND_CLIENT).findFirst().orElseThrow();
        OtlpReceiver.Received arrived = spans.stream().filter(x -> x.name().equals("sampling/createMessage")
                && x.kind() == SpanKind.SPAN_KIND_SERVER).findFirst().orElseThrow();
        OtlpReceiver.Received upstreamCall = spans.stream().filter(x -> x.kind() == SpanKind.SPAN_KIND_CLIENT
                && x.name().equals("tools/call everything__trigger-sampling-request")).findFirst().orElseThrow();
        // session 10: the upstream's request is a SERVER span when it arrives (under the upstream call: server-everything
        // sends no _meta context), the relay to the client its CLIENT child
        assertThat(arrived.parentSpanId()).isEqualTo(upstreamCall.spanId());
        assertThat(arrived.attribute("portcullis.upstream")).isEqualTo("everything");
        assertThat(relay.parentSpanId()).isEqualTo(arrived.spanId());
        assertThat(relay.attribute("mcp.method.name")).isEqualTo("sampling/createMessage");
        assertThat(relay.attribute("portcullis.upstream")).isEqualTo("everything");
        // the client got the relay span's context, so its own work joins the same trace
        assertThat(relayedTp).isEqualTo("00-" + trace + "-" + relay.spanId() + "-01");
    }

    @Test
    void aClientsNotificationIsAServerSpanContinuedFromItsMetaOrHeader() {
        String fromMeta = "6bf92f3577b34da6a3ce929d0e0e4736";
        String fromHeader = "7bf92f3577b34da6a3ce929d0e0e4736";
        LegacySession s = LegacySession.open(client, "2025-11-25");
        ObjectNode params = Json.object();
        params.putObject("_meta").put("traceparent", "00-" + fromMeta + "-" + PARENT + "-01");
        assertThat(s.notify("notifications/roots/list_changed", params).status()).isEqualTo(202);
        assertThat(s.post(io.portcullis.protocol.Message.notification("notifications/cancelled", Json.object().put("requestId", 99)),
                "traceparent", "00-" + fromHeader + "-" + PARENT + "-01").status()).isEqualTo(202);
        String[][] expected = {{fromMeta, "notifications/roots/list_changed"}, {fromHeader, "notifications/cancelled"}};
        for (String[] e : expected) {
            Eventually.eventually(Duration.ofSeconds(60), () -> assertThat(receiver.trace(e[0]))
                    .as("spans received: %s", receiver.spans.stream().map(x -> x.traceId() + " " + x.name()).toList()).isNotEmpty());
            assertThat(receiver.trace(e[0])).singleElement().satisfies(x -> {
                assertThat(x.kind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
                assertThat(x.name()).isEqualTo(e[1]);
                assertThat(x.parentSpanId()).isEqualTo(PARENT);
                assertThat(x.attribute("mcp.method.name")).isEqualTo(e[1]);
            });
        }
    }

    @Test
    void aProgressNotificationFromTheUpstreamIsAServerSpanOfTheCallsTraceAndTheClientGetsItsContext() throws Exception {
        String trace = "8bf92f3577b34da6a3ce929d0e0e4736";
        LegacySession s = LegacySession.open(client, "2025-11-25");
        ObjectNode p = Json.object().put("name", "everything__trigger-long-running-operation");
        p.putObject("arguments").put("duration", 0.2).put("steps", 2);
        p.putObject("_meta").put("progressToken", 77).put("traceparent", "00-" + trace + "-" + PARENT + "-01");
        List<tools.jackson.databind.JsonNode> all;
        try (SseStream stream = s.stream(s.message("tools/call", p))) {
            // server-everything logs "Roots updated" when its first roots/list is answered, which can fall
            // within this call (the upstream session starts with it): a log message, not what is tested here
            all = StreamingIT.drain(stream).stream().filter(m -> !"notifications/message".equals(m.path("method").asString())).toList();
        }
        assertThat(all).hasSize(3);
        tools.jackson.databind.JsonNode progress = all.getFirst();
        assertThat(progress.path("method").asString()).isEqualTo("notifications/progress");
        assertThat(progress.path("params").path("progressToken").asInt()).isEqualTo(77);
        String tp = progress.path("params").path("_meta").path("traceparent").asString();
        Eventually.eventually(Duration.ofSeconds(20), () -> assertThat(receiver.trace(trace))
                .filteredOn(x -> x.name().equals("notifications/progress")).hasSize(2));
        List<OtlpReceiver.Received> spans = receiver.trace(trace);
        OtlpReceiver.Received upstreamCall = spans.stream().filter(x -> x.kind() == SpanKind.SPAN_KIND_CLIENT
                && x.name().equals("tools/call everything__trigger-long-running-operation")).findFirst().orElseThrow();
        assertThat(spans).filteredOn(x -> x.name().equals("notifications/progress")).allSatisfy(x -> {
            assertThat(x.kind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
            assertThat(x.parentSpanId()).isEqualTo(upstreamCall.spanId());
            assertThat(x.attribute("mcp.method.name")).isEqualTo("notifications/progress");
            assertThat(x.attribute("portcullis.upstream")).isEqualTo("everything");
        });
        assertThat(spans).filteredOn(x -> tp.equals("00-" + trace + "-" + x.spanId() + "-01")).singleElement()
                .satisfies(x -> assertThat(x.name()).isEqualTo("notifications/progress"));
    }

    @Test
    void theRootsListTheUpstreamAsksIsAServerSpan() {
        // server-everything asks roots/list once connected (the gateway declares roots): answered from config
        Eventually.eventually(Duration.ofSeconds(30), () -> assertThat(receiver.spans)
                .as("spans received: %s", receiver.spans.stream().map(OtlpReceiver.Received::name).toList())
                .anySatisfy(x -> {
                    assertThat(x.name()).isEqualTo("roots/list");
                    assertThat(x.kind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
                    assertThat(x.attribute("portcullis.upstream")).isEqualTo("everything");
                }));
    }

    @Test
    void aModernNotificationIsContinuedFromItsHeaderAndFromMetaWhenItHasBoth() {
        String fromHeader = "9bf92f3577b34da6a3ce929d0e0e4736";
        String fromMeta = "abf92f3577b34da6a3ce929d0e0e4736";
        String ignoredHeader = "bbf92f3577b34da6a3ce929d0e0e4736";
        assertThat(modernNotification(null, fromHeader).status()).isEqualTo(202);
        assertThat(modernNotification(fromMeta, ignoredHeader).status()).isEqualTo(202);
        for (String t : List.of(fromHeader, fromMeta)) {
            Eventually.eventually(Duration.ofSeconds(30), () -> assertThat(receiver.trace(t)).singleElement().satisfies(x -> {
                assertThat(x.kind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
                assertThat(x.name()).isEqualTo("notifications/cancelled");
                assertThat(x.parentSpanId()).isEqualTo(PARENT);
            }));
        }
        assertThat(receiver.trace(ignoredHeader)).isEmpty();
    }

    @Test
    void aBatchedNotificationIsContinuedFromTheHeaderOfItsPost() {
        String fromHeader = "cbf92f3577b34da6a3ce929d0e0e4736";
        LegacySession s = LegacySession.open(client, "2025-03-26");
        WireReply r = client.post("[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":97}}]",
                s.headers("traceparent", "00-" + fromHeader + "-" + PARENT + "-01"));
        assertThat(r.status()).isEqualTo(202);
        Eventually.eventually(Duration.ofSeconds(30), () -> assertThat(receiver.trace(fromHeader)).singleElement().satisfies(x -> {
            assertThat(x.kind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
            assertThat(x.name()).isEqualTo("notifications/cancelled");
            assertThat(x.parentSpanId()).isEqualTo(PARENT);
        }));
    }

    /** A 2026-07-28 notification (the envelope in _meta, no session) with the trace context in _meta and/or the header. */
    private static WireReply modernNotification(String metaTrace, String headerTrace) {
        ObjectNode p = Json.object().put("requestId", 98);
        ObjectNode meta = p.putObject("_meta");
        meta.put("io.modelcontextprotocol/protocolVersion", ModernRequests.VERSION);
        meta.putObject("io.modelcontextprotocol/clientCapabilities");
        meta.putObject("io.modelcontextprotocol/clientInfo").put("name", "portcullis-it").put("version", "1");
        if (metaTrace != null) {
            meta.put("traceparent", "00-" + metaTrace + "-" + PARENT + "-01");
        }
        return client.post(Json.write(io.portcullis.protocol.Message.notification("notifications/cancelled", p)),
                "MCP-Protocol-Version", ModernRequests.VERSION, "Mcp-Method", "notifications/cancelled",
                "traceparent", "00-" + headerTrace + "-" + PARENT + "-01");
    }
}
