package io.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.call.CallContext;
import io.portcullis.call.CallTrail;
import io.portcullis.call.Origin;
import io.portcullis.call.Relay;
import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import io.portcullis.redact.Sanitizer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** #18 items 2, 3: with tracing on, the audit record's trace id is the OTel trace id on the trail; off, the client's. */
class RequestContextTraceTest {
    private static final String CLIENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static CallContext call(String tp) {
        return new CallContext("c1", Principal.anonymous("default", "c"), "default", null, "2025-11-25", "echo",
                Json.object().put("name", "echo"), null, Relay.NONE, Instant.now(), new CallTrail(), Origin.http("127.0.0.1:1", tp, null));
    }

    private static ObjectNode written(CallContext c) {
        ObjectNode req = Json.object();
        RequestContext.of(c, Sanitizer.forRecords(List.of(), 100)).write(req);
        return req;
    }

    @Test
    void offTheClientsTraceIdIsRecorded() {
        assertThat(written(call(CLIENT)).path("trace_id").asString()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(written(call("garbage")).has("trace_id")).isFalse();
    }

    @Test
    void onTheOtelTraceIdIsRecordedAndFindsTheRequest() {
        CallContext c = call("garbage\u0000");
        c.trail().trace("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331");
        assertThat(written(c).path("trace_id").asString()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(RequestContext.of(c, Sanitizer.forRecords(List.of(), 100)).requestId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        CallContext continued = call(CLIENT);
        continued.trail().trace("4bf92f3577b34da6a3ce929d0e0e4736", "b7ad6b7169203331");
        ObjectNode req = written(continued);
        assertThat(req.path("trace_id").asString()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(req.path("parent_id").asString()).isEqualTo("00f067aa0ba902b7");
    }
}
