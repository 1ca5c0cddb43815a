package io.portcullis.cli;

import io.portcullis.cluster.Node;
import io.portcullis.cluster.Nodes;
import io.portcullis.config.GatewayConfig;
import io.portcullis.protocol.Json;
import io.portcullis.text.Visible;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code portcullis nodes --config F [--format text|json]} (#19 item 2): the gateway nodes registered
 * in the store (id, state, version, config hash, started, last seen, address); a live node whose
 * config hash differs from the others' is flagged, and the command then exits 1. Through the running
 * gateway's admin API when one serves the data directory, else on the store ({@link Served}; a
 * PostgreSQL store is always read directly).
 */
@Command(name = "nodes", description = "Lists the gateway nodes sharing the store; flags a node whose config differs (exit 1).")
final class NodesCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "the gateway's config file (its store holds the nodes)")
    Path config;

    @Option(names = "--format", defaultValue = "text", description = "text (default) or json")
    String format;

    @Override
    public Integer call() throws Exception {
        if (!List.of("text", "json").contains(format)) {
            System.err.println("portcullis: --format is text or json, not '" + format + "'");
            return Exit.USAGE;
        }
        GatewayConfig cfg = Configs.load(config);
        List<Node> nodes = new ArrayList<>();
        Served.run(cfg, gateway -> {
            gateway.send("GET", "/admin/api/nodes", null).path("nodes").forEach(n -> nodes.add(Node.fromJson(n)));
            return Exit.OK;
        }, store -> {
            nodes.addAll(new Nodes(store).list(Instant.now()));
            return Exit.OK;
        });
        boolean differs = nodes.stream().anyMatch(Node::configDiffers);
        if (format.equals("json")) {
            var out = Json.object();
            nodes.forEach(n -> out.withArray("nodes").add(n.toJson()));
            out.withArray("nodes");
            out.put("config_differs", differs);
            System.out.println(Json.write(out));
        } else {
            print(nodes, differs);
        }
        return differs ? Exit.FAILED : Exit.OK;
    }

    private static void print(List<Node> nodes, boolean differs) {
        if (nodes.isEmpty()) {
            System.out.println("no node has registered in this store (nodes register when `portcullis serve` starts)");
            return;
        }
        System.out.printf("%-24s %-12s %-16s %-12s %-24s %-24s %s%n", "NODE", "STATE", "VERSION", "CONFIG", "STARTED", "LAST SEEN", "ADDRESS");
        for (Node n : nodes) {
            String hash = n.configHash().substring(0, Math.min(12, n.configHash().length()));
            System.out.printf("%-24s %-12s %-16s %-12s %-24s %-24s %s%s%n", Visible.escape(n.id()), n.state(), Visible.escape(n.version()),
                    hash, n.started(), n.lastSeen(), Visible.escape(String.valueOf(n.address())), n.configDiffers() ? "  CONFIG DIFFERS" : "");
        }
        if (differs) {
            System.out.println("\nWARNING: the live nodes do not run the same config (flagged CONFIG DIFFERS); give every node the same "
                    + "config files (docs/operations/cluster.md)");
        }
    }
}
