package io.portcullis.cli;

import io.portcullis.Gateway;
import io.portcullis.catalog.Catalog;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.settings.ConfigException;
import io.portcullis.config.GatewayConfig;
import io.portcullis.protocol.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

@Command(name = "catalog", description = "The tool inventory as the gateway sees it.", subcommands = CatalogCommand.ListCommand.class)
final class CatalogCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "list", description = "Lists every tool: effective risk class and where it came from, owner, "
            + "environments, raw-export status; and the tools upstreams offer that the catalog hides.")
    static final class ListCommand implements Callable<Integer> {
        @Option(names = "--config", description = "the config file (default: the built-in demo)")
        Path config;

        @Option(names = "--env", description = "only what is enabled in this environment")
        String env;

        @Option(names = "--format", defaultValue = "table", description = "table or json")
        String format;

        @Override
        public Integer call() throws Exception {
            GatewayConfig cfg = Configs.load(config); // problems: exit 2 (Main)
            if (env != null && cfg.environment(env).isEmpty()) {
                System.err.println("environment '" + env + "' is not declared in the config");
                return Exit.USAGE;
            }
            try (InspectedGateway inspected = new InspectedGateway(cfg)) { // beside a running serve too
                Gateway gateway = inspected.gateway;
                gateway.start();
                List<String> notReady = gateway.awaitUpstreams(Duration.ofSeconds(30));
                gateway.apply(inspected.config);
                notReady.forEach(u -> System.err.println("warning: upstream " + u + " is not ready; its tools are missing below"));
                ObjectNode report = report(gateway.catalog(), cfg);
                if ("json".equals(format)) {
                    System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
                } else {
                    printTable(report);
                }
            }
            return 0;
        }

        private ObjectNode report(Catalog catalog, GatewayConfig cfg) {
            ObjectNode r = Json.object();
            ArrayNode tools = r.putArray("tools");
            Set<String> offered = new TreeSet<>();
            for (ToolEntry t : catalog.tools()) {
                offered.add(t.name());
                if (env != null && !t.enabledIn(env)) {
                    continue;
                }
                ObjectNode o = tools.addObject().put("name", t.name()).put("upstream", t.upstream())
                        .put("risk", t.risk().id()).put("risk_source", t.riskSource())
                        .put("listed", t.spec() != null)
                        .put("owner", t.owner() == null ? null : t.owner().label())
                        .put("oncall", t.owner() == null ? null : t.owner().oncall())
                        .put("purpose", t.purpose())
                        .put("export", t.export().name().toLowerCase())
                        .put("max_result_bytes", t.maxResultBytes())
                        // #15 items 2, 3: the definition's hash (for pins.approved) and the scanner's findings
                        .put("definition_hash", io.portcullis.pin.Pins.hash(t));
                ArrayNode findings = o.putArray("findings");
                io.portcullis.pin.Pins.findings(catalog, t).forEach(f -> findings.add(f.toString()));
                ArrayNode envs = o.putArray("environments");
                for (var e : cfg.environments()) {
                    if (t.enabledIn(e.name())) {
                        envs.add(e.name());
                    }
                }
            }
            ArrayNode hidden = r.putArray("hidden");
            for (Catalog.Hidden h : catalog.hidden()) {
                offered.add(h.name());
                hidden.addObject().put("name", h.name()).put("upstream", h.upstream())
                        .put("derived_risk", h.derivedRisk().id()).put("why", h.why());
            }
            ArrayNode stale = r.putArray("stale_entries");
            cfg.catalog().tools().keySet().stream().filter(n -> !offered.contains(n)).sorted().forEach(stale::add);
            return r;
        }

        private static void printTable(ObjectNode r) {
            List<String[]> rows = new ArrayList<>();
            // C2.1: the inventory names each tool's owner and its purpose statement (#11 item 23)
            rows.add(new String[] {"TOOL", "UPSTREAM", "RISK", "FROM", "OWNER", "ENVIRONMENTS", "EXPORT", "PURPOSE"});
            r.path("tools").forEach(t -> rows.add(new String[] {t.path("name").asString(), t.path("upstream").asString(),
                    t.path("risk").asString(), t.path("risk_source").asString(), t.path("owner").asString("-"),
                    join(t.path("environments")), t.path("export").asString(), oneLine(t.path("purpose").asString("-"))}));
            print(rows);
            if (!r.path("hidden").isEmpty()) {
                System.out.println("\nHidden (offered by an upstream, not exposed):");
                List<String[]> h = new ArrayList<>();
                h.add(new String[] {"TOOL", "UPSTREAM", "DERIVED RISK", "WHY"});
                r.path("hidden").forEach(t -> h.add(new String[] {t.path("name").asString(), t.path("upstream").asString(),
                        t.path("derived_risk").asString(), t.path("why").asString()}));
                print(h);
            }
            if (!r.path("stale_entries").isEmpty()) {
                System.out.println("\nCatalog entries no upstream offers: " + join(r.path("stale_entries")));
            }
            List<String> findings = new ArrayList<>();
            r.path("tools").forEach(t -> t.path("findings").forEach(f -> findings.add(t.path("name").asString() + ": "
                    + io.portcullis.text.Visible.escape(f.asString()))));
            if (!findings.isEmpty()) {
                System.out.println("\nDefinition scanner findings (#15 item 3):");
                findings.forEach(f -> System.out.println("  " + f));
            }
        }

        /** A purpose as one table cell: control characters and line breaks become spaces; "-" when there is none. */
        static String oneLine(String purpose) {
            String s = purpose == null ? "" : purpose.replaceAll("\\p{Cntrl}+", " ").strip();
            return s.isEmpty() ? "-" : s;
        }

        private static String join(tools.jackson.databind.JsonNode arr) {
            List<String> out = new ArrayList<>();
            arr.forEach(x -> out.add(x.asString()));
            return out.isEmpty() ? "-" : String.join(",", out);
        }

        private static void print(List<String[]> rows) {
            int[] w = new int[rows.getFirst().length];
            rows.forEach(row -> {
                for (int i = 0; i < row.length; i++) {
                    w[i] = Math.max(w[i], row[i].length());
                }
            });
            for (String[] row : rows) {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    b.append(String.format("%-" + (w[i] + 2) + "s", row[i]));
                }
                System.out.println(b.toString().stripTrailing());
            }
        }
    }
}
