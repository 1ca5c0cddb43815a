package io.portcullis.readiness;

import static io.portcullis.readiness.ReadinessTest.READY;
import static io.portcullis.readiness.ReadinessTest.line;
import static io.portcullis.readiness.ReadinessTest.replace;
import static io.portcullis.readiness.ReadinessTest.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.readiness.Report.Line;
import io.portcullis.readiness.Report.Status;
import org.junit.jupiter.api.Test;

/**
 * #16 item 1: C1.2 no longer passes merely because no static header is configured. It passes when
 * every HTTP upstream serving tools declares a per-user mode, a service credential (service
 * principals only) or none, and it shows the explicit exceptions with their reasons.
 */
class CredentialsReadinessTest {

    /** READY with an HTTP upstream crm (tool crm__lookup enabled) whose upstream entry ends with {@code extra}. */
    static String withCrm(String extra) {
        return replace(replace(READY, "  tickets: {command: [\"true\"]}\n",
                        "  tickets: {command: [\"true\"]}\n  crm:\n    url: http://127.0.0.1:9/mcp\n" + extra),
                "    tickets__search:", "    crm__lookup: {purpose: Look up customers., risk: read_only}\n    tickets__search:");
    }

    @Test
    void anHttpUpstreamThatDeclaresNoCredentialModeFailsForInteractiveUsers() throws Exception {
        Line l = line(report(withCrm("")), "dev", "C1.2");
        assertThat(l.status()).isEqualTo(Status.FAIL);
        assertThat(l.evidence()).anyMatch(e -> e.contains("crm (http://127.0.0.1:9/mcp, declares no credential mode)"));
        assertThat(l.fix()).contains("mode: token_exchange").contains("mode: none");
        assertThat(report(withCrm("")).gate("dev").failing()).contains("C1.2");
    }

    @Test
    void aStaticHeaderSharedByEveryCallerFails() throws Exception {
        Line l = line(report(withCrm("    headers: {Authorization: {env: CRM_TOKEN}}\n")), "dev", "C1.2");
        assertThat(l.status()).isEqualTo(Status.FAIL);
        assertThat(l.evidence()).anyMatch(e -> e.contains("one static credential for every caller: headers [Authorization]"));
    }

    @Test
    void tokenExchangeServiceAndNonePassAndTheStageIsNamed() throws Exception {
        for (String mode : new String[] {
                "    credentials: {mode: token_exchange, token_endpoint: https://sso.example.com/token, client_id: gw, audience: crm}\n",
                "    credentials: {mode: service, token: {env: CRM_TOKEN}}\n",
                "    credentials: {mode: none}\n"}) {
            Line l = line(report(withCrm(mode)), "dev", "C1.2");
            assertThat(l.status()).as(mode).isEqualTo(Status.PASS);
            assertThat(l.evidence()).as(mode).anyMatch(e -> e.startsWith("enforced on every call by pipeline stage credentials"))
                    .anyMatch(e -> e.contains("crm: "));
        }
    }

    @Test
    void anExplicitExceptionPassesAndShowsItsReason() throws Exception {
        Line l = line(report(withCrm("    credentials: {mode: service, token: {env: CRM_TOKEN}, "
                + "allow_users: \"read-only CRM lookups, ticket SEC-42\"}\n")), "dev", "C1.2");
        assertThat(l.status()).isEqualTo(Status.PASS);
        assertThat(l.evidence()).anyMatch(e -> e.equals("explicit exception: crm lets interactive users use its service "
                + "credential, because: read-only CRM lookups, ticket SEC-42"));
    }

    @Test
    void withoutTheCredentialsStageInThePipelineTheLineFails() throws Exception {
        var controls = new java.util.LinkedHashMap<>(ReadinessTest.STANDARD);
        controls.remove("credentials");
        var c = ReadinessTest.config(withCrm("    credentials: {mode: none}\n"));
        var crm = io.portcullis.protocol.Json.array();
        crm.addObject().put("name", "lookup").putObject("annotations").put("readOnlyHint", true);
        Report r = Readiness.evaluate(c, io.portcullis.catalog.Catalogs.of(c, java.util.Map.of("tickets", ReadinessTest.ticketTools(),
                "crm", crm)), io.portcullis.policy.Policy.compile(c.policy()), false, controls);
        assertThat(line(r, "dev", "C1.2").status()).isEqualTo(Status.FAIL);
    }
}
