package io.portcullis.policy;

import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a rule can apply to, read off its condition before any call: top-level {@code &&} terms
 * such as {@code tool.name == "x"}, {@code tool.upstream in ["a", "b"]}, {@code tool.risk == "r"},
 * {@code env == "prod"} and {@code production} / {@code !production}, plus the rule's
 * {@code environments} list. A request outside the target makes one of those terms false, and in
 * CEL {@code false && anything} is false even when the other side errors, so skipping the rule
 * gives exactly the answer evaluating it would: no match, no error. This is what keeps a decision
 * over hundreds of rules to the few that concern the tool at hand.
 *
 * <p>Each set is null when the condition does not constrain that attribute.
 */
record Target(Set<String> names, Set<String> upstreams, Set<String> risks, Set<String> envs, Boolean production) {

    static final Target ANY = new Target(null, null, null, null, null);

    boolean admits(ToolFacts tool, String env, boolean isProduction) {
        return (names == null || names.contains(tool.name()))
                && (upstreams == null || upstreams.contains(tool.upstream()))
                && (risks == null || risks.contains(tool.riskClass()))
                && (envs == null || envs.contains(env))
                && (production == null || production == isProduction);
    }

    /**
     * Why a request lies outside this target, naming the first term that excludes it, or null when
     * the target admits it (for {@link Policy#explain}).
     */
    String whyNot(ToolFacts tool, String env, boolean isProduction) {
        if (names != null && !names.contains(tool.name())) {
            return "its condition needs tool.name in " + sorted(names) + "; this tool is " + tool.name();
        }
        if (upstreams != null && !upstreams.contains(tool.upstream())) {
            return "its condition needs tool.upstream in " + sorted(upstreams) + "; this tool's is " + tool.upstream();
        }
        if (risks != null && !risks.contains(tool.riskClass())) {
            return "its condition needs tool.risk in " + sorted(risks) + "; this tool is " + tool.riskClass();
        }
        if (envs != null && !envs.contains(env)) {
            return "it applies only in environments " + sorted(envs) + "; this call is in " + env;
        }
        if (production != null && production != isProduction) {
            return "its condition needs " + (production ? "" : "!") + "production; " + env + " is "
                    + (isProduction ? "" : "not ") + "production";
        }
        return null;
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }

    /** The target of a checked condition, narrowed further by an {@code environments} list (empty = any). */
    static Target of(CelExpr condition, List<String> environments) {
        Target t = environments.isEmpty() ? ANY : ANY.with("env", Set.copyOf(environments));
        return t.narrow(condition);
    }

    private Target narrow(CelExpr e) {
        if (e.getKind() == CelExpr.ExprKind.Kind.IDENT && e.ident().name().equals("production")) {
            return new Target(names, upstreams, risks, envs, Boolean.TRUE);
        }
        if (e.getKind() != CelExpr.ExprKind.Kind.CALL) {
            return this;
        }
        CelExpr.CelCall call = e.call();
        List<CelExpr> args = call.args();
        switch (call.function()) {
            case "_&&_" -> {
                Target t = this;
                for (CelExpr a : args) {
                    t = t.narrow(a);
                }
                return t;
            }
            case "!_" -> {
                CelExpr a = args.getFirst();
                boolean notProduction = a.getKind() == CelExpr.ExprKind.Kind.IDENT && a.ident().name().equals("production");
                return notProduction ? new Target(names, upstreams, risks, envs, Boolean.FALSE) : this;
            }
            case "_==_" -> {
                String attr = attribute(args.get(0));
                String value = string(args.get(1));
                if (attr == null || value == null) {
                    attr = attribute(args.get(1));
                    value = string(args.get(0));
                }
                return attr == null || value == null ? this : with(attr, Set.of(value));
            }
            case "@in" -> {
                String attr = attribute(args.get(0));
                Set<String> values = strings(args.get(1));
                return attr == null || values == null ? this : with(attr, values);
            }
            default -> {
                return this;
            }
        }
    }

    private Target with(String attr, Set<String> values) {
        return switch (attr) {
            case "name" -> new Target(meet(names, values), upstreams, risks, envs, production);
            case "upstream" -> new Target(names, meet(upstreams, values), risks, envs, production);
            case "risk" -> new Target(names, upstreams, meet(risks, values), envs, production);
            default -> new Target(names, upstreams, risks, meet(envs, values), production);
        };
    }

    private static Set<String> meet(Set<String> a, Set<String> b) {
        if (a == null) {
            return Set.copyOf(b);
        }
        Set<String> both = new HashSet<>(a);
        both.retainAll(b);
        return Set.copyOf(both);
    }

    /** "env", or the tool field for {@code tool.name}, {@code tool.upstream}, {@code tool.risk}; else null. */
    private static String attribute(CelExpr e) {
        if (e.getKind() == CelExpr.ExprKind.Kind.IDENT && e.ident().name().equals("env")) {
            return "env";
        }
        if (e.getKind() == CelExpr.ExprKind.Kind.SELECT && !e.select().testOnly()) {
            CelExpr operand = e.select().operand();
            String field = e.select().field();
            boolean onTool = operand.getKind() == CelExpr.ExprKind.Kind.IDENT && operand.ident().name().equals("tool");
            if (onTool && (field.equals("name") || field.equals("upstream") || field.equals("risk"))) {
                return field;
            }
        }
        return null;
    }

    private static String string(CelExpr e) {
        return e.getKind() == CelExpr.ExprKind.Kind.CONSTANT && e.constant().getKind() == CelConstant.Kind.STRING_VALUE
                ? e.constant().stringValue()
                : null;
    }

    private static Set<String> strings(CelExpr e) {
        if (e.getKind() != CelExpr.ExprKind.Kind.LIST || !e.list().optionalIndices().isEmpty()) {
            return null;
        }
        Set<String> out = new HashSet<>();
        for (CelExpr x : e.list().elements()) {
            String s = string(x);
            if (s == null) {
                return null;
            }
            out.add(s);
        }
        return out;
    }
}
