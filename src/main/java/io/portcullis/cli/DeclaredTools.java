package io.portcullis.cli;

import io.portcullis.catalog.CatalogConfig;
import io.portcullis.catalog.Owner;
import io.portcullis.catalog.RiskClass;
import io.portcullis.catalog.ToolSpec;
import io.portcullis.config.GatewayConfig;
import io.portcullis.settings.UpstreamConfig;
import io.portcullis.policy.PolicyCases;
import io.portcullis.policy.ToolFacts;
import java.util.ArrayList;
import java.util.List;

/**
 * The policy's view of a tool ({@code tool.*} in CEL) taken from a config's catalog alone, without
 * starting any upstream, for {@code portcullis policy test|explain} (#11 item 16): the upstream
 * from the name's prefix, the risk class the catalog declares, the owner and labels with the
 * upstream's defaults, as the running gateway would build them. A tool whose class the catalog
 * does not declare (the gateway then derives it from the upstream's annotations) needs the
 * class named by the caller, so that no test silently rests on a guess.
 */
final class DeclaredTools implements PolicyCases.Tools {
    private final GatewayConfig config;

    DeclaredTools(GatewayConfig config) {
        this.config = config;
    }

    @Override
    public ToolFacts facts(String name, String risk) {
        String upstream = upstreamOf(name);
        if (upstream == null) {
            throw new IllegalArgumentException("no upstream of the config serves '" + name + "' (names are <upstream>"
                    + config.server().toolSeparator() + "<tool>; upstreams: " + config.upstreams().keySet() + ")");
        }
        CatalogConfig cc = config.catalog();
        ToolSpec spec = cc.tools().get(name);
        RiskClass declared = spec == null ? null : spec.risk();
        RiskClass r;
        if (risk != null) {
            r = RiskClass.of(risk).orElseThrow(() -> new IllegalArgumentException(
                    "risk '" + risk + "' is not read_only, state_changing or irreversible"));
        } else if (declared != null) {
            r = declared;
        } else {
            throw new IllegalArgumentException("the catalog declares no risk class for '" + name + "' (the gateway derives it "
                    + "from the upstream's annotations when it runs): give 'risk:' (or --risk) to say which one to test");
        }
        CatalogConfig.UpstreamDefaults ud = cc.upstreams().get(upstream);
        Owner owner = spec != null && spec.owner() != null ? spec.owner() : ud == null ? null : ud.owner();
        List<String> labels = new ArrayList<>(ud == null ? List.of() : ud.labels());
        if (spec != null) {
            labels.addAll(spec.labels());
        }
        return new ToolFacts(name, upstream, r.id(), owner == null ? null : owner.label(), labels);
    }

    /**
     * What other controls would do with the tool in this environment before policy is asked: the
     * catalog's environments and the operational switch (C6.2). Empty when they let it through.
     */
    List<String> notes(String name, String env) {
        List<String> out = new ArrayList<>();
        CatalogConfig cc = config.catalog();
        ToolSpec spec = cc.tools().get(name);
        String upstream = upstreamOf(name);
        CatalogConfig.UpstreamDefaults ud = upstream == null ? null : cc.upstreams().get(upstream);
        List<String> envs = spec != null && !spec.environments().isEmpty() ? spec.environments()
                : ud == null ? List.of() : ud.environments();
        if (!envs.isEmpty() && !envs.contains(env)) {
            out.add("the catalog enables " + name + " only in " + envs + ": in " + env
                    + " the catalog refuses it before policy is asked");
        }
        if (!config.tool(name).enabledIn(env)) {
            out.add(name + " is switched off in " + env + " by the config's 'tools:' section (C6.2): refused before policy");
        }
        if (spec == null) {
            out.add(name + " is not listed in the catalog: whether it is offered at all depends on the catalog's 'unlisted' rule");
        }
        return out;
    }

    String upstreamOf(String name) {
        String sep = config.server().toolSeparator();
        String best = null;
        int bestLength = -1;
        for (UpstreamConfig u : config.upstreams().values()) {
            String prefix = u.prefix().isEmpty() ? "" : u.prefix() + sep;
            if (name.startsWith(prefix) && name.length() > prefix.length() && prefix.length() > bestLength) {
                best = u.name();
                bestLength = prefix.length();
            }
        }
        return best;
    }
}
