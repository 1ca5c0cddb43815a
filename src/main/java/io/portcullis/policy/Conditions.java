package io.portcullis.policy;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one CEL environment every rule condition is compiled in: the variables a rule may read,
 * their types (so that a misspelt field is a config error, not a runtime surprise), the
 * extensions, and the limits. Compiler and runtime are immutable and shared by all policies.
 *
 * <p>Variables: {@code principal} (subject, kind, display_name, roles, client, auth_method),
 * {@code env} (string), {@code production} (bool), {@code tool} (name, upstream, risk, owner,
 * labels), {@code args} (map of the call's arguments) and {@code session} (labels, tools, calls: the conversation so far, #13 item 5).
 */
final class Conditions {
    static final String ARGS = "args";

    /**
     * Comprehensions ({@code all}, {@code exists}, ...) over caller-supplied arguments are bounded:
     * past this many iterations the rule errors, and an erroring rule never grants.
     */
    static final int MAX_ITERATIONS = 10_000;

    private static final CelOptions OPTIONS = CelOptions.current()
            // JSON has one number type: let 3 == 3.0 and args.count > 2.5 work as people expect
            .enableHeterogeneousNumericComparisons(true)
            .comprehensionMaxIterations(MAX_ITERATIONS)
            .build();

    static final StructType PRINCIPAL = struct("portcullis.Principal", fields(
            "subject", SimpleType.STRING, "kind", SimpleType.STRING, "display_name", SimpleType.STRING,
            "roles", ListType.create(SimpleType.STRING), "client", SimpleType.STRING,
            "auth_method", SimpleType.STRING));
    static final StructType TOOL = struct("portcullis.Tool", fields(
            "name", SimpleType.STRING, "upstream", SimpleType.STRING, "risk", SimpleType.STRING,
            "owner", SimpleType.STRING, "labels", ListType.create(SimpleType.STRING)));
    static final StructType RESOURCE = struct("portcullis.Resource", fields(
            "uri", SimpleType.STRING, "upstream", SimpleType.STRING, "risk", SimpleType.STRING,
            "owner", SimpleType.STRING, "labels", ListType.create(SimpleType.STRING)));
    static final StructType PROMPT = struct("portcullis.Prompt", fields(
            "name", SimpleType.STRING, "upstream", SimpleType.STRING, "risk", SimpleType.STRING,
            "owner", SimpleType.STRING, "labels", ListType.create(SimpleType.STRING)));
    static final StructType SESSION = struct("portcullis.Session", fields(
            "labels", ListType.create(SimpleType.STRING), "tools", ListType.create(SimpleType.STRING),
            "calls", SimpleType.INT));

    private static final CelTypeProvider TYPES = new CelTypeProvider() {
        private final ImmutableList<CelType> all = ImmutableList.of(PRINCIPAL, TOOL, SESSION, RESOURCE, PROMPT);

        @Override
        public ImmutableList<CelType> types() {
            return all;
        }

        @Override
        public Optional<CelType> findType(String name) {
            return all.stream().filter(t -> t.name().equals(name)).findFirst();
        }
    };

    private static final String GLOB_OVERLOAD = "string_glob_string";

    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .setTypeProvider(TYPES)
            .addLibraries(CelExtensions.strings(), CelExtensions.sets(OPTIONS))
            .addVar("principal", PRINCIPAL)
            .addVar("env", SimpleType.STRING)
            .addVar("production", SimpleType.BOOL)
            .addVar("tool", TOOL)
            .addVar(ARGS, MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("session", SESSION)
            .addVar("kind", SimpleType.STRING)
            .addVar("resource", RESOURCE)
            .addVar("prompt", PROMPT)
            .addFunctionDeclarations(CelFunctionDecl.newFunctionDeclaration("glob",
                    CelOverloadDecl.newMemberOverload(GLOB_OVERLOAD,
                            "pattern.glob(value): * matches any run of characters, ? exactly one",
                            SimpleType.BOOL, SimpleType.STRING, SimpleType.STRING)))
            .setResultType(SimpleType.BOOL)
            .build();

    // The planner runtime: the CEL-Java maintainers' recommended runtime, and the faster one
    private static final CelRuntime RUNTIME = CelRuntimeFactory.plannerRuntimeBuilder()
            .setOptions(OPTIONS)
            .setTypeProvider(TYPES)
            .addLibraries(CelExtensions.strings(), CelExtensions.sets(OPTIONS))
            .addFunctionBindings(CelFunctionBinding.from(GLOB_OVERLOAD, String.class, String.class, Glob::matches))
            .build();

    private Conditions() {}

    /** Parses and type-checks a condition; the exception's message points into the expression. */
    static CelAbstractSyntaxTree check(String expression) throws CelValidationException {
        return COMPILER.compile(expression).getAst();
    }

    static CelRuntime.Program program(CelAbstractSyntaxTree ast) throws CelEvaluationException {
        return RUNTIME.createProgram(ast);
    }

    /** A compile error as one line: CEL's message without the echoed source and caret lines. */
    static String describe(CelValidationException e) {
        return e.getErrors().stream()
                .map(i -> i.getSourceLocation().getLine() + ":" + (i.getSourceLocation().getColumn() + 1) + ": "
                        + i.getMessage())
                .reduce((a, b) -> a + "; " + b)
                .orElse(e.getMessage());
    }

    private static StructType struct(String name, Map<String, CelType> fields) {
        return StructType.create(name, ImmutableSet.copyOf(fields.keySet()), f -> Optional.ofNullable(fields.get(f)));
    }

    private static Map<String, CelType> fields(Object... pairs) {
        Map<String, CelType> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (CelType) pairs[i + 1]);
        }
        return m;
    }
}
