package io.portcullis.catalog;

import io.portcullis.settings.ToolSettings;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * One tool as the gateway exposes it, with everything the controls need to know about it.
 *
 * @param name           the exposed, namespaced name ({@code <prefix><separator><tool>})
 * @param upstream       the upstream that owns it
 * @param upstreamName   the tool's name at the upstream
 * @param definition     the upstream's tool object, unknown fields kept, {@code name} set to the exposed name
 * @param settings       the operational switch and timeout from the gateway config
 * @param spec           the catalog entry; null for an unlisted tool offered because it is read-only
 * @param risk           the effective risk class (C2.2)
 * @param riskSource     {@code catalog}, or {@code annotations} when derived from the upstream's untrusted hints
 * @param owner          the effective owner (tool, else upstream default), or null
 * @param environments   where the catalog enables it; empty = every environment
 * @param labels         labels for policy
 * @param export         raw-export status (C2.4)
 * @param maxResultBytes the result size limit (C2.3, C5.3)
 * @param onOversize     what happens to a bigger result
 * @param arguments      the compiled argument check (schema + overlay)
 */
public record ToolEntry(String name, String upstream, String upstreamName, ObjectNode definition, ToolSettings settings,
                        ToolSpec spec, RiskClass risk, String riskSource, Owner owner, List<String> environments,
                        List<String> labels, ExportStatus export, long maxResultBytes, Oversize onOversize,
                        ArgumentCheck arguments) {

    /** Raw-export status of a tool. */
    public enum ExportStatus { NOT_EXPORT, ALLOWED, DISABLED }

    public ToolEntry {
        environments = List.copyOf(environments);
        labels = List.copyOf(labels);
    }

    /** The upstream's {@code annotations} object, or an empty one. Untrusted hints, never a grant. */
    public ObjectNode annotations() {
        return definition.get("annotations") instanceof ObjectNode a ? a : definition.objectNode();
    }

    /**
     * The labels a result of this tool adds to its conversation (#13 item 4): the catalog's
     * {@code produces}, and {@code untrusted} for a tool labelled {@code untrusted} (it fetches outside content).
     */
    public List<String> produces() {
        List<String> out = new java.util.ArrayList<>(spec == null ? List.of() : spec.produces());
        if (labels.contains("untrusted") && !out.contains("untrusted")) {
            out.add("untrusted");
        }
        return out;
    }

    public String purpose() {
        return spec == null ? null : spec.purpose();
    }

    /** The catalog's facts about this tool, as policy sees them ({@code tool.*} in CEL). */
    public io.portcullis.policy.ToolFacts facts() {
        return new io.portcullis.policy.ToolFacts(name, upstream, risk.id(), owner == null ? null : owner.label(), labels);
    }

    /** Whether the catalog enables this tool in {@code environment} (the operational switch is checked separately). */
    public boolean catalogAllows(String environment) {
        return export != ExportStatus.DISABLED && (environments.isEmpty() || environments.contains(environment));
    }

    /** Whether it may be offered and called in {@code environment}: operational switch and catalog. */
    public boolean enabledIn(String environment) {
        return settings.enabledIn(environment) && catalogAllows(environment);
    }
}
