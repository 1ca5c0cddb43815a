package io.portcullis.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.JvmPeers;
import io.portcullis.it.LegacySession;
import io.portcullis.it.TestGateway;
import io.portcullis.it.WireClient;
import io.portcullis.it.WireReply;
import io.portcullis.protocol.ErrorCodes;
import io.portcullis.protocol.Json;
import org.junit.jupiter.api.Test;

/**
 * Issue #11 item 5, the attack as reported, with a config today's main accepts (a catalog that
 * lists tools only): in prod, {@code resources/read} of a {@code secret://} resource returned the
 * password, and {@code prompts/get} served a prompt nobody listed. Unlisted resources and prompts
 * are now hidden and refused like unlisted tools. The full admission is in
 * {@link Hardening05PrimitiveAdmissionIT}.
 */
class Hardening05UnlistedResourceIT {

    /** The attack as reported, with a config today's main accepts: a catalog listing tools only. */
    @Test
    void item5_anUnlistedSecretResourceIsNotServedInProd() throws Exception {
        try (TestGateway tools = TestGateway.start("""
                environments:
                  - dev
                  - name: prod
                    production: true
                upstreams:
                  vault:
                    command: %s
                catalog:
                  unlisted: hide
                  tools:
                    vault__echo: {owner: security, purpose: Connectivity check., risk: read_only}
                """.formatted(TestGateway.list(JvmPeers.testMain(ItemServer.class, "--name", "vault"))))) {
            LegacySession s = LegacySession.open(new WireClient(tools.url("prod")), "2025-11-25");
            assertThat(s.request("resources/list", null).path("result").path("resources")).isEmpty();
            assertThat(s.request("prompts/list", null).path("result").path("prompts")).isEmpty();
            WireReply r = s.post(s.message("resources/read", Json.object().put("uri", "secret://db/password")));
            assertThat(r.body()).doesNotContain("hunter2");
            assertRefused(r, "catalog");
            assertRefused(s.post(s.message("prompts/get", Json.object().put("name", "vault__leak"))), "catalog");
        }
    }

    private static void assertRefused(WireReply r, String control) {
        // #12 item 6: a control's refusal has its own code, not -32001 ("Session not found")
        assertThat(r.errorCode()).as(r.body()).isEqualTo(ErrorCodes.CONTROL_REFUSED).isEqualTo(-32004);
        assertThat(r.message().path("error").path("data").path("control").asString()).as(r.body()).isEqualTo(control);
        assertThat(r.body()).doesNotContain("hunter2");
    }
}
