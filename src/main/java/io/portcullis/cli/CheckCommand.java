package io.portcullis.cli;

import io.portcullis.settings.ConfigException;
import io.portcullis.config.ConfigReader;
import io.portcullis.config.GatewayConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code portcullis check}: the one command that reports config problems itself, as its verdict (exit 1, #12 item 6). */
@Command(name = "check", description = "Validates a config file; prints every problem with file:line and exits 1 if there is any.")
final class CheckCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "the config file")
    Path config;

    @Override
    public Integer call() {
        try {
            GatewayConfig c = Configs.load(config); // --config is required: never the demo
            System.out.printf("%s: OK (%d upstreams, %d environments, %d tool settings)%n",
                    config, c.upstreams().size(), c.environments().size(), c.tools().size());
            return 0;
        } catch (ConfigException e) {
            e.problems().forEach(p -> System.out.println(p));
            System.out.println(e.problems().size() + " problem(s) found");
            return Exit.FAILED; // #12 item 6: a config with problems is this command's failed check, not a usage error
        }
    }
}
