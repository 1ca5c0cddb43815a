package io.portcullis.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import io.portcullis.policy.CompiledRule.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * A condition that reads {@code args}, seen as its logical skeleton ({@code &&}, {@code ||},
 * {@code !}, {@code ? :}) over leaves, for deciding visibility while the arguments are unknown. A leaf that
 * reads {@code args} is unknown; every other leaf is compiled on its own and evaluated as usual.
 * The skeleton is then evaluated in CEL's own three-valued way: {@code false} decides an
 * {@code &&} and {@code true} an {@code ||} whatever the other side (unknown or error); otherwise
 * unknown wins over error. So {@code "ops" in principal.roles && args.n < 10} is false for a
 * non-operator, and {@code env == "prod" || args.force} is true in prod, without the arguments.
 *
 * <p>This is what CEL's partial evaluation answers too, at a fraction of its cost: partial
 * evaluation checks every attribute against the unknown patterns with a regex.
 */
sealed interface Skeleton {

    enum Value { TRUE, FALSE, UNKNOWN, ERROR }

    record And(List<Skeleton> parts) implements Skeleton {}

    record Or(List<Skeleton> parts) implements Skeleton {}

    record Not(Skeleton part) implements Skeleton {}

    record Choice(Skeleton condition, Skeleton then, Skeleton otherwise) implements Skeleton {}

    record Leaf(CelRuntime.Program program) implements Skeleton {}

    record Unknown() implements Skeleton {}

    /** The skeleton of a checked condition; leaves become programs over the same type information. */
    static Skeleton of(CelAbstractSyntaxTree ast) throws CelEvaluationException {
        return of(ast, ast.getExpr());
    }

    private static Skeleton of(CelAbstractSyntaxTree ast, CelExpr e) throws CelEvaluationException {
        if (e.getKind() == CelExpr.ExprKind.Kind.CALL) {
            String f = e.call().function();
            if (f.equals("_&&_") || f.equals("_||_")) {
                List<Skeleton> parts = new ArrayList<>();
                for (CelExpr a : e.call().args()) {
                    parts.add(of(ast, a));
                }
                return f.equals("_&&_") ? new And(parts) : new Or(parts);
            }
            if (f.equals("!_")) {
                return new Not(of(ast, e.call().args().getFirst()));
            }
            if (f.equals("_?_:_")) {
                List<CelExpr> a = e.call().args();
                return new Choice(of(ast, a.get(0)), of(ast, a.get(1)), of(ast, a.get(2)));
            }
        }
        if (readsArgs(e)) {
            return new Unknown();
        }
        CelAbstractSyntaxTree leaf = CelAbstractSyntaxTree.newCheckedAst(e, ast.getSource(), ast.getReferenceMap(),
                ast.getTypeMap());
        return new Leaf(Conditions.program(leaf));
    }

    static boolean readsArgs(CelExpr e) {
        return CelNavigableExpr.fromExpr(e).allNodes().anyMatch(n -> n.expr().getKind() == CelExpr.ExprKind.Kind.IDENT
                && n.expr().ident().name().equals(Conditions.ARGS));
    }

    /** Evaluates with the arguments unknown; errors of leaves go to {@code errors}. */
    default Value evaluate(Activation vars, String ruleId, List<String> errors) {
        return switch (this) {
            case And a -> combine(a.parts(), Value.FALSE, Value.TRUE, vars, ruleId, errors);
            case Or o -> combine(o.parts(), Value.TRUE, Value.FALSE, vars, ruleId, errors);
            case Not n -> switch (n.part().evaluate(vars, ruleId, errors)) {
                case TRUE -> Value.FALSE;
                case FALSE -> Value.TRUE;
                case UNKNOWN -> Value.UNKNOWN;
                case ERROR -> Value.ERROR;
            };
            case Choice c -> switch (c.condition().evaluate(vars, ruleId, errors)) {
                case TRUE -> c.then().evaluate(vars, ruleId, errors);
                case FALSE -> c.otherwise().evaluate(vars, ruleId, errors);
                case ERROR -> Value.ERROR;
                case UNKNOWN -> {
                    Value a = c.then().evaluate(vars, ruleId, errors);
                    yield a == c.otherwise().evaluate(vars, ruleId, errors) && a != Value.ERROR ? a : Value.UNKNOWN;
                }
            };
            case Unknown u -> Value.UNKNOWN;
            case Leaf l -> leaf(l, vars, ruleId, errors);
        };
    }

    private static Value combine(List<Skeleton> parts, Value decisive, Value neutral, Activation vars, String ruleId,
            List<String> errors) {
        Value result = neutral;
        for (Skeleton p : parts) {
            Value v = p.evaluate(vars, ruleId, errors);
            if (v == decisive) {
                return decisive;
            }
            if (v == Value.UNKNOWN || (v == Value.ERROR && result == neutral)) {
                result = v;
            }
        }
        return result;
    }

    private static Value leaf(Leaf l, Activation vars, String ruleId, List<String> errors) {
        try {
            Object r = l.program().eval(vars);
            if (r instanceof Boolean b) {
                return b ? Value.TRUE : Value.FALSE;
            }
            errors.add("rule '" + ruleId + "': condition gave " + (r == null ? "null" : r.getClass().getSimpleName())
                    + ", not a bool");
        } catch (CelEvaluationException | RuntimeException e) {
            errors.add("rule '" + ruleId + "': " + e.getMessage());
        }
        return Value.ERROR;
    }

    static Verdict verdict(Value v) {
        return switch (v) {
            case TRUE -> Verdict.MATCH;
            case FALSE -> Verdict.NO_MATCH;
            case UNKNOWN -> Verdict.MAYBE;
            case ERROR -> Verdict.ERROR;
        };
    }
}
