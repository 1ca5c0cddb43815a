package io.portcullis.policy;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The {@code policy:} section of the gateway config: the rules, in file order, and which
 * environments are production (rules see that as the CEL variable {@code production}). Compiled
 * into a {@link Policy} by {@link Policy#compile}.
 *
 * @param rules                  the rules; order does not change decisions, only the order of rule ids
 * @param productionEnvironments environments declared with {@code production: true}
 */
public record PolicyConfig(List<PolicyRule> rules, Set<String> productionEnvironments) {

    /** Where the YAML form of {@link #DEFAULT_RULES} lives on the classpath. */
    public static final String DEFAULT_RULES_RESOURCE = "/io/portcullis/policy/default-policy.yaml";

    /**
     * The shipped rules, used when a config has no {@code policy:} section: read-only tools
     * anywhere; state-changing and irreversible tools outside production; irreversible tools in
     * production after one approval by an {@code approver}. Everything else (state-changing tools
     * in production) is denied by default until a rule allows it.
     */
    public static final List<PolicyRule> DEFAULT_RULES = List.of(
            new PolicyRule("read-only-anywhere", "Read-only tools may be called in every environment.",
                    Effect.ALLOW, "tool.risk == \"read_only\"", List.of(), List.of(), 1, Duration.ofHours(1), null, null),
            new PolicyRule("changes-outside-production", "Tools that change things may be called outside production.",
                    Effect.ALLOW, "tool.risk != \"read_only\" && !production", List.of(), List.of(), 1,
                    Duration.ofHours(1), null, null),
            new PolicyRule("irreversible-in-production-needs-approval",
                    "Irreversible tools in production need one approval by an approver.",
                    Effect.REQUIRE_APPROVAL, "tool.risk == \"irreversible\" && production", List.of(),
                    List.of("approver"), 1, Duration.ofHours(1),
                    "{tool} is irreversible and {env} is production: an approver must approve this call", null));

    public PolicyConfig {
        rules = List.copyOf(rules);
        productionEnvironments = Set.copyOf(productionEnvironments);
    }

    /** The {@link #DEFAULT_RULES} for a gateway whose production environments are these. */
    public static PolicyConfig defaults(Set<String> productionEnvironments) {
        return new PolicyConfig(DEFAULT_RULES, productionEnvironments);
    }

    /** The {@link #DEFAULT_RULES}, with {@code prod} as the one production environment (the demo's names). */
    public static PolicyConfig defaults() {
        return defaults(Set.of("prod"));
    }
}
