package io.portcullis.readiness;

import io.portcullis.catalog.RiskClass;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.readiness.Report.Line;
import java.util.ArrayList;
import java.util.List;

/** Section 2 of the checklist: tool catalog and scopes (C2.1–C2.4). */
final class InventoryChecks {
    private InventoryChecks() {}

    static List<Line> check(Facts f) {
        return List.of(c21(f), c22(f), c23(f), c24(f));
    }

    private static Line c21(Facts f) {
        List<String> missing = new ArrayList<>();
        for (ToolEntry t : f.tools()) {
            List<String> lacks = new ArrayList<>();
            if (t.owner() == null || t.owner().label() == null) {
                lacks.add("owner");
            }
            if (t.purpose() == null || t.purpose().isBlank()) {
                lacks.add("purpose");
            }
            if (!lacks.isEmpty()) {
                missing.add(t.name() + " (no " + String.join(", no ", lacks) + (t.spec() == null ? "; offered unlisted" : "") + ")");
            }
        }
        List<String> ev = new ArrayList<>();
        ev.add(f.tools().size() + " tools enabled in " + f.name() + " checked for an owner and a purpose (catalog source: "
                + f.config().catalog().source() + ", unlisted: " + f.config().catalog().unlisted().name().toLowerCase() + ")");
        if (f.tools().isEmpty()) {
            ev.add("no tool is enabled here (are the upstreams running?)");
            return Checklist.notApplicable("C2.1", ev);
        }
        if (missing.isEmpty()) {
            return Checklist.pass("C2.1", ev);
        }
        ev.add("lacking: " + String.join("; ", missing));
        return Checklist.fail("C2.1", ev, "list every tool in the catalog with an owner and a purpose, e.g.\n"
                + "catalog:\n  unlisted: hide\n  upstreams:\n    <upstream>: {owner: {team: <team>, oncall: <pager>}}\n"
                + "  tools:\n    " + missing.getFirst().split(" ")[0] + ":\n      purpose: <why assistants need it>\n"
                + "      risk: read_only");
    }

    private static Line c22(Facts f) {
        List<String> derived = f.tools().stream().filter(t -> !"catalog".equals(t.riskSource()))
                .map(t -> t.name() + " (" + t.risk().id() + ", from " + t.riskSource() + ")").toList();
        List<String> ev = new ArrayList<>();
        for (RiskClass r : RiskClass.values()) {
            ev.add(r.id() + ": " + Facts.names(f.withRisk(r)));
        }
        if (f.tools().isEmpty()) {
            return Checklist.notApplicable("C2.2", List.of("no tool is enabled in " + f.name()));
        }
        if (derived.isEmpty()) {
            ev.add("every class is set by the catalog");
            return Checklist.pass("C2.2", ev);
        }
        ev.add("classes derived from the upstream's untrusted annotations: " + String.join("; ", derived));
        return Checklist.fail("C2.2", ev, "set each tool's class in the catalog:\ncatalog:\n  tools:\n    "
                + derived.getFirst().split(" ")[0] + ": {risk: read_only}   # or state_changing, irreversible");
    }

    private static Line c23(Facts f) {
        List<String> unconstrained = new ArrayList<>();
        List<String> ev = new ArrayList<>();
        for (ToolEntry t : f.changing()) {
            boolean hasArgs = t.definition().path("inputSchema").path("properties").size() > 0;
            boolean constrained = t.spec() != null && !t.spec().constraints().isEmpty();
            if (hasArgs && !constrained) {
                unconstrained.add(t.name());
            }
        }
        ev.add("every result is held to a size limit: " + f.tools().stream()
                .map(t -> t.name() + " " + t.maxResultBytes() + " bytes (" + t.onOversize().name().toLowerCase() + ")").toList());
        ev.add("arguments are validated against each tool's input schema");
        ev.add("tools that change things with catalog argument constraints: "
                + Facts.names(f.changing().stream().filter(t -> !unconstrained.contains(t.name())).toList()));
        if (f.tools().isEmpty()) {
            return Checklist.notApplicable("C2.3", List.of("no tool is enabled in " + f.name()));
        }
        if (unconstrained.isEmpty()) {
            return Checklist.pass("C2.3", ev);
        }
        ev.add("tools that change things with arguments but no constraint (allowlist, pattern, length): " + unconstrained);
        return Checklist.fail("C2.3", ev, "constrain their arguments in the catalog:\ncatalog:\n  tools:\n    "
                + unconstrained.getFirst() + ":\n      constraints:\n        project: {allow: [\"acme-*\"], pattern: \"[a-z0-9-]+\"}");
    }

    private static Line c24(Facts f) {
        List<String> ev = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        ev.add("raw-export name patterns: " + f.config().catalog().exportPatterns());
        List<String> disabled = f.catalog().tools().stream().filter(t -> t.export() == ToolEntry.ExportStatus.DISABLED)
                .map(ToolEntry::name).toList();
        ev.add("raw-export tools disabled (refused, no documented need): " + disabled);
        for (ToolEntry t : f.tools()) {
            if (t.export() == ToolEntry.ExportStatus.ALLOWED) {
                String need = t.spec() == null ? null : t.spec().businessNeed();
                if (need == null || need.isBlank()) {
                    bad.add(t.name());
                } else {
                    ev.add(t.name() + " allowed: \"" + need + "\" approved by " + t.spec().exportApprover());
                }
            }
        }
        if (bad.isEmpty()) {
            return Checklist.pass("C2.4", ev);
        }
        ev.add("raw-export tools enabled without a documented need: " + bad);
        return Checklist.fail("C2.4", ev, "document the need or disable them:\ncatalog:\n  tools:\n    " + bad.getFirst()
                + ": {business_need: <why>, export_approver: <who>}");
    }
}
