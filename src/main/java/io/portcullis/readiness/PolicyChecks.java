package io.portcullis.readiness;

import io.portcullis.catalog.ToolEntry;
import io.portcullis.config.GatewayConfig;
import io.portcullis.identity.Principal;
import io.portcullis.policy.Decision;
import io.portcullis.policy.Effect;
import io.portcullis.policy.PolicyRequest;
import io.portcullis.policy.PolicyRule;
import io.portcullis.readiness.Report.Line;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Section 3 of the checklist: policy and approvals (C3.1–C3.4). */
final class PolicyChecks {
    /** {@code "ops" in principal.roles}: a role a rule condition grants on. */
    private static final Pattern ROLE_IN_CONDITION = Pattern.compile("\"([^\"]+)\"\\s+in\\s+principal\\.roles");

    private PolicyChecks() {}

    static List<Line> check(Facts f) {
        return List.of(c31(f), c32(f), c33(f), c34(f));
    }

    private static List<PolicyRule> rulesIn(Facts f) {
        return f.config().policy().rules().stream().filter(r -> !r.auditOnly())
                .filter(r -> r.environments().isEmpty() || r.environments().contains(f.name())).toList();
    }

    private static Line c31(Facts f) {
        long dryRuns = f.config().policy().rules().stream().filter(PolicyRule::auditOnly).count();
        return Checklist.pass("C3.1", List.of(
                "every tools/call passes one pipeline before any upstream is called: " + String.join(", ", f.controls().pipeline()),
                "policy: " + f.config().policy().rules().size() + " rules " + f.policy().ruleIds()
                        + ", deny by default; tools/list shows only what the policy could allow"
                        + (dryRuns == 0 ? "" : "; " + dryRuns + " of them audit_only (recorded, not enforced)"),
                "clients must not reach the upstreams directly (not verifiable from the gateway)"));
    }

    /** Every role the config mentions: the strongest principal anyone could hold. */
    static Set<String> everyRole(GatewayConfig c) {
        Set<String> roles = new LinkedHashSet<>();
        for (PolicyRule r : c.policy().rules()) {
            roles.addAll(r.approvers());
            Matcher m = ROLE_IN_CONDITION.matcher(r.condition());
            while (m.find()) {
                roles.add(m.group(1));
            }
        }
        roles.addAll(c.identity().adminRoles());
        roles.addAll(c.identity().local().roles());
        if (c.identity().tls() != null) {
            c.identity().tls().clients().forEach(r -> roles.addAll(r.roles()));
        }
        return roles;
    }

    /**
     * C3.2: for each irreversible tool enabled here, a synthetic user holding every role the config
     * mentions asks the policy; any ALLOW means the tool runs without an approval.
     */
    private static Line c32(Facts f) {
        List<ToolEntry> irreversible = f.withRisk(io.portcullis.catalog.RiskClass.IRREVERSIBLE);
        if (irreversible.isEmpty()) {
            return Checklist.notApplicable("C3.2", List.of("no irreversible tool is enabled in " + f.name()));
        }
        Set<String> roles = everyRole(f.config());
        Principal strongest = new Principal("readiness-probe", Principal.Kind.USER, "readiness probe", List.copyOf(roles),
                "readiness", f.name(), "readiness", null, null);
        List<String> ev = new ArrayList<>();
        ev.add("asked the policy for each irreversible tool as a user holding every role in the config " + roles);
        List<String> open = new ArrayList<>();
        for (ToolEntry t : irreversible) {
            Decision d = f.policy().decide(new PolicyRequest(strongest, f.name(), t.facts(), null, Set.of()));
            ev.add(t.name() + ": " + d.effect().name().toLowerCase() + (d.ruleIds().isEmpty() ? "" : " by " + d.ruleIds()));
            if (d.effect() == Effect.ALLOW) {
                open.add(t.name() + " (allowed by rules " + d.ruleIds() + ")");
            }
        }
        if (open.isEmpty()) {
            return Checklist.pass("C3.2", ev);
        }
        return Checklist.fail("C3.2", ev, "irreversible tools callable without approval: " + String.join("; ", open)
                + ". Add an approval rule (it wins over allow rules):\npolicy:\n  rules:\n"
                + "    - id: irreversible-needs-approval\n      effect: require_approval\n"
                + "      when: tool.risk == \"irreversible\"\n      approvers: [approver]");
    }

