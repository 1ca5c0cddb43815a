package io.portcullis.cli;

import io.portcullis.settings.ConfigException;
import io.portcullis.upstream.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code portcullis} command. */
@Command(name = "portcullis", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = Main.VersionProvider.class,
        description = "MCP control plane: one gateway for every assistant tool call.",
        subcommands = {ServeCommand.class, StdioCommand.class, CheckCommand.class, VersionCommand.class, CatalogCommand.class,
                DemoUpstreamCommand.class, KeysCommand.class, RevokeCommand.class, ConnectCommand.class, AuditCommand.class,
                ApprovalsCommand.class, ReadinessCommand.class, PolicyCommand.class, DemoConfigCommand.class,
                DataPolicyCommand.class, KillCommand.class, UnkillCommand.class, CredentialsCommand.class,
                ReviewCommand.class, ChangelogCommand.class, NodesCommand.class, ChangesCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        if ("json".equalsIgnoreCase(System.getenv("PORTCULLIS_LOG_FORMAT")) && System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "logback-json.xml");
        }
        int code = commandLine().execute(args);
        if (code != 0 || args.length == 0 || !isLongRunning(args[0])) {
            System.exit(code);
        }
    }

    /**
     * The {@code portcullis} command line as {@link #main} runs it (tests run it the same way): every
     * command's help ends with the exit codes ({@link Exit}, #12 item 6), and whatever a command lets
     * escape is handled by {@link #oneLine}.
     */
    public static CommandLine commandLine() {
        CommandLine root = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(Main::oneLine);
        footer(root);
        return root;
    }

    private static void footer(CommandLine cmd) {
        cmd.getCommandSpec().usageMessage().footer(Exit.FOOTER);
        cmd.getSubcommands().values().forEach(Main::footer);
    }

    /**
     * #21 item 11, #11 item 23: whatever a command lets escape is one line naming what failed and the fix.
     * #12 item 6: a config with problems is exit 2 in every command (each problem on its own line, file:line first).
     */
    private static int oneLine(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if ("1".equals(System.getenv("PORTCULLIS_DEBUG"))) {
            e.printStackTrace();
        }
        if (e instanceof ConfigException c) {
            System.err.println("portcullis: the config has problems:");
            c.problems().forEach(p -> System.err.println("  " + p));
            return Exit.USAGE;
        }
        System.err.println(CliFailure.line(e));
        return e instanceof CliFailure f ? f.code() : Exit.USAGE; // it could not run: not a verdict
    }

    /** {@code stdio} ends by itself when its input ends; {@code serve} returns after a drained stop and exits 0 then. */
    private static boolean isLongRunning(String command) {
        return command.equals("stdio");
    }

    @Override
    public void run() {
        commandLine().usage(System.out);
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"portcullis " + Version.current()};
        }
    }
}
