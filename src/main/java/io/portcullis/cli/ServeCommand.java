package io.portcullis.cli;

import io.portcullis.Gateway;
import io.portcullis.settings.ConfigException;
import io.portcullis.config.ConfigWatcher;
import io.portcullis.config.GatewayConfig;
import io.portcullis.server.HttpServer;
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
        GatewayConfig cfg = Configs.load(config); // problems: exit 2 (Main)
        if (port != null) {
            cfg = cfg.withPort(port);
        }
        // #21 item 11, #11 item 23: before anything slow, each a one-line failure
        Preflight.requireWritable(cfg.server().dataDir());
        Preflight.requireFreePort(cfg.server().host(), cfg.server().port());
        try {
            io.portcullis.ingress.ClusterKey.current(); // #19 item 1: a cluster key that is set but unusable stops the start
        } catch (IllegalStateException e) {
            throw new CliFailure(e.getMessage());
        }
        Gateway gateway;
        try {
            gateway = new Gateway(cfg);
        } catch (io.portcullis.store.StoreException e) {
            System.err.println("portcullis: " + e.getMessage()); // e.g. #11 item 17: the data directory is in use
            return Exit.USAGE;
        }
        HttpServer http = new HttpServer(gateway, cfg.server());
        gateway.start();
        gateway.apply(gateway.config());
        gateway.changeControl().offer(cfg); // #15 item 4: the file's config; held when it widens the approved one
        try {
            http.start();
        } catch (Exception e) {
            // #11 item 23: a port in use is one line, and the upstreams just started are stopped
            try {
                http.close();
            } catch (Exception ignored) {
                // it never started
            }
            gateway.close();
            throw new CliFailure(Preflight.portInUse(cfg.server().host(), cfg.server().port(), e));
        }
        ConfigWatcher watcher = config == null ? null : new ConfigWatcher(config, cfg.files(), next -> {
            GatewayConfig effective = port == null ? next : next.withPort(port);
            if (effective.server().port() != gateway.config().server().port()
                    || !effective.server().host().equals(gateway.config().server().host())) {
                System.err.println("portcullis: server.host/port changes need a restart; the rest is applied");
            }
            gateway.changeControl().offer(effective); // #15 item 4: a widening change may be held for a second person
        });
        CountDownLatch stopped = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable stop = () -> {
            if (!stopping.compareAndSet(false, true)) {
                return;
            }
            try {
                // #21 item 12: stop taking calls, let those in flight finish within the grace period,
                // end the rest with a retryable error, then close (the audit store last)
                int cut = http.drain(gateway.config().server().drainGrace());
                System.err.println("portcullis: stopped taking calls; " + (cut == 0 ? "every call in flight finished"
                        : cut + " call(s) were ended with a retryable error after the grace period"));
                if (watcher != null) {
                    watcher.close();
                }
                http.close();
            } catch (Exception ignored) {
                // shutting down
            }
            gateway.close();
            stopped.countDown();
        };
        // SIGTERM and SIGINT drain and then exit 0; the hook covers any other way the JVM is told to end
        for (String signal : List.of("TERM", "INT")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> Thread.ofPlatform().name("drain").start(stop));
            } catch (IllegalArgumentException e) {
                // the JVM keeps this signal (-Xrs): the shutdown hook drains instead
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown"));
        List<String> notReady = gateway.awaitUpstreams(Duration.ofSeconds(20));
        banner(cfg, http.port(), notReady, suggestedTool(gateway, cfg));
        stopped.await();
        return 0;
    }


    /**
     * #11 item 23: the tool the banner suggests calling exists in the config it runs: a tool of the
     * catalog offered in the default environment, read-only first; null when there is none.
     */
    static String suggestedTool(Gateway gateway, GatewayConfig cfg) {
        String env = cfg.defaultEnvironment().name();
        var offered = gateway.catalog().tools().stream().filter(t -> t.enabledIn(env)).toList();
        return offered.stream().filter(t -> t.risk() == io.portcullis.catalog.RiskClass.READ_ONLY).findFirst()
                .or(() -> offered.stream().findFirst()).map(io.portcullis.catalog.ToolEntry::name).orElse(null);
    }

    private static void banner(GatewayConfig cfg, int port, List<String> notReady, String tool) {
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
                .append(tool == null ? "" : "Call one:\n  npx @modelcontextprotocol/inspector --cli " + base
                        + "/mcp --transport http --method tools/call --tool-name " + tool
                        + (tool.equals("demo__search_tickets") ? " --tool-arg query=login" : "") + "\n")
                .append("Or open the Inspector UI (npx @modelcontextprotocol/inspector), choose Streamable HTTP and enter ")
                .append(base).append("/mcp\n");
        System.err.println(b);
    }
}