    private static Line c33(Facts f) {
        List<PolicyRule> approvals = rulesIn(f).stream().filter(r -> r.effect() == Effect.REQUIRE_APPROVAL).toList();
        List<String> ev = new ArrayList<>();
        for (PolicyRule r : approvals) {
            ev.add("rule " + r.id() + " (when " + r.condition() + "): approvers " + r.approvers() + ", quorum " + r.quorum()
                    + ", approvals live " + IdentityChecks.human(r.ttl()));
        }
        if (approvals.isEmpty()) {
            if (f.changing().isEmpty()) {
                return Checklist.notApplicable("C3.3", List.of("no approval rule applies in " + f.name()
                        + " and every enabled tool is read-only"));
            }
            ev.add("no require_approval rule applies in " + f.name() + ", so nobody is named to approve the tools that change things "
                    + Facts.names(f.changing()));
            return Checklist.fail("C3.3", ev, "name the approver roles in an approval rule (see C3.2); approvals are "
                    + "recorded by the gateway with the approver's identity");
        }
        if (!f.config().identity().enabled()) {
            ev.add("no identity section: no caller can hold an approver role, so approvals cannot be attributed");
            return Checklist.fail("C3.3", ev, "configure identity (C1.1) so that approvers are real, authenticated people");
        }
        // #11 item 22: only a USER principal may approve (Approvals refuses services and API keys), so a
        // rule whose approver roles no person can ever hold names approvers that do not exist
        List<String> unreachable = new ArrayList<>();
        for (PolicyRule r : approvals) {
            if (r.approvers().stream().noneMatch(role -> personCanHold(f.config().identity(), role))) {
                unreachable.add(r.id() + " " + r.approvers());
            }
        }
        if (!unreachable.isEmpty()) {
            ev.add("no person can ever hold the approver roles of " + String.join("; ", unreachable)
                    + ": API keys and service principals may not approve, and no issuer of user tokens"
                    + " or client-certificate rule for users can give these roles");
            return Checklist.fail("C3.3", ev, "let approvers sign in as people: add an issuer of user tokens "
                    + "(identity.issuers[].kind: user or auto) whose tokens carry the approver role, or a "
                    + "client-certificate rule of kind user with that role");
        }
        ev.add("approval requests and decisions are recorded with the approver's identity (approvals workflow)");
        return Checklist.pass("C3.3", ev);
    }

    /**
     * Whether some person (a principal of kind user) can hold {@code role}: an issuer whose tokens may
     * be users' carries roles from claims, so any role; a client-certificate rule for users carries the
     * roles it lists. API keys are always services.
     */
    static boolean personCanHold(io.portcullis.identity.IdentityConfig id, String role) {
        boolean fromTokens = id.issuers().stream()
                .anyMatch(i -> i.kind() != io.portcullis.identity.IdentityConfig.KindRule.SERVICE);
        boolean fromCerts = id.tls() != null && id.tls().clients().stream()
                .anyMatch(c -> c.kind() == Principal.Kind.USER && c.roles().contains(role));
        return fromTokens || fromCerts;
    }

    private static Line c34(Facts f) {
        List<String> envAware = f.config().policy().rules().stream().filter(r -> !r.auditOnly())
                .filter(r -> !r.environments().isEmpty() || r.condition().contains("production") || r.condition().contains("env"))
                .map(PolicyRule::id).toList();
        List<String> ev = new ArrayList<>();
        ev.add("environment " + f.name() + " is served at its own route (/mcp/" + f.name() + ") and is part of every request"
                + (f.env().production() ? "; it is marked production" : ""));
        ev.add("production environments: " + f.config().policy().productionEnvironments());
        if (envAware.isEmpty()) {
            ev.add("no rule depends on the environment (environments list, env or production in its condition)");
            return Checklist.fail("C3.4", ev, "mark production and write rules for it:\nenvironments:\n  - dev\n"
                    + "  - {name: prod, production: true}\npolicy:\n  rules:\n    - id: no-changes-in-prod\n"
                    + "      effect: deny\n      when: tool.risk != \"read_only\" && production");
        }
        ev.add("rules that depend on the environment: " + envAware);
        return Checklist.pass("C3.4", ev);
    }
}
