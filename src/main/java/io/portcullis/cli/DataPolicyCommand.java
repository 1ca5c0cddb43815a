package io.portcullis.cli;

import io.portcullis.catalog.CatalogConfig;
import io.portcullis.catalog.Oversize;
import io.portcullis.catalog.ToolSpec;
import io.portcullis.catalog.Unlisted;
import io.portcullis.config.GatewayConfig;
import io.portcullis.datapolicy.DataPolicy;
import io.portcullis.datapolicy.DataPolicyText;
import io.portcullis.protocol.Json;
import io.portcullis.settings.EnvironmentConfig;
import io.portcullis.settings.UpstreamConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * #13 item 7 (C5.4): {@code portcullis data-policy} writes the data-handling document from the
 * config that is enforced ({@link DataPolicy}): per environment and tool, which classes are removed
 * or masked before results reach the model, which pass, the result limits, what the audit log keeps
 * and for how long. No upstream is started: the tools are those the config's catalog declares, one
 * row per upstream for the tools it does not list when its catalog rule offers them, and one row per
 * tool pattern of {@code egress.tools}.
 */
@Command(name = "data-policy", description = "Writes the data-handling document (C5.4) from the config that is enforced: "
        + "which classes are removed or masked before results reach the model, per environment and tool, and what the "
        + "audit log keeps and for how long.")
final class DataPolicyCommand implements Callable<Integer> {
    @Option(names = "--config", description = "the config file (default: the built-in demo)")
    Path config;

    @Option(names = "--env", description = "only this environment")
    String env;

    @Option(names = "--format", defaultValue = "markdown", description = "markdown or json")
    String format;

    @Override
    public Integer call() throws Exception {
        if (!List.of("markdown", "json").contains(format)) {
            System.err.println("--format must be markdown or json");
            return Exit.USAGE;
        }
        GatewayConfig cfg = Configs.load(config); // problems: exit 2 with file:line (Main)
        if (env != null && cfg.environment(env).isEmpty()) {
            System.err.println("environment '" + env + "' is not declared in the config");
            return Exit.USAGE;
        }
        List<DataPolicy> docs = new ArrayList<>();
        for (EnvironmentConfig e : cfg.environments()) {
            if (env == null || env.equals(e.name())) {
                docs.add(DataPolicy.derive(cfg, e.name(), tools(cfg, e.name())));
            }
        }
        if (format.equals("json")) {
            System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(DataPolicyText.json(docs)));
        } else {
            System.out.print(DataPolicyText.markdown(docs));
        }
        return Exit.OK;
    }

    /** The tools of the config's catalog enabled in {@code environment}, with their effective result limits (as catalog.Entries). */
    static List<DataPolicy.Tool> tools(GatewayConfig cfg, String environment) {
        CatalogConfig cc = cfg.catalog();
        DeclaredTools declared = new DeclaredTools(cfg);
        List<DataPolicy.Tool> out = new ArrayList<>();
        for (Map.Entry<String, ToolSpec> t : new java.util.TreeMap<>(cc.tools()).entrySet()) {
            String upstream = declared.upstreamOf(t.getKey());
            if (upstream == null || !declared.notes(t.getKey(), environment).isEmpty()) {
                continue; // served by no upstream, or not offered in this environment
            }
            CatalogConfig.UpstreamDefaults ud = cc.upstreams().get(upstream);
            ToolSpec spec = t.getValue();
            out.add(new DataPolicy.Tool(t.getKey(), upstream, limit(cc, ud, spec), oversize(cc, ud, spec)));
        }
        String sep = cfg.server().toolSeparator();
        for (UpstreamConfig u : cfg.upstreams().values()) {
            CatalogConfig.UpstreamDefaults ud = cc.upstreams().get(u.name());
            Unlisted rule = ud != null && ud.unlisted() != null ? ud.unlisted() : cc.unlisted();
            boolean here = ud == null || ud.environments().isEmpty() || ud.environments().contains(environment);
            if (rule != Unlisted.HIDE && here) {
                // the tools it offers that the catalog does not list (unlisted: allow_read_only or allow)
                out.add(new DataPolicy.Tool((u.prefix().isEmpty() ? "" : u.prefix() + sep) + "*", u.name(),
                        limit(cc, ud, null), oversize(cc, ud, null)));
            }
        }
        for (String pattern : new java.util.TreeSet<>(cfg.egress().actions().tools().keySet())) {
            if (pattern.contains("*") && out.stream().noneMatch(t -> t.name().equals(pattern))) {
                out.add(new DataPolicy.Tool(pattern, null, DataPolicy.Tool.PER_TOOL, cc.onOversize()));
            }
        }
        return out;
    }

    private static long limit(CatalogConfig cc, CatalogConfig.UpstreamDefaults ud, ToolSpec spec) {
        return spec != null && spec.maxResultBytes() != null ? spec.maxResultBytes()
                : ud != null && ud.maxResultBytes() != null ? ud.maxResultBytes() : cc.maxResultBytes();
    }

    private static Oversize oversize(CatalogConfig cc, CatalogConfig.UpstreamDefaults ud, ToolSpec spec) {
        return spec != null && spec.onOversize() != null ? spec.onOversize()
                : ud != null && ud.onOversize() != null ? ud.onOversize() : cc.onOversize();
    }
}
