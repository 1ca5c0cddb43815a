package io.portcullis.policy;

import dev.cel.common.CelValidationException;
import io.portcullis.settings.EnvironmentConfig;
import io.portcullis.settings.Fields;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Reads the {@code policy:} section of the gateway config into a {@link PolicyConfig}, reporting
 * every problem with its file and line: unknown keys, bad effects, duplicate ids, environments
 * that are not declared, and conditions that do not compile or type-check (at the line of the
 * rule's {@code when}, naming the rule). Called by {@code ConfigReader}; a config with problems is
 * never used, so {@link Policy#compile} of what this returns does not fail.
 *
 * <p>No {@code policy:} section means the shipped {@link PolicyConfig#DEFAULT_RULES}; a
 * {@code policy:} with an empty {@code rules} list denies every call.
 */
public final class PolicyConfigReader {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
    private static final Set<String> RULE_KEYS = Set.of("id", "description", "effect", "when", "environments",
            "approvers", "quorum", "ttl", "reason", "mode");
    private static final Map<String, Effect> EFFECTS = Map.of(
            "allow", Effect.ALLOW, "deny", Effect.DENY, "require_approval", Effect.REQUIRE_APPROVAL);

    private PolicyConfigReader() {}

    /**
     * @param f       where problems go (file and line)
     * @param section the value of the {@code policy} key, or null when the config has none
     * @param envs    the declared environments: rules may only name these, and the production ones
     *                become {@link PolicyConfig#productionEnvironments}
     */
    public static PolicyConfig read(Fields f, JsonNode section, List<EnvironmentConfig> envs) {
        Set<String> production = envs.stream().filter(EnvironmentConfig::production).map(EnvironmentConfig::name)
                .collect(Collectors.toSet());
        if (section == null || section.isNull()) {
            return PolicyConfig.defaults(production);
        }
        String p = "/policy";
        if (!f.isObject(section, p, "'policy'")) {
            return new PolicyConfig(List.of(), production);
        }
        f.onlyKeys(section, p, Set.of("rules"));
        JsonNode list = section.get("rules");
        if (list == null || !list.isArray()) {
            f.problem(list == null ? p : p + "/rules", "'policy' needs 'rules', a list of rules "
                    + "(leave 'policy' out for the shipped defaults; an empty list denies every call)");
            return new PolicyConfig(List.of(), production);
        }
        List<PolicyRule> rules = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        Set<String> envNames = envs.stream().map(EnvironmentConfig::name).collect(Collectors.toSet());
        for (int i = 0; i < list.size(); i++) {
            PolicyRule rule = rule(f, list.get(i), p + "/rules/" + i, envNames);
            if (rule == null) {
                continue;
            }
            Integer before = seen.putIfAbsent(rule.id(), i);
            if (before != null) {
                f.problem(p + "/rules/" + i + "/id", "rule id '" + rule.id() + "' is already used by rule "
                        + f.where(p + "/rules/" + before).replaceFirst("^.*:", "at line "));
                continue;
            }
            rules.add(rule);
        }
        return new PolicyConfig(rules, production);
    }

    private static PolicyRule rule(Fields f, JsonNode n, String p, Set<String> envNames) {
        if (!f.isObject(n, p, "a policy rule")) {
            f.problem(p, "a policy rule must be a mapping with at least 'id' and 'effect'");
            return null;
        }
        f.onlyKeys(n, p, RULE_KEYS);
        String id = f.string(n, "id", p, null);
        if (id == null || !ID.matcher(id).matches()) {
            f.problem(p + (id == null ? "" : "/id"), "a policy rule needs an 'id' of letters, digits and _ . : - (1-128)");
            return null;
        }
        String what = "rule '" + id + "'";
        String effectName = f.string(n, "effect", p, null);
        Effect effect = effectName == null ? null : EFFECTS.get(effectName);
        if (effect == null) {
            f.problem(p + (effectName == null ? "" : "/effect"), what + " needs an 'effect': allow, deny or require_approval");
            return null;
        }
        List<String> environments = f.strings(n, "environments", p);
        for (String e : environments) {
            if (!envNames.contains(e)) {
                f.problem(p + "/environments", what + " names environment '" + e + "', which is not declared");
            }
        }
        List<String> approvers = f.strings(n, "approvers", p);
        int quorum = (int) f.integer(n, "quorum", p, PolicyRule.DEFAULT_QUORUM, 1, 100);
        Duration ttl = f.duration(n, "ttl", p, PolicyRule.DEFAULT_TTL);
        if (effect == Effect.REQUIRE_APPROVAL) {
            if (approvers.isEmpty()) {
                f.problem(p, what + " requires approval but names no 'approvers' (the roles that may approve)");
            }
            if (ttl.isZero()) {
                f.problem(p + "/ttl", what + ": 'ttl' must be longer than zero");
            }
        } else {
            for (String key : List.of("approvers", "quorum", "ttl")) {
                if (n.has(key)) {
                    f.problem(p + "/" + key, what + ": '" + key + "' applies to require_approval rules only");
                }
            }
        }
        String reason = f.string(n, "reason", p, null);
        String unknown = CompiledRule.unknownPlaceholder(reason);
        if (unknown != null) {
            f.problem(p + "/reason", what + ": 'reason' uses {" + unknown + "}; known placeholders are "
                    + new java.util.TreeSet<>(CompiledRule.PLACEHOLDERS));
        }
        String when = f.string(n, "when", p, null);
        if (when != null) {
            try {
                Conditions.check(when.isBlank() ? "true" : when);
            } catch (CelValidationException e) {
                f.problem(p + "/when", what + ": 'when' does not compile: " + Conditions.describe(e));
            }
        }
        String modeName = f.string(n, "mode", p, "enforce");
        PolicyRule.Mode mode = switch (modeName) {
            case "enforce" -> PolicyRule.Mode.ENFORCE;
            case "audit_only" -> PolicyRule.Mode.AUDIT_ONLY;
            default -> {
                f.problem(p + "/mode", what + ": 'mode' must be enforce or audit_only (a dry run: evaluated and "
                        + "recorded as what it would do, never enforced)");
                yield PolicyRule.Mode.ENFORCE;
            }
        };
        return new PolicyRule(id, f.string(n, "description", p, ""), effect, when, environments, approvers, quorum, ttl,
                reason, f.where(p), mode);
    }
}
