package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * #12 item 6: one exit-code convention for every subcommand (0 ok, 1 the check failed, 2 usage or
 * config error), in every {@code --help}. Walks every command that reads a config, gives it a config
 * with problems, and expects 2 with the problem named, never a stack trace. {@code check} is the one
 * whose verdict on the config IS the check: 1.
 */
class ExitCodeTest {

    record Run(int code, String out, String err) {}

    static Run run(List<String> args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.commandLine().execute(args.toArray(String[]::new));
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void item6_everyCommandExitsTwoOnABadConfigAndOneForCheck(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "upstreams: 5\nno_such_section: {}\n");
        Map<String, List<String>> commands = new LinkedHashMap<>();
        collect(Main.commandLine(), new ArrayList<>(), commands, bad, dir);
        assertThat(commands.keySet()).as("every command that reads a config").contains("serve", "stdio", "check", "catalog list",
                "keys create", "keys list", "keys revoke", "revoke", "approvals list", "approvals approve", "audit verify",
                "audit search", "audit trace", "audit export", "audit pubkey", "audit rotate-key", "readiness", "policy test",
                "policy explain");
        for (var c : commands.entrySet()) {
            Run r = run(c.getValue());
            int expected = c.getKey().equals("check") ? Exit.FAILED : Exit.USAGE;
            assertThat(r.code()).as(c.getValue() + "\nout: " + r.out() + "\nerr: " + r.err()).isEqualTo(expected);
            assertThat(r.out() + r.err()).as(c.getKey()).contains("bad.yaml").doesNotContain("\tat ", "Exception");
        }
    }

    @Test
    void item6_everyHelpStatesTheConvention() {
        List<CommandLine> all = new ArrayList<>();
        all(Main.commandLine(), all);
        for (CommandLine c : all) {
            StringWriter w = new StringWriter();
            c.usage(new PrintWriter(w));
            assertThat(w.toString()).as(c.getCommandSpec().qualifiedName())
                    .contains("Exit codes: 0 ok; 1 the check failed", "2 usage or config error");
        }
    }

    @Test
    void item6_aBadOptionIsTwo() {
        assertThat(run(List.of("keys", "create", "--no-such-option")).code()).isEqualTo(2);
        assertThat(run(List.of("no-such-command")).code()).isEqualTo(2);
    }

    private static void all(CommandLine c, List<CommandLine> into) {
        into.add(c);
        c.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandName().equals(name)) {
                all(sub, into);
            }
        });
    }

    /** Every leaf command with a --config option, with its required options and parameters filled in. */
    private static void collect(CommandLine cmd, List<String> path, Map<String, List<String>> into, Path bad, Path dir) {
        if (!cmd.getSubcommands().isEmpty()) {
            cmd.getSubcommands().forEach((name, sub) -> {
                if (sub.getCommandName().equals(name)) {
                    List<String> next = new ArrayList<>(path);
                    next.add(name);
                    collect(sub, next, into, bad, dir);
                }
            });
            return;
        }
        var spec = cmd.getCommandSpec();
        if (spec.findOption("--config") == null) {
            return;
        }
        List<String> args = new ArrayList<>(path);
        args.add("--config");
        args.add(bad.toString());
        for (OptionSpec o : spec.options()) {
            if (o.required() && o.group() == null && !o.longestName().equals("--config")) {
                args.add(o.longestName());
                args.add(value(o.type(), dir));
            }
        }
        for (ArgGroupSpec g : spec.argGroups()) {
            OptionSpec first = g.options().getFirst();
            args.add(first.longestName());
            if (first.arity().max() > 0) {
                args.add(value(first.type(), dir));
            }
        }
        spec.positionalParameters().forEach(p -> args.add(value(p.type(), dir)));
        into.put(String.join(" ", path), args);
    }

    private static String value(Class<?> type, Path dir) {
        return type == Path.class ? dir.resolve("some-file").toString() : "1d";
    }
}
