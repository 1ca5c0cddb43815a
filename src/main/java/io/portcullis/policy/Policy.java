package io.portcullis.policy;

import io.portcullis.policy.CompiledRule.Verdict;
import io.portcullis.protocol.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The policy decision point (C3.1, C3.4): one pure call from a {@link PolicyRequest} to a
 * {@link Decision}. Immutable, built from a {@link PolicyConfig}; thread-safe; every rule's CEL
 * condition is compiled and type-checked once, in {@link #compile}.
 *
 * <h2>Semantics, written once</h2>
 * <ul>
 *   <li><b>Deny by default.</b> When no rule matches, or only rules that do not allow, the effect
 *       is {@link Effect#DENY} with reason {@code "no rule allows this"} and no rule ids.</li>
 *   <li><b>Precedence:</b> deny &gt; require_approval &gt; allow. Every rule that applies is
 *       evaluated; the strongest effect among the matching rules wins, and the decision carries
 *       the ids of all matching rules of that effect, in config order.</li>
 *   <li><b>A rule matches</b> when the environment is in its {@code environments} list (if it has
 *       one) and its {@code when} condition evaluates to {@code true} (a rule without a condition
 *       always matches).</li>
 *   <li><b>Errors fail closed.</b> A condition that fails to evaluate (a missing argument, a
 *       division by zero, a type mismatch, a non-bool result, too many comprehension iterations)
 *       never grants: an erroring allow rule does not match; an erroring deny or require_approval
 *       rule counts as a deny, and the reason names the rule and the error. {@link Decision#errors}
 *       lists every error.</li>
 *   <li><b>Several approval rules</b> combine into one requirement that satisfies them all: the
 *       approver roles every one of them names, the largest quorum, the shortest ttl. If they name
 *       no role in common nobody could approve, so the decision is a deny saying so.</li>
 *   <li><b>Arguments:</b> {@link #decide} takes null arguments as {@code {}} (MCP lets a call omit
 *       them). Reading an argument that is not there is an error, so write
 *       {@code has(args.x) && ...} or {@code !has(args.x) || ...} where it may be absent.</li>
 * </ul>
 *
 * <h2>Visibility ({@code tools/list})</h2>
 * {@link #visible} answers "could this principal call this tool at all?" with the arguments
 * unknown: the tool is visible when no deny rule matches whatever the arguments are (and no deny
 * or approval rule errors) and some allow or require_approval rule matches or might match
 * depending on the arguments. Conditions are partially evaluated with {@code args} unknown, so
 * {@code "ops" in principal.roles && args.x == 1} rules a non-operator out at once.
 */
public final class Policy {
    static final String NO_RULE = "no rule allows this";

    private final Candidates candidates;

    private Policy(List<CompiledRule> rules, Set<String> productionEnvironments) {
        this.candidates = new Candidates(rules, productionEnvironments);
    }

    /**
     * Compiles every rule up front.
     *
     * @throws PolicyException listing every rule that does not compile or is inconsistent (duplicate
     *                         id, approval rule without approvers, unknown reason placeholder), each
     *                         named by its id; nothing half-compiled is ever returned
     */
    public static Policy compile(PolicyConfig config) throws PolicyException {
        List<String> problems = new ArrayList<>();
        List<CompiledRule> compiled = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (PolicyRule rule : config.rules()) {
            if (!ids.add(rule.id())) {
                problems.add(rule.label() + ": the id is used by another rule");
            }
            try {
                compiled.add(CompiledRule.compile(rule));
            } catch (PolicyException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new PolicyException(problems);
        }
        return new Policy(compiled, config.productionEnvironments());
    }

    /** Decides one call. Never throws: anything unexpected becomes a DENY that says so. */
    public Decision decide(PolicyRequest request) {
        if (request == null) {
            return new Decision(Effect.DENY, List.of(), "no request to decide", null, List.of("request is null"));
        }
        try {
            if (request.arguments() == null) {
                request = new PolicyRequest(request.principal(), request.environment(), request.tool(),
                        Json.object(), request.sessionLabels(), request.sessionTools(), request.sessionCalls());
            }
            return decideChecked(request);
        } catch (RuntimeException e) {
            return new Decision(Effect.DENY, List.of(), "the policy could not be evaluated, so the call is refused",
                    null, List.of("policy engine: " + e));
        }
    }

    /** One rule's verdict for one request, and its error when it errored. */
    record Evaluated(CompiledRule rule, Verdict verdict, String error) {}

    private Decision decideChecked(PolicyRequest request) {
        Activation vars = new Activation(request, candidates.production(request.environment()));
        CompiledRule[] rules = candidates.of(request.tool(), request.environment());
        List<Evaluated> evaluated = new ArrayList<>(rules.length);
        List<String> errors = new ArrayList<>(0);
        boolean dryRuns = false;
        for (CompiledRule r : rules) {
            int before = errors.size();
            Verdict v = r.evaluate(vars, errors);
            evaluated.add(new Evaluated(r, v, errors.size() > before ? errors.getLast() : null));
            dryRuns |= r.rule().auditOnly();
        }
        Decision enforced = combine(evaluated, false, request);
        return dryRuns ? withDryRun(enforced, evaluated, request) : enforced;
    }

    /**
     * #11 item 16: audit_only rules are evaluated with the others; when one of them matched or
     * errored, the decision carries what it would have been with them enforced. Its effect is
     * never changed by them.
     */
    private static Decision withDryRun(Decision enforced, List<Evaluated> evaluated, PolicyRequest request) {
        List<String> involved = new ArrayList<>(1);
        List<String> errors = new ArrayList<>(0);
        for (Evaluated e : evaluated) {
            if (e.rule().rule().auditOnly() && (e.verdict() == Verdict.MATCH || e.verdict() == Verdict.ERROR)) {
                involved.add(e.rule().rule().id());
                if (e.error() != null) {
                    errors.add(e.error());
                }
            }
        }
        if (involved.isEmpty()) {
            return enforced;
        }
        Decision all = combine(evaluated, true, request);
        return enforced.withDryRun(new Decision.DryRun(all.effect(), involved, all.reason(), errors));
    }

    /** Combines verdicts into a decision; audit_only rules count only when {@code withAuditOnly}. */
    static Decision combine(List<Evaluated> evaluated, boolean withAuditOnly, PolicyRequest request) {
        List<String> errors = new ArrayList<>(0);
        List<CompiledRule> denies = new ArrayList<>(2);
        List<CompiledRule> approvals = new ArrayList<>(2);
        List<CompiledRule> allows = new ArrayList<>(4);
        List<CompiledRule> denyMatches = new ArrayList<>(2);
        List<String> denyErrors = new ArrayList<>(0);
        for (Evaluated e : evaluated) {
            CompiledRule r = e.rule();
            if (r.rule().auditOnly() && !withAuditOnly) {
                continue;
            }
            if (e.error() != null) {
                errors.add(e.error());
            }
            Verdict v = e.verdict();
            Effect effect = r.rule().effect();
            if (v == Verdict.MATCH && effect == Effect.DENY) {
                denies.add(r);
                denyMatches.add(r);
            } else if (v == Verdict.MATCH) {
                (effect == Effect.REQUIRE_APPROVAL ? approvals : allows).add(r);
            } else if (v == Verdict.ERROR && effect != Effect.ALLOW) {
                denies.add(r);
                denyErrors.add(e.error());
            }
        }
        if (!denies.isEmpty()) {
            return new Decision(Effect.DENY, ids(denies), denyReason(denyMatches, denyErrors, request), null, errors);
        }
        if (!approvals.isEmpty()) {
            return approval(approvals, request, errors);
        }
        if (!allows.isEmpty()) {
            return new Decision(Effect.ALLOW, ids(allows), "allowed by " + quoted(allows), null, errors);
        }
        return new Decision(Effect.DENY, List.of(), NO_RULE, null, errors);
    }

    /**
     * Every rule of the policy, in config order, and what it made of this request: matched, did
     * not match (and which part of its condition was false), errored, or did not apply (its
     * environments or its tool/environment terms exclude the call), with the decision itself
     * (#11 item 16, {@code portcullis policy explain}). Never throws.
     */
    public Explanation explain(PolicyRequest request) {
        Decision decision = decide(request);
        if (request == null) {
            return new Explanation(decision, List.of());
        }
        PolicyRequest r = request.arguments() == null ? new PolicyRequest(request.principal(), request.environment(),
                request.tool(), Json.object(), request.sessionLabels(), request.sessionTools(), request.sessionCalls()) : request;
        boolean production = candidates.production(r.environment());
        return new Explanation(decision, Explainer.explain(candidates.all(), new Activation(r, production), r, production));
    }

    /**
     * Could this principal call this tool at all, whatever the arguments? Used to filter
     * {@code tools/list}. The request's arguments are ignored (taken as unknown). Never throws:
     * anything unexpected hides the tool.
     */
    public boolean visible(PolicyRequest requestWithoutArguments) {
        if (requestWithoutArguments == null) {
            return false;
        }
        try {
            PolicyRequest request = requestWithoutArguments.withoutArguments();
            Activation vars = new Activation(request, candidates.production(request.environment()));
            List<String> errors = new ArrayList<>(0);
            boolean grant = false;
            for (CompiledRule r : candidates.of(request.tool(), request.environment())) {
                if (r.rule().auditOnly()) {
                    continue; // a dry run never hides or shows a tool
                }
                Verdict v = r.evaluateWithoutArgs(vars, errors);
                Effect effect = r.rule().effect();
                if (effect == Effect.DENY && (v == Verdict.MATCH || v == Verdict.ERROR)) {
                    return false;
                }
                if (effect == Effect.REQUIRE_APPROVAL && v == Verdict.ERROR) {
                    return false;
                }
                grant |= effect != Effect.DENY && (v == Verdict.MATCH || v == Verdict.MAYBE);
            }
            return grant;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether some rule (enforced or audit-only) may read {@code session.calls} ({@link SessionReads}; #13, session 10). */
    public boolean readsSessionCalls() {
        return SessionReads.calls(candidates.all().stream().map(r -> r.rule().condition()).toList());
    }

    /** The ids of the rules, in config order. */
    public List<String> ruleIds() {
        return candidates.all().stream().map(r -> r.rule().id()).toList();
    }

    private static Decision approval(List<CompiledRule> approvals, PolicyRequest request, List<String> errors) {
        Set<String> roles = new LinkedHashSet<>(approvals.getFirst().rule().approvers());
        int quorum = 1;
        Duration ttl = null;
        List<String> reasons = new ArrayList<>();
        for (CompiledRule r : approvals) {
            roles.retainAll(r.rule().approvers());
            quorum = Math.max(quorum, r.rule().quorum());
            ttl = ttl == null || r.rule().ttl().compareTo(ttl) < 0 ? r.rule().ttl() : ttl;
            String reason = r.reason(request);
            if (reason != null) {
                reasons.add(reason);
            }
        }
        if (roles.isEmpty()) {
            return new Decision(Effect.DENY, ids(approvals), quoted(approvals)
                    + " require approval but name no approver role in common, so nobody could approve", null, errors);
        }
        String reason = reasons.isEmpty() ? "approval required by " + quoted(approvals) : String.join("; ", reasons);
        return new Decision(Effect.REQUIRE_APPROVAL, ids(approvals), reason,
                new ApprovalRequirement(List.copyOf(roles), quorum, ttl, reason), errors);
    }

    private static String denyReason(List<CompiledRule> matched, List<String> denyErrors, PolicyRequest request) {
        for (CompiledRule r : matched) {
            String reason = r.reason(request);
            if (reason != null) {
                return reason;
            }
        }
        if (!matched.isEmpty()) {
            return "denied by " + quoted(matched);
        }
        return String.join("; ", denyErrors) + " (a rule that errors never grants, so the call is refused)";
    }

    private static List<String> ids(List<CompiledRule> rules) {
        return rules.stream().map(r -> r.rule().id()).toList();
    }

    private static String quoted(List<CompiledRule> rules) {
        return (rules.size() == 1 ? "rule " : "rules ")
                + String.join(", ", rules.stream().map(r -> "'" + r.rule().id() + "'").toList());
    }
}
