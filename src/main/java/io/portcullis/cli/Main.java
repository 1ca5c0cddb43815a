package io.portcullis.cli;

import io.portcullis.upstream.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code portcullis} command. */
@Command(name = "portcullis", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "MCP control plane: one gateway for every assistant tool call.",
        subcommands = {ServeCommand.class, StdioCommand.class, CheckCommand.class, VersionCommand.class, CatalogCommand.class,
                DemoUpstreamCommand.class, KeysCommand.class, RevokeCommand.class, ConnectCommand.class, AuditCommand.class,
                ApprovalsCommand.class, ReadinessCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        if ("json".equalsIgnoreCase(System.getenv("PORTCULLIS_LOG_FORMAT")) && System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "logback-json.xml");
        }
        int code = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof io.portcullis.store.StoreException) {
                        // a store that is held, missing or broken: one line that says which and what to do, no trace
                        System.err.println("portcullis: " + e.getMessage());
                        return 2;
                    }
                    throw e;
                })
                .execute(args);
        if (code != 0 || args.length == 0 || !isLongRunning(args[0])) {
            System.exit(code);
        }
    }

    private static boolean isLongRunning(String command) {
        return command.equals("serve") || command.equals("stdio");
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"portcullis " + Version.current()};
        }
    }
}
