package io.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Issue #12 item 6: every command and subcommand answers {@code --help} with its usage and exit 0,
 * even when it has required options (before, {@code portcullis approvals approve --help} printed
 * "Missing required options" and exited 2).
 */
class HelpTest {

    @Test
    void everySubcommandAnswersHelpWithExitZero() {
        List<List<String>> paths = new ArrayList<>();
        collect(new CommandLine(new Main()), new ArrayList<>(), paths);
        assertThat(paths).as("every command is visited").hasSizeGreaterThan(20);
        for (List<String> path : paths) {
            CommandLine root = new CommandLine(new Main());
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            root.setOut(new PrintWriter(out));
            root.setErr(new PrintWriter(err));
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            int code = root.execute(args.toArray(String[]::new));
            assertThat(code).as(String.join(" ", args) + ": " + err).isZero();
            assertThat(out.toString()).as(String.join(" ", args)).contains("Usage: portcullis");
        }
    }

    private static void collect(CommandLine cmd, List<String> path, List<List<String>> into) {
        into.add(List.copyOf(path));
        cmd.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandName().equals(name)) { // aliases once
                List<String> next = new ArrayList<>(path);
                next.add(name);
                collect(sub, next, into);
            }
        });
    }
}
