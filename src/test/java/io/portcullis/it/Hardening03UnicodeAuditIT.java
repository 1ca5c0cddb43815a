package io.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.audit.AuditQuery;
import io.portcullis.audit.Verifier;
import io.portcullis.protocol.Json;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

/**
 * #11 item 3: one request must not break the audit log for everyone. A tool name, a user-request
 * id or an argument key holding a lone UTF-16 surrogate, or an argument JSON cannot carry back
 * ({@code 1e400}), is refused at ingress with a JSON-RPC error naming the value, over the wire of
 * the real gateway; nothing of it reaches the upstream or the audit log, and the log stays intact,
 * searchable and exportable with the ordinary calls around it.
 */
class Hardening03UnicodeAuditIT {
    /** #12 item 7: the gateway of this class, started and stopped by the extension. */
    @RegisterExtension
    static final GatewayExtension gw = GatewayExtension.config(() -> """
                upstreams:
                  demo:
                    command: %s
                """.formatted(TestGateway.list(JvmPeers.demo()))).build();

    /** The request text as a client sends it: {@code BAD} replaced by raw JSON (an escape or a number literal). */
    static String call(LegacySession s, String name, String args, String userRequestId) {
        ObjectNode params = Json.object().put("name", name);
        params.putObject("arguments").put("message", "ARGS");
        params.putObject("_meta").putObject("io.portcullis/userRequest").put("id", userRequestId);
        return Json.write(s.message("tools/call", params)).replace("{\"message\":\"ARGS\"}", args);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tool name", "user request id", "argument string", "argument key", "argument 1e400",
            "argument -1e400", "nested 1e999"})
    void item3_invalidUnicodeAndUnrepresentableNumbersAreRefusedAtIngress(String where) throws Exception {
        LegacySession s = LegacySession.open(gw.client(), "2025-11-25");
        String body = switch (where) {
            case "tool name" -> call(s, "demo__echoBAD", "{\"message\":\"hi\"}", "u-1").replace("BAD", "\\ud800");
            case "user request id" -> call(s, "demo__echo", "{\"message\":\"hi\"}", "u-BAD").replace("BAD", "\\udfff");
            case "argument string" -> call(s, "demo__echo", "{\"message\":\"a\\ud800b\"}", "u-2");
            case "argument key" -> call(s, "demo__echo", "{\"message\":\"hi\",\"k\\udc00\":1}", "u-3");
            case "argument 1e400" -> call(s, "demo__echo", "{\"message\":\"hi\",\"n\":1e400}", "u-4");
            case "argument -1e400" -> call(s, "demo__echo", "{\"message\":\"hi\",\"n\":-1e400}", "u-5");
            default -> call(s, "demo__echo", "{\"message\":\"hi\",\"deep\":[{\"n\":[1e999]}]}", "u-6");
        };
        int before = gw.gateway().audit().query().search(AuditQuery.Filter.all()).size();

        WireReply r = gw.client().post(body, s.headers());

        String message = r.json().path("error").path("message").asString();
        if (where.equals("argument key")) {
            // the JSON parser itself refuses a lone surrogate in a key: a parse error
            assertThat(r.errorCode()).as(r.toString()).isEqualTo(-32700);
        } else {
            assertThat(r.errorCode()).as(r.toString()).isEqualTo(-32602);
            assertThat(message).containsAnyOf("not valid Unicode", "too large to represent");
        }
        assertThat(r.body()).doesNotContain("Exception", "\tat ", "tools.jackson");
        // never reached the pipeline: no audit record was made for it, and the log is still whole
        assertThat(gw.gateway().audit().query().search(AuditQuery.Filter.all())).hasSize(before);

        // an ordinary call in the same session still works and is audited, and the log verifies
        ObjectNode ok = s.request("tools/call", Json.object().put("name", "demo__echo")
                .set("arguments", Json.object().put("message", "still fine")));
        assertThat(ok.path("result").path("content").path(0).path("text").asString()).isEqualTo("still fine");
        Verifier.Report v = gw.gateway().audit().verify();
        assertThat(v.problems()).isEmpty();
        List<String> lines = new java.util.ArrayList<>();
        gw.gateway().audit().query().export(AuditQuery.Filter.all(), lines::add);
        assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(Json.parse(l).path("kind").asString()).isNotEqualTo("unreadable"));
    }
}
