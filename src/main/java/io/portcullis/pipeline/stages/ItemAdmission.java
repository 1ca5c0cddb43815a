package io.portcullis.pipeline.stages;

import io.portcullis.catalog.ItemEntry;
import io.portcullis.catalog.RiskClass;
import io.portcullis.identity.Principal;
import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Stage;
import io.portcullis.policy.Decision;
import io.portcullis.policy.Policy;
import io.portcullis.policy.PolicyRequest;
import io.portcullis.policy.ToolFacts;
import io.portcullis.readiness.Report;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * #11 item 5: the admission of a resource or prompt ({@code resources/read}, {@code resources/subscribe},
 * {@code prompts/get}, {@code completion/complete}, and the lists), in the order the tool pipeline
 * applies the same controls:
 * <ol>
 *   <li>{@code catalog}: it has an entry (unlisted ones are hidden unless the upstream says {@code unlisted: allow}), C2.1;</li>
 *   <li>{@code catalog}: the entry enables it in this environment, C3.4;</li>
 *   <li>{@code tool-switch}: the operational switch ({@code tools.<name>} in the gateway config), C6.2;</li>
 *   <li>{@code readiness-gate}: G1 refuses what is not read-only while sections 1–4 fail;</li>
 *   <li>{@code policy}: the decision with {@code kind}, {@code resource.*} / {@code prompt.*} facts (C3.1);
 *       approvals are for tool calls, so a {@code require_approval} decision refuses.</li>
 * </ol>
 * {@link #refusal} is the one function both the list filters and the read path call, so what a
 * client sees listed is exactly what it may read. The call log and the audit record wrap this
 * stage ({@code Chains.read}, root package). The tools' steps are in {@link Admission} (#12 item 3).
 */
public final class ItemAdmission implements Stage {
    private final String method;
    private final io.portcullis.catalog.Catalog catalog;
    private final Policy policy;
    private final Report readiness;
    private final io.portcullis.killswitch.KillSwitches kills;

    /**
     * Built once per snapshot and method (#12 items 1, 2): the call names the item (its
     * {@code toolName} is the prompt name or the URI; its trail's upstream serves it).
     */
    public ItemAdmission(String method, io.portcullis.catalog.Catalog catalog, Policy policy, Report readiness) {
        this(method, catalog, policy, readiness, null);
    }

    /** As above, with the node's run-time kill switches (#14 item 2, C6.2); null: none are looked at. */
    public ItemAdmission(String method, io.portcullis.catalog.Catalog catalog, Policy policy, Report readiness,
                         io.portcullis.killswitch.KillSwitches kills) {
        this.method = method;
        this.catalog = catalog;
        this.policy = policy;
        this.readiness = readiness;
        this.kills = kills;
    }

    /**
     * #14 item 2 (C6.2): {@link #refusal(Optional, String, Principal, String, ObjectNode, Policy, Report,
     * io.portcullis.call.CallTrail)} with the run-time kill switches first (after the catalog entry is
     * found): an item of a killed upstream, or in a killed environment (all, or all but read-only
     * items), is refused with control {@code kill-switch}. {@code kills} null looks at none.
     */
    public static Optional<GatewayException.Refused> refusal(Optional<ItemEntry> entry, String described, Principal principal,
                                                             String environment, ObjectNode arguments, Policy policy,
                                                             Report readiness, io.portcullis.call.CallTrail trail,
                                                             io.portcullis.killswitch.KillSwitches kills) {
        if (kills != null && entry.isPresent()) {
            ItemEntry e = entry.get();
            var killed = kills.refusal(described, null, e.upstream(), e.risk() == RiskClass.READ_ONLY, environment);
            if (killed.isPresent()) {
                return killed;
            }
        }
        return refusal(entry, described, principal, environment, arguments, policy, readiness, trail);
    }

    /** Whether the call's item is a prompt: {@code prompts/get}, or a completion of a prompt's argument. */
    private boolean prompt(CallContext call) {
        return "prompts/get".equals(method) || "ref/prompt".equals(call.params().path("ref").path("type").asString(""));
    }

    /** The item's facts as policy sees them: {@code tool}, {@code kind} and {@code resource}/{@code prompt}. */
    public static ToolFacts facts(ItemEntry e) {
        return new ToolFacts(e.name(), e.upstream(), e.risk().id(), e.owner() == null ? null : e.owner().label(),
                e.labels(), e.kind().id());
    }

    /**
     * Why this principal may not have this item here, or empty when it may. With {@code arguments}
     * null the question is the list's ("could it at all?", {@link Policy#visible}); otherwise the
     * policy decides with them. A missing readiness report or policy refuses (fail closed).
     *
     * @param trail receives the decision and rule ids when not null
     */
    public static Optional<GatewayException.Refused> refusal(Optional<ItemEntry> entry, String described, Principal principal,
                                                             String environment, ObjectNode arguments, Policy policy,
                                                             Report readiness, io.portcullis.call.CallTrail trail) {
        if (entry.isEmpty()) {
            return refused("catalog", described + " is not in the catalog (unlisted resources and prompts are hidden)");
        }
        ItemEntry e = entry.get();
        if (!e.catalogAllows(environment)) {
            return refused("catalog", described + " is not enabled in environment " + environment
                    + " by its catalog entry (enabled in " + e.environments() + ")");
        }
        if (!e.settings().enabledIn(environment)) {
            return refused("tool-switch", described + " is disabled in environment " + environment);
        }
        if (e.risk() != RiskClass.READ_ONLY) {
            Report.Gate gate = Admission.gateOf(readiness, environment);
            if (gate.closed()) {
                return refused("readiness-gate", gate.refusal(described, environment));
            }
        }
        if (policy == null) {
            return refused("policy", "no policy is in force, so " + described + " is refused");
        }
        PolicyRequest request = new PolicyRequest(principal, environment, facts(e), arguments, Set.of());
        if (arguments == null) {
            return policy.visible(request) ? Optional.empty() : refused("policy", "no rule could allow " + described);
        }
        Decision d = policy.decide(request);
        if (trail != null) {
            trail.ruleIds(d.ruleIds());
            trail.decision(d.effect().name().toLowerCase(java.util.Locale.ROOT));
        }
        return switch (d.effect()) {
            case ALLOW -> Optional.empty();
            case REQUIRE_APPROVAL -> refused("policy", "policy requires an approval for " + described + " (" + d.reason()
                    + "), and approvals are given for tool calls only");
            default -> refused("policy", d.reason() + (d.ruleIds().isEmpty() ? "" : " (rules " + d.ruleIds() + ")"));
        };
    }

    private static Optional<GatewayException.Refused> refused(String control, String why) {
        return Optional.of(new GatewayException.Refused(control, why));
    }

    @Override
    public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
        boolean prompt = prompt(call);
        Optional<ItemEntry> entry = catalog == null ? Optional.empty() : prompt ? catalog.promptEntry(call.toolName())
                : catalog.resourceEntry(call.trail().upstream(), call.toolName());
        String described = (prompt ? "prompt " : "resource ") + call.toolName();
        var quarantined = catalog == null ? Optional.<io.portcullis.catalog.Catalog.Quarantine>empty()
                : catalog.quarantine((prompt ? "prompt:" : "resource:") + call.toolName());
        if (quarantined.isEmpty() && catalog != null && !prompt) { // #15: a read through a quarantined template is refused
            quarantined = catalog.template(call.toolName()).flatMap(t -> catalog.quarantine("template:" + t.name()));
        }
        if (quarantined.isPresent()) {
            throw new GatewayException.Refused("pin", quarantined.get().reason()); // #15 item 1
        }
        Optional<GatewayException.Refused> r = refusal(entry, described, call.principal(), call.environment(),
                call.arguments(), policy, readiness, call.trail(), kills);
        if (r.isPresent()) {
            throw r.get();
        }
        if ("resources/read".equals(method)) {
            call.trail().produces(entry.get().produces()); // #13 item 4: for the conversation stage, on the way out
        }
        return next.handle(call);
    }

    @Override
    public String name() {
        return "admission";
    }
}
