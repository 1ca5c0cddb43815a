package io.portcullis.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/** Builds one tool's effective entry from its upstream definition, the catalog and the upstream's defaults. */
final class Entries {
    private Entries() {}

    /** The entry, or empty when the tool is unlisted and its upstream's rule hides it. */
    static Optional<ToolEntry> entry(CatalogSettings config, CatalogConfig cc, String upstream, String original,
                                     String exposed, ObjectNode def) {
        ToolSpec spec = cc.tools().get(exposed);
        if (spec != null && !spec.binding().is(upstream, original)) {
            spec = null; // written for another upstream's tool (#11 item 4): it never describes this one
        }
        CatalogConfig.UpstreamDefaults ud = cc.upstreams().get(upstream);
        ObjectNode annotations = def.get("annotations") instanceof ObjectNode a ? a : def.objectNode();
        RiskClass derived = RiskClass.derive(annotations);
        Unlisted rule = unlisted(cc, upstream);
        if (spec == null && (rule == Unlisted.HIDE || (rule == Unlisted.ALLOW_READ_ONLY && derived != RiskClass.READ_ONLY))) {
            return Optional.empty();
        }
        RiskClass risk = spec != null && spec.risk() != null ? spec.risk() : derived;
        String riskSource = spec != null && spec.risk() != null ? "catalog" : "annotations";
        Owner owner = spec != null && spec.owner() != null ? spec.owner() : ud == null ? null : ud.owner();
        List<String> envs = spec != null && !spec.environments().isEmpty() ? spec.environments()
                : ud == null ? List.of() : ud.environments();
        List<String> labels = new ArrayList<>(ud == null ? List.of() : ud.labels());
        if (spec != null) {
            labels.addAll(spec.labels());
        }
        long max = spec != null && spec.maxResultBytes() != null ? spec.maxResultBytes()
                : ud != null && ud.maxResultBytes() != null ? ud.maxResultBytes() : cc.maxResultBytes();
        Oversize over = spec != null && spec.onOversize() != null ? spec.onOversize()
                : ud != null && ud.onOversize() != null ? ud.onOversize() : cc.onOversize();
        Map<String, ArgConstraint> overlay = spec == null ? Map.of() : spec.constraints();
        return Optional.of(new ToolEntry(exposed, upstream, original, def, config.tool(exposed), spec, risk, riskSource,
                owner, envs, labels, exportStatus(cc, spec, original, exposed), max, over, ArgumentCheck.compile(def, overlay)));
    }

    static Unlisted unlisted(CatalogConfig cc, String upstream) {
        CatalogConfig.UpstreamDefaults ud = cc.upstreams().get(upstream);
        return ud != null && ud.unlisted() != null ? ud.unlisted() : cc.unlisted();
    }

    /**
     * C2.4: a tool is raw export when the catalog marks it so, or when its name matches an export
     * pattern and the catalog does not say {@code export: false}. Raw export is disabled unless the
     * entry documents a business need and who approved it.
     */
    static ToolEntry.ExportStatus exportStatus(CatalogConfig cc, ToolSpec spec, String original, String exposed) {
        boolean marked = spec != null && spec.export() != null;
        boolean isExport = marked ? spec.export()
                : cc.exportPatterns().stream().anyMatch(p -> Globs.matches(p, original) || Globs.matches(p, exposed));
        if (!isExport) {
            return ToolEntry.ExportStatus.NOT_EXPORT;
        }
        boolean documented = spec != null && notBlank(spec.businessNeed()) && notBlank(spec.exportApprover());
        return documented ? ToolEntry.ExportStatus.ALLOWED : ToolEntry.ExportStatus.DISABLED;
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
