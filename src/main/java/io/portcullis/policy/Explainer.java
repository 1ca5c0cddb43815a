package io.portcullis.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import io.portcullis.policy.CompiledRule.Verdict;
import io.portcullis.policy.Explanation.Outcome;
import io.portcullis.policy.Explanation.RuleResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Works out, for {@link Policy#explain}, why each rule did or did not match: the environments
 * list, the {@link Target} terms, and for a false condition the first of its top-level
 * {@code &&} terms that is false, evaluated on its own with the same variables.
 */
final class Explainer {
    private Explainer() {}

    static List<RuleResult> explain(List<CompiledRule> rules, Activation vars, PolicyRequest request, boolean production) {
        List<RuleResult> out = new ArrayList<>(rules.size());
        for (CompiledRule r : rules) {
            PolicyRule rule = r.rule();
            Outcome outcome;
            String why;
            String excluded = excluded(r, request, production);
            if (excluded != null) {
                outcome = Outcome.NOT_APPLICABLE;
                why = excluded;
            } else {
                List<String> errors = new ArrayList<>(1);
                Verdict v = r.evaluate(vars, errors);
                switch (v) {
                    case MATCH -> {
                        outcome = Outcome.MATCHED;
                        why = rule.when() == null || rule.when().isBlank() ? "no condition (always matches)"
                                : "`" + rule.condition() + "` is true";
                    }
                    case ERROR -> {
                        outcome = Outcome.ERRORED;
                        why = errors.isEmpty() ? "the condition could not be evaluated" : errors.getFirst()
                                + (rule.effect() == Effect.ALLOW ? " (an erroring allow rule does not grant)"
                                : " (an erroring " + rule.effect().yamlName() + " rule counts as a deny)");
                    }
                    default -> {
                        outcome = Outcome.NOT_MATCHED;
                        why = falseTerm(rule.condition(), vars);
                    }
                }
            }
            out.add(new RuleResult(rule.id(), rule.effect(), rule.mode(), outcome, why, rule.origin()));
        }
        return out;
    }

    /** Why the rule does not apply to the request at all, or null when it does. */
    private static String excluded(CompiledRule r, PolicyRequest request, boolean production) {
        List<String> envs = r.rule().environments();
        if (!envs.isEmpty() && !envs.contains(request.environment())) {
            return "applies only in environments " + envs + "; this call is in " + request.environment();
        }
        return r.target().whyNot(request.tool(), request.environment(), production);
    }

    /**
     * The first top-level {@code &&} term of a false condition that is false on its own; the
     * whole condition when it has no such terms (or a term cannot be checked alone).
     */
    static String falseTerm(String condition, Activation vars) {
        List<String> terms = conjuncts(condition);
        if (terms.size() > 1) {
            for (String term : terms) {
                try {
                    CelAbstractSyntaxTree ast = Conditions.check(term);
                    if (Boolean.FALSE.equals(Conditions.program(ast).eval(vars))) {
                        return "`" + term.strip() + "` is false";
                    }
                } catch (Exception e) {
                    break; // a term that does not stand alone: describe the whole condition
                }
            }
        }
        return "`" + condition.strip() + "` is false";
    }

    /**
     * Splits a condition at its top-level {@code &&}; a single term when it has a top-level
     * {@code ||} or {@code ? :} (which bind looser than {@code &&}) or cannot be scanned.
     */
    static List<String> conjuncts(String condition) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        char quote = 0;
        for (int i = 0; i < condition.length(); i++) {
            char c = condition.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            switch (c) {
                case '"', '\'' -> quote = c;
                case '(', '[', '{' -> depth++;
                case ')', ']', '}' -> depth--;
                case '?' -> {
                    if (depth == 0) {
                        return List.of(condition);
                    }
                }
                case '|' -> {
                    if (depth == 0 && i + 1 < condition.length() && condition.charAt(i + 1) == '|') {
                        return List.of(condition);
                    }
                }
                case '&' -> {
                    if (depth == 0 && i + 1 < condition.length() && condition.charAt(i + 1) == '&') {
                        out.add(condition.substring(start, i));
                        start = i + 2;
                        i++;
                    }
                }
                default -> { }
            }
        }
        if (quote != 0 || depth != 0) {
            return List.of(condition);
        }
        out.add(condition.substring(start));
        return out;
    }
}
