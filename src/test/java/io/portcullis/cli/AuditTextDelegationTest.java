package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.protocol.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * #16 item 4: {@code portcullis audit trace} shows the whole delegation of each call (who acted,
 * through which mode, as which upstream identity, the actor chain and the token's fingerprint),
 * never the token. The record's shape is the one {@code audit.CallRecords} writes
 * (UpstreamCredentialsIT checks those fields on a real call).
 */
class AuditTextDelegationTest {
    @Test
    void theTraceShowsEachCallsDelegation() {
        ObjectNode rec = Json.object().put("kind", "call").put("call_id", "c1").put("time", "2026-12-05T04:00:00Z");
        rec.putObject("tool").put("name", "crm__find").put("upstream", "crm");
        rec.putObject("principal").put("subject", "alice").put("kind", "user").put("auth_method", "jwt");
        rec.putObject("delegation").put("mode", "token_exchange").put("upstream", "crm").put("principal", "alice")
                .put("token_subject", "alice").put("token_audience", "https://crm.example.com/mcp").put("actor", "portcullis")
                .put("token_id", "jti-1").put("token_sha256_prefix", "0123456789ab");
        ObjectNode plain = Json.object().put("kind", "call").put("call_id", "c2").put("time", "2026-12-05T04:00:01Z");
        plain.putObject("tool").put("name", "weather__now").put("upstream", "weather");
        var buf = new ByteArrayOutputStream();
        AuditText.trace("4bf92f3577b34da6a3ce929d0e0e4736", List.of(rec, plain), new PrintStream(buf, true, StandardCharsets.UTF_8));
        String text = buf.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("      delegation: alice -> crm by token_exchange as alice, audience https://crm.example.com/mcp,"
                + " actor portcullis, jti jti-1, token sha256 0123456789ab...");
        assertThat(text.lines().filter(l -> l.contains("delegation:")).count()).as("only the call that had one").isEqualTo(1);
    }
}
