package io.portcullis.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.GatewayExtension;
import io.portcullis.it.JvmPeers;
import io.portcullis.it.LegacySession;
import io.portcullis.it.TestGateway;
import io.portcullis.it.WireReply;
import io.portcullis.protocol.Json;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue #11 item 15 (part): a {@code params._meta} that is not an object ({@code "x"}, {@code 1},
 * {@code []}, {@code null}) used to be forwarded, and the call hung until the upstream's timeout.
 * It is -32602 at once, before any upstream sees it, for every method.
 */
class Hardening15NonObjectMetaIT {
    // a long upstream timeout: an answer that waited for it would fail the test's own HTTP timeout
    /** #12 item 7: the gateway of this class, started and stopped by the extension. */
    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.config(() -> """
                upstreams:
                  demo:
                    command: %s
                    timeout: 120s
                """.formatted(TestGateway.list(JvmPeers.demo()))).build();

    @ParameterizedTest
    @ValueSource(strings = {"\"x\"", "1", "[]", "null"})
    void item15_nonObjectMetaIsRefusedAtOnce(String meta) {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
        for (String method : new String[] {"tools/call", "tools/list", "prompts/get", "resources/read", "ping"}) {
            ObjectNode params = Json.object().put("name", "demo__echo").put("uri", "demo://x");
            params.putObject("arguments").put("message", "hi");
            params.set("_meta", Json.parse(meta));
            WireReply r = s.post(s.message(method, params));
            assertThat(r.status()).as(method).isEqualTo(200);
            assertThat(r.errorCode()).as(method + " with _meta " + meta + ": " + r.body()).isEqualTo(-32602);
            assertThat(r.message().path("error").path("message").asString()).contains("_meta", "object");
        }
    }
}
