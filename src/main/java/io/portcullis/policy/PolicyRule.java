package io.portcullis.policy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One rule as written in the {@code policy.rules} list of the gateway config.
 *
 * @param id           unique id; every decision names the rules that made it by these ids
 * @param description  what the rule is for, for people
 * @param effect       what the rule says when it matches
 * @param when         a CEL condition; null or blank means "always"
 * @param environments the rule applies only in these environments; empty means every environment
 * @param approvers    for {@link Effect#REQUIRE_APPROVAL}: the roles that may approve
 * @param quorum       for {@link Effect#REQUIRE_APPROVAL}: distinct approvers needed (default 1)
 * @param ttl          for {@link Effect#REQUIRE_APPROVAL}: how long an approval lives (default 1h)
 * @param reason       a reason template; {@code {tool}}, {@code {upstream}}, {@code {risk}},
 *                     {@code {env}}, {@code {subject}} and {@code {rule}} are filled in; null for
 *                     the built-in wording
 * @param origin       where the rule was written ({@code file:line}), for messages; may be null
 * @param mode         {@link Mode#ENFORCE}, or {@link Mode#AUDIT_ONLY} for a rule that is evaluated,
 *                     logged and recorded as what it would have done, but never changes a decision
 *                     (#11 item 16: watch a new rule before it bites)
 */
public record PolicyRule(String id, String description, Effect effect, String when, List<String> environments,
        List<String> approvers, int quorum, Duration ttl, String reason, String origin, Mode mode) {

    /** Whether a rule decides calls or only reports what it would have decided. */
    public enum Mode {
        /** The rule takes part in every decision (the default). */
        ENFORCE,
        /** Dry run: evaluated and recorded as "would deny" (or would require approval, would allow), never enforced. */
        AUDIT_ONLY;

        /** The name used in YAML: {@code enforce}, {@code audit_only}. */
        public String yamlName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final int DEFAULT_QUORUM = 1;
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);

    public PolicyRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(effect, "effect");
        environments = environments == null ? List.of() : List.copyOf(environments);
        approvers = approvers == null ? List.of() : List.copyOf(approvers);
        ttl = ttl == null ? DEFAULT_TTL : ttl;
        description = description == null ? "" : description;
        mode = mode == null ? Mode.ENFORCE : mode;
    }

    /** An enforced rule. */
    public PolicyRule(String id, String description, Effect effect, String when, List<String> environments,
            List<String> approvers, int quorum, Duration ttl, String reason, String origin) {
        this(id, description, effect, when, environments, approvers, quorum, ttl, reason, origin, Mode.ENFORCE);
    }

    /** Whether the rule is a dry run ({@code mode: audit_only}). */
    public boolean auditOnly() {
        return mode == Mode.AUDIT_ONLY;
    }

    /** An allow or deny rule with no environment list, reason or origin. */
    public static PolicyRule of(String id, Effect effect, String when) {
        return new PolicyRule(id, "", effect, when, List.of(), List.of(), DEFAULT_QUORUM, DEFAULT_TTL, null, null);
    }

    /** A require_approval rule with the default quorum and ttl. */
    public static PolicyRule approval(String id, String when, List<String> approvers, String reason) {
        return new PolicyRule(id, "", Effect.REQUIRE_APPROVAL, when, List.of(), approvers, DEFAULT_QUORUM, DEFAULT_TTL,
                reason, null);
    }

    /** The rule's condition text, {@code "true"} when it has none. */
    public String condition() {
        return when == null || when.isBlank() ? "true" : when;
    }

    String label() {
        return origin == null ? "rule '" + id + "'" : "rule '" + id + "' (" + origin + ")";
    }
}
