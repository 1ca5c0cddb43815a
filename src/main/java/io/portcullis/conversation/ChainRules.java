package io.portcullis.conversation;

import io.portcullis.policy.Effect;
import io.portcullis.policy.PolicyConfig;
import io.portcullis.policy.PolicyRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The shipped chain rules (#13 item 5), off until {@code conversation.chain_rules: default}: policy
 * rules over {@code session.labels} and {@code tool.labels} for the toxic flows.
 * <ol type="a">
 *   <li>{@code chain.untrusted-then-egress}: after {@code untrusted} content, tools labelled
 *       {@code egress} need approval (the content may carry instructions that steer the next call);</li>
 *   <li>{@code chain.secret-then-egress}: after a {@code secret.*} detection, {@code egress} is denied;</li>
 *   <li>{@code chain.private-then-external-egress}: after private data ({@code customer-data},
 *       {@code pii.*}), {@code egress} to tools not labelled {@code internal} needs approval.</li>
 * </ol>
 * Each rule's label test is written twice, as CEL for the policy and as a Java predicate here, so
 * that a decision can name the labels that caused it and the calls (audit ids) that brought them.
 */
public final class ChainRules {
    public static final String PREFIX = "chain.";
    public static final String UNTRUSTED = "chain.untrusted-then-egress";
    public static final String SECRET = "chain.secret-then-egress";
    public static final String PRIVATE = "chain.private-then-external-egress";

    private static final Map<String, Predicate<String>> CAUSES = Map.of(
            UNTRUSTED, "untrusted"::equals,
            SECRET, l -> l.equals("secret") || l.startsWith("secret."),
            PRIVATE, l -> l.equals("customer-data") || l.equals("pii") || l.startsWith("pii."));

    private ChainRules() {}

    /** The three rules, their approvals asked of {@code approvers}. */
    public static List<PolicyRule> rules(List<String> approvers) {
        return List.of(
                PolicyRule.approval(UNTRUSTED, "\"untrusted\" in session.labels && \"egress\" in tool.labels", approvers,
                        "{tool} sends data out and this conversation has read untrusted content: an approver must approve this call"),
                new PolicyRule(SECRET, "No egress after a secret was seen in the conversation.", Effect.DENY,
                        "session.labels.exists(l, l == \"secret\" || l.startsWith(\"secret.\")) && \"egress\" in tool.labels",
                        List.of(), List.of(), PolicyRule.DEFAULT_QUORUM, PolicyRule.DEFAULT_TTL,
                        "{tool} sends data out and this conversation has seen a secret", null),
                PolicyRule.approval(PRIVATE, "session.labels.exists(l, l == \"customer-data\" || l == \"pii\" || l.startsWith(\"pii.\"))"
                                + " && \"egress\" in tool.labels && !(\"internal\" in tool.labels)", approvers,
                        "{tool} sends data outside and this conversation has read private data: an approver must approve this call"));
    }

    /** {@code policy} with the chain rules added after its own rules, when {@code config} enables them. */
    public static PolicyConfig addTo(PolicyConfig policy, ConversationConfig config) {
        if (!config.chainRules() || policy == null) {
            return policy;
        }
        List<PolicyRule> all = new ArrayList<>(policy.rules());
        all.addAll(rules(config.approvers()));
        return new PolicyConfig(all, policy.productionEnvironments());
    }

    /**
     * Which labels a decision by these rules is about: those of the shipped rules among
     * {@code ruleIds}; every label for another rule whose id starts with {@code chain.}; none when
     * no chain rule decided.
     */
    public static Predicate<String> causes(List<String> ruleIds) {
        Predicate<String> any = l -> false;
        for (String id : ruleIds) {
            if (id.startsWith(PREFIX)) {
                any = any.or(CAUSES.getOrDefault(id, l -> true));
            }
        }
        return any;
    }

    /** Whether a chain rule is among {@code ruleIds}. */
    public static boolean decided(List<String> ruleIds) {
        return ruleIds.stream().anyMatch(id -> id.startsWith(PREFIX));
    }
}
