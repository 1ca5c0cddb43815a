package io.portcullis.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.catalog.Catalogs;
import io.portcullis.config.GatewayConfig;
import io.portcullis.policy.Policy;
import io.portcullis.readiness.Report.Status;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * #11 item 22: readiness lines are evaluated from what the gateway runs, not asserted. Lines that
 * rest on a per-call control pass only while a stage of the running pipeline enforces them; a line
 * this version knew as "not built" passes once a stage declares it; audit_only policy rules do not
 * count as enforced rules.
 */
class Hardening22ReadinessFromRunningStateTest {

    static Report report(GatewayConfig c, Map<String, List<String>> stages) throws Exception {
        return Readiness.evaluate(c, Catalogs.of(c, Map.of("tickets", ReadinessTest.ticketTools())), Policy.compile(c.policy()),
                true, stages);
    }

    @Test
    void item22_theEvidenceNamesTheRunningPipeline() throws Exception {
        Report r = report(ReadinessTest.config(ReadinessTest.READY), ReadinessTest.STANDARD);
        var c31 = ReadinessTest.line(r, "dev", "C3.1").evidence();
        assertThat(c31.get(0)).isEqualTo("enforced on every call by pipeline stage policy");
        assertThat(c31.get(1)).contains(String.join(", ", ReadinessTest.STANDARD.keySet()));
        assertThat(ReadinessTest.line(r, "dev", "C4.1").evidence().getFirst()).isEqualTo("enforced on every call by pipeline stage audit");
        assertThat(ReadinessTest.line(r, "dev", "C6.3").status()).isEqualTo(Status.FAIL);
        assertThat(r.gate("dev").closed()).isFalse();
    }

    @Test
    void item22_aLineWhoseControlIsNotRunningFailsAndClosesTheGate() throws Exception {
        Map<String, List<String>> withoutPolicy = new LinkedHashMap<>(ReadinessTest.STANDARD);
        withoutPolicy.remove("policy");
        Report r = report(ReadinessTest.config(ReadinessTest.READY), withoutPolicy);
        var c31 = ReadinessTest.line(r, "dev", "C3.1");
        assertThat(c31.status()).isEqualTo(Status.FAIL);
        assertThat(c31.evidence().getFirst()).contains("no stage of the running pipeline").contains("enforces C3.1");
        assertThat(r.gate("dev").closed()).isTrue();
        assertThat(r.gate("dev").failing()).contains("C3.1", "C3.2", "C3.4");
    }

    @Test
    void item22_aStageThatDeclaresANotBuiltLineMakesItPass() throws Exception {
        Map<String, List<String>> withRateLimit = new LinkedHashMap<>(ReadinessTest.STANDARD);
        withRateLimit.put("rate-limit", List.of("C6.3"));
        // #14 item 4: C6.3 also needs a per-principal limit in the environment
        Report r = report(ReadinessTest.config(ReadinessTest.READY
                + "rate_limits:\n  environments:\n    dev:\n      limits: [{id: u, per: principal, limit: 60, every: 1m}]\n"),
                withRateLimit);
        var c63 = ReadinessTest.line(r, "dev", "C6.3");
        assertThat(c63.status()).isEqualTo(Status.PASS);
        assertThat(c63.evidence()).first().isEqualTo("enforced on every call by pipeline stage rate-limit");
        assertThat(c63.evidence()).noneMatch(e -> e.startsWith("not built"));
    }

    @Test
    void item22_auditOnlyRulesAreNotCountedAsEnforcedPolicy() throws Exception {
        String dryOnly = ReadinessTest.READY.replace(
                "- {id: irreversible-approval, effect: require_approval, when: 'tool.risk == \"irreversible\"', approvers: [approver]}",
                "- {id: irreversible-approval, mode: audit_only, effect: require_approval, when: 'tool.risk == \"irreversible\"', approvers: [approver]}")
                .replace("environments: [dev]}", "environments: [dev], mode: audit_only}");
        assertThat(dryOnly).contains("mode: audit_only, effect: require_approval").contains("mode: audit_only}");
        Report r = report(ReadinessTest.config(dryOnly), ReadinessTest.STANDARD);
        // a dry-run approval rule names no approver for real: C3.3 fails, as without it
        assertThat(ReadinessTest.line(r, "dev", "C3.3").status()).isEqualTo(Status.FAIL);
        assertThat(ReadinessTest.line(r, "dev", "C3.4").status()).isEqualTo(Status.FAIL);
        assertThat(ReadinessTest.line(r, "dev", "C3.1").evidence()).anyMatch(e -> e.contains("2 of them audit_only"));
    }
}
