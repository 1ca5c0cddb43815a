package io.portcullis.cli;

import io.portcullis.Gateway;
import io.portcullis.config.ConfigException;
import io.portcullis.config.ConfigWatcher;
import io.portcullis.config.GatewayConfig;
import io.portcullis.ingress.HttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", description = "Runs the gateway over Streamable HTTP. Without --config it runs the built-in demo.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", description = "the config file (default: the built-in demo)")
    Path config;

    @Option(names = "--port", description = "the HTTP port (overrides server.port; 0 picks a free one)")
    Integer port;

    @Override
    public Integer call() throws Exception {
        GatewayConfig cfg;
        try {
            cfg = Configs.load(config);
        } catch (ConfigException e) {
            System.err.println("portcullis: the config has problems:");
            e.problems().forEach(p -> System.err.println("  " + p));
            return 1;
        }
        if (port != null) {
            cfg = cfg.withPort(port);
        }
        Files.createDirectories(cfg.server().dataDir());
        Gateway gateway;
        try {
            gateway = new Gateway(cfg);
        } catch (io.portcullis.store.StoreException e) {
            System.err.println("portcullis: " + e.getMessage()); // e.g. #11 item 17: the data directory is in use
            return 1;
        }
        HttpServer http = new HttpServer(gateway, cfg.server());
        gateway.start();
        gateway.apply(cfg);
        http.start();
        ConfigWatcher watcher = config == null ? null : new ConfigWatcher(config, cfg.files(), next -> {
            GatewayConfig effective = port == null ? next : next.withPort(port);
            if (effective.server().port() != gateway.config().server().port()
                    || !effective.server().host().equals(gateway.config().server().host())) {
                System.err.println("portcullis: server.host/port changes need a restart; the rest is applied");
            }
            gateway.apply(effective);
        });
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (watcher != null) {
                    watcher.close();
                }
                http.close();
            } catch (Exception ignored) {
                // shutting down
            }
            gateway.close();
            stopped.countDown();
        }, "shutdown"));
        List<String> notReady = gateway.awaitUpstreams(Duration.ofSeconds(20));
        banner(cfg, http.port(), notReady);
        stopped.await();
        return 0;
    }


    private static void banner(GatewayConfig cfg, int port, List<String> notReady) {
        String base = "http://" + (cfg.server().host().contains(":") ? "[" + cfg.server().host() + "]" : cfg.server().host()) + ":" + port;
        StringBuilder b = new StringBuilder();
        b.append("\nPortcullis is listening on ").append(base).append("/mcp")
                .append(" (environment ").append(cfg.defaultEnvironment().name()).append(")\n");
        for (var e : cfg.environments().subList(1, cfg.environments().size())) {
            b.append("  and ").append(base).append("/mcp/").append(e.name()).append(" (environment ").append(e.name()).append(")\n");
        }
        b.append("Config: ").append(cfg.source() == null ? "built-in demo" : cfg.source())
                .append("; data directory: ").append(cfg.server().dataDir()).append('\n');
        if (!notReady.isEmpty()) {
            b.append("Upstreams not ready yet: ").append(notReady).append(" (see the log above)\n");
        }
        if (cfg.identity().enabled()) {
            b.append("Callers must authenticate (identity: ").append(cfg.identity().issuers().size()).append(" issuer(s)")
                    .append(cfg.identity().apiKeysEnabled() ? ", API keys" : "").append("); add --header \"Authorization: Bearer <token>\"")
                    .append(" to the commands below (docs/identity.md)\n");
        } else {
            b.append("WARNING: no identity section: every caller is 'anonymous' (insecure-dev mode; fails C1.1-C1.4)\n");
        }
        b.append("\nList the tools with the MCP Inspector:\n")
                .append("  npx @modelcontextprotocol/inspector --cli ").append(base).append("/mcp --transport http --method tools/list\n")
                .append("Call one:\n")
                .append("  npx @modelcontextprotocol/inspector --cli ").append(base)
                .append("/mcp --transport http --method tools/call --tool-name demo__search_tickets --tool-arg query=login\n")
                .append("Or open the Inspector UI (npx @modelcontextprotocol/inspector), choose Streamable HTTP and enter ")
                .append(base).append("/mcp\n");
        System.err.println(b);
    }
}
