package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditFixture.Kind;
import io.portcullis.call.CallContext;
import io.portcullis.call.Origin;
import io.portcullis.protocol.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * #18 (session 10): the indexed {@code trace_id} column is set only for a trace that can be found
 * somewhere: the call's span was sampled (exported), or the trace context came from the client
 * (header or {@code _meta}, sampled flag 0 or 1). A trace id the gateway made up for an unsampled
 * call is in the record's body as {@code request.log_trace_id} (the log lines carry it), not in
 * the column: no entry in {@code audit_records_trace}. The chain verifies either way.
 */
class TraceIdColumnTest {
    private static final String MADE = "0af7651916cd43dd8448eb211c80319c";
    private static final String CLIENT = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN = "b7ad6b7169203331";

    @TempDir
    Path dir;
    AuditFixture f;

    @BeforeEach
    void open() throws Exception {
        f = new AuditFixture(Kind.SQLITE, dir);
    }

    @AfterEach
    void close() throws Exception {
        f.close();
    }

    private CallContext call(Origin origin) {
        return AuditFixture.call("dev", "alice", AuditFixture.tool("crm__get", true), Json.object(), origin);
    }

    private String column(CallContext c) {
        return f.one("SELECT trace_id FROM audit_records WHERE call_id = '" + c.callId() + "' AND kind = 'call'");
    }

    private JsonNode body(CallContext c) {
        return Json.parse(f.one("SELECT body FROM audit_records WHERE call_id = '" + c.callId() + "' AND kind = 'call'")).path("record");
    }

    @Test
    void unsampledGatewayMadeTraceIdLeavesTheColumnNull() throws Exception {
        CallContext c = call(Origin.NONE);
        c.trail().trace(MADE, SPAN, false);
        f.run(c, x -> AuditFixture.text("ok"));
        assertThat(column(c)).isNull();
        JsonNode req = body(c).path("request");
        assertThat(req.has("trace_id")).isFalse();
        assertThat(req.path("log_trace_id").asString()).isEqualTo(MADE);
        assertThat(f.log.query().trace(MADE)).isEmpty();
        // what to search by instead: the call id, which the log line carries beside the trace id
        assertThat(f.log.query().search(new AuditQuery.Filter(null, null, null, null, null, null, "call", 10, c.callId())))
                .extracting(r -> r.path("request").path("log_trace_id").asString()).containsExactly(MADE);
        assertThat(f.verify().intact()).isTrue();
    }

    @Test
    void sampledGatewayMadeTraceIdIsIndexedAndFound() throws Exception {
        CallContext c = call(Origin.NONE);
        c.trail().trace(MADE, SPAN, true);
        f.run(c, x -> AuditFixture.text("ok"));
        assertThat(column(c)).isEqualTo(MADE);
        assertThat(body(c).path("request").has("log_trace_id")).isFalse();
        assertThat(f.log.query().trace(MADE)).hasSize(1);
        assertThat(f.verify().intact()).isTrue();
    }

    @Test
    void clientTraceparentIsIndexedWhetherSampledOrNot() throws Exception {
        CallContext unsampled = call(Origin.http("127.0.0.1:1", "00-" + CLIENT + "-00f067aa0ba902b7-00", null));
        unsampled.trail().trace(CLIENT, SPAN, false);
        f.run(unsampled, x -> AuditFixture.text("ok"));
        CallContext sampled = call(Origin.NONE);
        sampled.params().putObject("_meta").put("traceparent", "00-" + CLIENT + "-00f067aa0ba902b7-01");
        sampled.trail().trace(CLIENT, SPAN, true);
        f.run(sampled, x -> AuditFixture.text("ok"));
        CallContext off = call(Origin.http("127.0.0.1:1", "00-" + CLIENT + "-00f067aa0ba902b7-00", null));
        f.run(off, x -> AuditFixture.text("ok")); // tracing off: the client's trace id, as before
        assertThat(column(unsampled)).isEqualTo(CLIENT);
        assertThat(column(sampled)).isEqualTo(CLIENT);
        assertThat(column(off)).isEqualTo(CLIENT);
        assertThat(f.log.query().trace(CLIENT)).extracting(r -> r.path("call_id").asString())
                .containsExactly(unsampled.callId(), sampled.callId(), off.callId());
        assertThat(f.verify().intact()).isTrue();
    }

    @Test
    void noTracingAndNoClientContextLeavesBothOut() throws Exception {
        CallContext c = call(Origin.NONE);
        f.run(c, x -> AuditFixture.text("ok"));
        assertThat(column(c)).isNull();
        assertThat(body(c).path("request").has("log_trace_id")).isFalse();
    }
}
