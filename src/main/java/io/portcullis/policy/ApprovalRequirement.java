package io.portcullis.policy;

import java.time.Duration;
import java.util.List;

/**
 * What a {@link Effect#REQUIRE_APPROVAL} decision asks for (C3.2, C3.3). The approvals capability
 * enforces it; the caller never approves its own call.
 *
 * @param approverRoles who may approve: a principal holding any one of these roles
 * @param quorum        how many distinct approvers are needed
 * @param ttl           how long an approval stays valid once given
 * @param reason        why approval is needed, rendered from the rule's {@code reason} template
 */
public record ApprovalRequirement(List<String> approverRoles, int quorum, Duration ttl, String reason) {
    public ApprovalRequirement {
        approverRoles = List.copyOf(approverRoles);
        if (quorum < 1) {
            throw new IllegalArgumentException("quorum must be at least 1");
        }
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive");
        }
    }
}
