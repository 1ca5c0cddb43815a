package io.portcullis.policy;

/**
 * What a rule, and so a decision, says about a call (C3.1). When several rules match, the
 * strongest effect wins: {@code DENY} over {@code REQUIRE_APPROVAL} over {@code ALLOW}; see
 * {@link Policy}.
 */
public enum Effect {
    /** The call may go ahead. */
    ALLOW,
    /** The call is refused. Also the effect when no rule allows it, and when a deny or approval rule errors. */
    DENY,
    /** The call may go ahead once approvers named by the rule have approved it (C3.2). */
    REQUIRE_APPROVAL;

    /** The name used in YAML and in CEL-facing text: {@code allow}, {@code deny}, {@code require_approval}. */
    public String yamlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
