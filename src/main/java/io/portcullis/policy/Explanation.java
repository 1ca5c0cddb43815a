package io.portcullis.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The answer of {@link Policy#explain}: the decision, and every rule of the policy in config order
 * with what it made of the request and why (#11 item 16, {@code portcullis policy explain}).
 *
 * @param decision exactly what {@link Policy#decide} returns for the request
 * @param rules    every rule, in config order
 */
public record Explanation(Decision decision, List<RuleResult> rules) {

    /** How one rule came out. */
    public enum Outcome {
        /** Its condition held. */
        MATCHED,
        /** Its condition was false. */
        NOT_MATCHED,
        /** Its condition could not be evaluated (an allow rule then does not grant; a deny or approval rule denies). */
        ERRORED,
        /** Its environments or its tool and environment terms exclude the request; not evaluated. */
        NOT_APPLICABLE
    }

    /**
     * @param id      the rule's id
     * @param effect  what the rule says when it matches
     * @param mode    enforced, or audit_only (reported, never enforced)
     * @param outcome how it came out for this request
     * @param why     one sentence: which term was false, the error, what excluded the request
     * @param origin  where the rule is written ({@code file:line}), or null
     */
    public record RuleResult(String id, Effect effect, PolicyRule.Mode mode, Outcome outcome, String why, String origin) {
        public RuleResult {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(outcome, "outcome");
        }
    }

    public Explanation {
        Objects.requireNonNull(decision, "decision");
        rules = List.copyOf(rules);
    }

    /** The explanation as lines for people: the decision first, then each rule, then the dry run. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("decision: " + decision.effect().yamlName()
                + (decision.ruleIds().isEmpty() ? "" : " by " + decision.ruleIds()) + ": " + decision.reason());
        if (decision.approval() != null) {
            out.add("  approvers " + decision.approval().approverRoles() + ", quorum " + decision.approval().quorum()
                    + ", valid for " + decision.approval().ttl());
        }
        for (RuleResult r : rules) {
            String mode = r.mode() == PolicyRule.Mode.AUDIT_ONLY ? ", audit_only" : "";
            out.add(String.format("  %-14s %s (%s%s)%s: %s", r.outcome().name().toLowerCase(java.util.Locale.ROOT)
                            .replace('_', ' '), r.id(), r.effect().yamlName(), mode,
                    r.origin() == null ? "" : " at " + r.origin(), r.why()));
        }
        if (rules.isEmpty()) {
            out.add("  (the policy has no rules: every call is denied)");
        }
        Decision.DryRun dry = decision.dryRun();
        if (dry != null) {
            out.add("dry run: with the audit_only rules " + dry.ruleIds() + " enforced the decision would be "
                    + dry.effect().yamlName() + ": " + dry.reason());
        }
        return out;
    }
}
