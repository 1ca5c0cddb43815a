package io.portcullis.policy;

import java.util.List;
import java.util.Objects;

/**
 * The answer to one {@link PolicyRequest} (C3.1): the effect, the ids of the rules that made it,
 * and why. Recorded as it is by the audit log.
 *
 * @param effect   what happens to the call
 * @param ruleIds  every rule of the winning effect that matched (for a deny: also every deny or
 *                 approval rule that errored); empty when nothing allowed the call
 * @param reason   a sentence for the caller and the log
 * @param approval for {@link Effect#REQUIRE_APPROVAL}, who must approve; null otherwise
 * @param errors   rules that failed to evaluate, as {@code "rule 'id': message"}; such a rule never grants
 * @param dryRun   what {@code mode: audit_only} rules would have made of the call, when one of them
 *                 matched or errored; null otherwise. Never changes {@link #effect} (#11 item 16)
 */
public record Decision(Effect effect, List<String> ruleIds, String reason, ApprovalRequirement approval,
        List<String> errors, DryRun dryRun) {

    /**
     * The decision the policy would have made with its audit_only rules enforced.
     *
     * @param effect  the effect with every rule enforced
     * @param ruleIds the audit_only rules that matched or errored, in config order
     * @param reason  that decision's reason
     * @param errors  the errors of those audit_only rules
     */
    public record DryRun(Effect effect, List<String> ruleIds, String reason, List<String> errors) {
        public DryRun {
            Objects.requireNonNull(effect, "effect");
            Objects.requireNonNull(reason, "reason");
            ruleIds = List.copyOf(ruleIds);
            errors = List.copyOf(errors);
        }

        /** {@code "would deny"}, {@code "would require_approval"} or {@code "would allow"}. */
        public String label() {
            return "would " + effect.yamlName();
        }
    }

    /** A decision without audit_only rules involved. */
    public Decision(Effect effect, List<String> ruleIds, String reason, ApprovalRequirement approval, List<String> errors) {
        this(effect, ruleIds, reason, approval, errors, null);
    }

    public Decision {
        Objects.requireNonNull(effect, "effect");
        Objects.requireNonNull(reason, "reason");
        ruleIds = List.copyOf(ruleIds);
        errors = List.copyOf(errors);
        if ((effect == Effect.REQUIRE_APPROVAL) != (approval != null)) {
            throw new IllegalArgumentException("an approval requirement goes with REQUIRE_APPROVAL and only with it");
        }
    }

    Decision withDryRun(DryRun run) {
        return new Decision(effect, ruleIds, reason, approval, errors, run);
    }

    public boolean allowed() {
        return effect == Effect.ALLOW;
    }
}
