package io.portcullis.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rule with its condition compiled once: the CEL program, its {@link Target}, and, when it
 * reads {@code args}, its {@link Skeleton} for deciding visibility without them. Immutable and
 * shared by every thread.
 */
record CompiledRule(PolicyRule rule, CelRuntime.Program program, Skeleton skeleton, Target target) {

    /** How one rule came out for one request. */
    enum Verdict { MATCH, NO_MATCH, MAYBE, ERROR }

    static final Set<String> PLACEHOLDERS = Set.of("tool", "upstream", "risk", "env", "subject", "rule");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]*)}");

    /** Compiles and checks one rule; every problem names the rule. */
    static CompiledRule compile(PolicyRule rule) throws PolicyException {
        List<String> problems = new ArrayList<>(problemsOutsideCondition(rule));
        CelAbstractSyntaxTree ast = null;
        try {
            ast = Conditions.check(rule.condition());
        } catch (CelValidationException e) {
            problems.add(rule.label() + ": condition does not compile: " + Conditions.describe(e));
        }
        if (!problems.isEmpty()) {
            throw new PolicyException(problems);
        }
        try {
            Skeleton skeleton = Skeleton.readsArgs(ast.getExpr()) ? Skeleton.of(ast) : null;
            return new CompiledRule(rule, Conditions.program(ast), skeleton, Target.of(ast.getExpr(), rule.environments()));
        } catch (CelEvaluationException e) {
            throw new PolicyException(List.of(rule.label() + ": condition cannot be planned: " + e.getMessage()));
        }
    }

    /** What is wrong with a rule apart from its CEL condition. */
    static List<String> problemsOutsideCondition(PolicyRule rule) {
        List<String> out = new ArrayList<>();
        if (rule.id().isBlank()) {
            out.add(rule.label() + ": 'id' must not be empty");
        }
        if (rule.effect() == Effect.REQUIRE_APPROVAL) {
            if (rule.approvers().isEmpty()) {
                out.add(rule.label() + ": require_approval needs 'approvers' (the roles that may approve)");
            }
            if (rule.quorum() < 1) {
                out.add(rule.label() + ": 'quorum' must be at least 1");
            }
            if (rule.ttl().isNegative() || rule.ttl().isZero()) {
                out.add(rule.label() + ": 'ttl' must be positive");
            }
        } else if (!rule.approvers().isEmpty()) {
            out.add(rule.label() + ": 'approvers' apply to require_approval rules only");
        }
        String unknown = unknownPlaceholder(rule.reason());
        if (unknown != null) {
            out.add(rule.label() + ": 'reason' uses {" + unknown + "}; known placeholders are " + PLACEHOLDERS);
        }
        return out;
    }

    /** The first placeholder in a reason template that is not known, or null. */
    static String unknownPlaceholder(String template) {
        if (template == null) {
            return null;
        }
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) {
                return m.group(1);
            }
        }
        return null;
    }

    /** Evaluates the condition with every variable known. Errors go to {@code errors}; never throws. */
    Verdict evaluate(Activation vars, List<String> errors) {
        try {
            return verdict(program.eval(vars), errors);
        } catch (CelEvaluationException | RuntimeException e) {
            errors.add("rule '" + rule.id() + "': " + message(e));
            return Verdict.ERROR;
        }
    }

    /**
     * Evaluates the condition with {@code args} unknown: MAYBE when the answer depends on them.
     * The rest of the condition still settles it where it can ({@code "ops" in principal.roles &&
     * args.x == 1} is false for a non-operator); see {@link Skeleton}.
     */
    Verdict evaluateWithoutArgs(Activation vars, List<String> errors) {
        return skeleton == null ? evaluate(vars, errors) : Skeleton.verdict(skeleton.evaluate(vars, rule.id(), errors));
    }

    String reason(PolicyRequest request) {
        String template = rule.reason();
        if (template == null) {
            return null;
        }
        return template.replace("{tool}", request.tool().name())
                .replace("{upstream}", request.tool().upstream())
                .replace("{risk}", request.tool().riskClass())
                .replace("{env}", request.environment())
                .replace("{subject}", request.principal().subject())
                .replace("{rule}", rule.id());
    }

    private Verdict verdict(Object result, List<String> errors) {
        if (result instanceof Boolean b) {
            return b ? Verdict.MATCH : Verdict.NO_MATCH;
        }
        // a condition over dyn values (args.flag) can type-check and still yield a non-bool
        errors.add("rule '" + rule.id() + "': condition gave " + (result == null ? "null" : result.getClass().getSimpleName())
                + ", not a bool");
        return Verdict.ERROR;
    }

    private static String message(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // CEL prefixes "evaluation error at <input>:N:"; the rule id already says where
        return m.replaceFirst("^evaluation error at <input>:\\d+: ", "");
    }
}
