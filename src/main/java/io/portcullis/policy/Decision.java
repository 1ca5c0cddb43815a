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
 */
public record Decision(Effect effect, List<String> ruleIds, String reason, ApprovalRequirement approval,
        List<String> errors) {
    public Decision {
        Objects.requireNonNull(effect, "effect");
        Objects.requireNonNull(reason, "reason");
        ruleIds = List.copyOf(ruleIds);
        errors = List.copyOf(errors);
        if ((effect == Effect.REQUIRE_APPROVAL) != (approval != null)) {
            throw new IllegalArgumentException("an approval requirement goes with REQUIRE_APPROVAL and only with it");
        }
    }

    public boolean allowed() {
        return effect == Effect.ALLOW;
    }
}
