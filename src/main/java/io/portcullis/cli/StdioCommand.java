package io.portcullis.cli;

import io.portcullis.Gateway;
import io.portcullis.settings.ConfigException;
import io.portcullis.config.GatewayConfig;
import io.portcullis.ingress.StdioServer;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "stdio", description = "Serves one local client over stdin/stdout (the client launches the gateway).")
final class StdioCommand implements Callable<Integer> {
    @Option(names = "--config", description = "the config file (default: the built-in demo)")
    Path config;

    @Option(names = "--env", description = "the environment to serve (default: the config's first)")
    String env;

    @Override
    public Integer call() throws Exception {
        OutputStream protocolOut = new FileOutputStream(FileDescriptor.out);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true)); // stdout is for MCP only
        GatewayConfig cfg = Configs.load(config); // problems: exit 2 (Main)
        String environment = env == null ? cfg.defaultEnvironment().name() : env;
        if (cfg.environment(environment).isEmpty()) {
            System.err.println("portcullis: environment '" + environment + "' is not declared in the config");
            return Exit.USAGE;
        }
        Preflight.requireWritable(cfg.server().dataDir()); // #21 item 11
        Gateway opened;
        try {
            opened = new Gateway(cfg);
        } catch (io.portcullis.store.StoreException e) {
            System.err.println("portcullis: " + e.getMessage()); // e.g. #11 item 17: the data directory is in use
            return Exit.USAGE;
        }
        try (Gateway gateway = opened) {
            gateway.start();
            gateway.apply(gateway.config());
            gateway.changeControl().offer(cfg); // #15 item 4: the file's config; held when it widens the approved one
            gateway.awaitUpstreams(Duration.ofSeconds(20));
            new StdioServer(gateway, environment, System.in, protocolOut).run();
        }
        return 0;
    }
}
