package io.portcullis.pipeline.stages;

import io.portcullis.catalog.Catalog;
import io.portcullis.catalog.RiskClass;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.identity.Principal;
import io.portcullis.call.GatewayException;
import io.portcullis.policy.Decision;
import io.portcullis.policy.Policy;
import io.portcullis.policy.PolicyRequest;
import io.portcullis.config.ReadinessConfig;
import io.portcullis.readiness.Report;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * #12 item 3: the one admission decision for a tool, a pure function of (snapshot pieces: catalog,
 * readiness report, policy; principal, environment, tool name, arguments or unknown). Its steps are
 * written once, here, in the chain's order; the {@code tools/call} stages ({@link CatalogLookup},
 * {@link PinCheck}, {@link ToolSwitch}, {@link ReadinessGate}, {@link Arguments}, {@link PolicyCheck}) each run one
 * step, and {@code tools/list} runs them all with the arguments unknown ({@link #listed}), so what
 * a client sees listed is what the chain would let it try. Resources and prompts have the same
 * steps for their entries in {@link ItemAdmission}.
 */
public final class Admission {
    private Admission() {}

    /** The gate a missing report stands for: closed (fail closed), the failing line named {@code readiness}. */
    static final Report.Gate NO_REPORT = new Report.Gate(true, List.of("readiness"), true, null);

    /**
     * The outcome of the whole decision.
     *
     * @param refusal  the first control that refused, or null when admitted
     * @param decision the policy decision when policy was asked with known arguments, else null
     */
    public record Verdict(GatewayException refusal, Decision decision) {
        /** The control that refused, {@code approval} for a policy that requires one, or {@code admitted}. */
        public String outcome() {
            if (refusal != null) {
                return refusal.control();
            }
            return decision != null && decision.effect() == io.portcullis.policy.Effect.REQUIRE_APPROVAL ? "approval" : "admitted";
        }
    }

    /** C2.1: the tool's catalog entry; a tool of an upstream still starting is its "retry in N s", else unknown. */
    public static ToolEntry lookup(Catalog catalog, String name) throws GatewayException {
        if (catalog == null) {
            throw new GatewayException.Refused("catalog", "no catalog is in force, so " + name + " is refused");
        }
        Optional<ToolEntry> entry = catalog.tool(name);
        if (entry.isPresent()) {
            return entry.get();
        }
        var owner = catalog.notReadyOwner(name);
        if (owner.isPresent()) {
            var why = owner.get().unavailable();
            throw new GatewayException.UpstreamFailure("upstream", owner.get().name(), why.message(), why.retryAfterSeconds());
        }
        throw new GatewayException.UnknownTool(name);
    }

    /**
     * #15 item 1: a tool whose served definition is not its pinned one is refused (control
     * {@code pin}); a missing catalog refuses too (fail closed).
     */
    public static Optional<GatewayException.Refused> pin(Catalog catalog, String tool) {
        if (catalog == null) {
            return refused("pin", "no catalog is in force, so the pin of " + tool + " cannot be checked");
        }
        return catalog.toolQuarantine(tool).map(q -> new GatewayException.Refused("pin", q.reason()));
    }

    /** C2.4, C3.4, C6.2: raw export without a documented need, the catalog's environments, the operational switch. */
    public static Optional<GatewayException.Refused> switches(ToolEntry tool, String environment) {
        if (tool.export() == ToolEntry.ExportStatus.DISABLED) {
            return refused("raw-export", "tool " + tool.name()
                    + " is a raw-export tool and its catalog entry documents no business need and approver (C2.4)");
        }
        if (!tool.catalogAllows(environment)) {
            return refused("catalog", "tool " + tool.name() + " is not enabled in environment " + environment
                    + " by its catalog entry (enabled in " + tool.environments() + ")");
        }
        if (!tool.settings().enabledIn(environment)) {
            return refused("tool-switch", "tool " + tool.name() + " is disabled in environment " + environment);
        }
        return Optional.empty();
    }

    /** G1: the environment's gate, a missing report counting as closed. */
    public static Report.Gate gateOf(Report report, String environment) {
        return report == null ? NO_REPORT : report.gate(environment);
    }

    /** G1: a tool that is not read-only is refused while the environment's gate is closed. */
    public static Optional<GatewayException.Refused> gate(ToolEntry tool, Report report, String environment) {
        if (tool.risk() == RiskClass.READ_ONLY) {
            return Optional.empty();
        }
        Report.Gate gate = gateOf(report, environment);
        return gate.closed() ? refused("readiness-gate", gate.refusal(tool.name(), environment)) : Optional.empty();
    }

    /** C2.3: the arguments against the upstream's inputSchema and the catalog's overlay. */
    public static Optional<GatewayException.Refused> arguments(ToolEntry tool, ObjectNode arguments) {
        return tool.arguments().check(arguments).map(v -> new GatewayException.Refused("arguments", v));
    }

    /** C3.1: the policy decision with known arguments (deny by default; a missing policy denies). */
    public static Decision decide(Policy policy, Principal principal, String environment, ToolEntry tool, ObjectNode arguments) {
        return decide(policy, principal, environment, tool, arguments, null);
    }

    /** As above, with what the call's conversation has seen ({@code session.*}, #13 item 5); null is an empty conversation. */
    public static Decision decide(Policy policy, Principal principal, String environment, ToolEntry tool, ObjectNode arguments,
                                  io.portcullis.policy.SessionFacts session) {
        if (policy == null) {
            return new Decision(io.portcullis.policy.Effect.DENY, List.of(), "no policy is in force", null, List.of());
        }
        if (session == null) {
            return policy.decide(new PolicyRequest(principal, environment, PolicyCheck.facts(tool), arguments, Set.of()));
        }
        return policy.decide(new PolicyRequest(principal, environment, PolicyCheck.facts(tool), arguments,
                session.labels().keySet(), session.tools(), session.calls()));
    }

    /** The refusal of a policy decision, or empty when it allows (or wants an approval, which the chain asks for). */
    public static Optional<GatewayException.Refused> refusal(Decision d) {
        return switch (d.effect()) {
            case ALLOW, REQUIRE_APPROVAL -> Optional.empty();
            default -> refused("policy", d.reason() + (d.ruleIds().isEmpty() ? "" : " (rules " + d.ruleIds() + ")"));
        };
    }

    /**
     * The whole decision in the chain's order: catalog, pin, switches, G1 gate, then with known
     * {@code arguments} the argument check and the policy decision, or with {@code arguments} null
     * the list's question ("could any call be allowed?", {@link Policy#visible}).
     */
    public static Verdict decide(Catalog catalog, Policy policy, Report report, Principal principal, String environment,
                                 String tool, ObjectNode arguments) {
        ToolEntry t;
        try {
            t = lookup(catalog, tool);
        } catch (GatewayException e) {
            return new Verdict(e, null);
        }
        Optional<GatewayException.Refused> r = pin(catalog, tool).or(() -> switches(t, environment))
                .or(() -> gate(t, report, environment));
        if (r.isPresent()) {
            return new Verdict(r.get(), null);
        }
        if (arguments == null) {
            return new Verdict(visible(policy, principal, environment, t) ? null
                    : new GatewayException.Refused("policy", "no rule could allow " + tool), null);
        }
        Optional<GatewayException.Refused> bad = arguments(t, arguments);
        if (bad.isPresent()) {
            return new Verdict(bad.get(), null);
        }
        Decision d = decide(policy, principal, environment, t, arguments);
        return new Verdict(refusal(d).orElse(null), d);
    }

    /**
     * Whether {@code tools/list} shows the tool: what {@link #decide} admits with the arguments
     * unknown, except that in {@code list: mark} mode a tool the G1 gate refuses stays listed (marked)
     * when the rest would admit it.
     */
    public static boolean listed(Catalog catalog, Policy policy, Report report, ReadinessConfig.ListMode mode,
                                 Principal principal, String environment, ToolEntry tool) {
        if (catalog != null && catalog.toolQuarantine(tool.name()).filter(q -> q.shown() == null).isPresent()) {
            return false; // #15 item 1: quarantined and hidden (pins.quarantined: hide)
        }
        if (switches(tool, environment).isPresent()) {
            return false;
        }
        if (gate(tool, report, environment).isPresent() && mode != ReadinessConfig.ListMode.MARK) {
            return false;
        }
        return catalog != null && catalog.tool(tool.name()).isPresent() && visible(policy, principal, environment, tool);
    }

    private static boolean visible(Policy policy, Principal principal, String environment, ToolEntry tool) {
        return policy != null && policy.visible(new PolicyRequest(principal, environment, PolicyCheck.facts(tool), null, Set.of()));
    }

    private static Optional<GatewayException.Refused> refused(String control, String why) {
        return Optional.of(new GatewayException.Refused(control, why));
    }
}
