package io.portcullis.catalog;

import java.util.List;
import java.util.Map;

/**
 * What the catalog file says about one tool (C2.1–C2.4). Null fields inherit the upstream's
 * defaults, then the catalog's.
 *
 * @param binding        the (upstream, tool) the entry is about, bound from its exposed name when read (#11 item 4)
 * @param owner          the owning team/person and on-call contact
 * @param purpose        why the tool exists
 * @param risk           the risk class; null to derive it from the upstream's annotations
 * @param environments   where the owner enables it; empty = inherit
 * @param labels         free labels for policy ({@code tool.labels})
 * @param export         true/false marks (or unmarks) it as raw export; null = decided by name patterns
 * @param businessNeed   the documented need that allows a raw-export tool
 * @param exportApprover who approved that need
 * @param constraints    argument overlays by argument name
 * @param maxResultBytes result size limit, or null to inherit
 * @param onOversize     what to do with a bigger result, or null to inherit
 * @param produces       labels every result of the tool adds to its conversation, e.g. {@code customer-data} (#13 item 4)
 * @param definitionSha256 the pre-approved hash of the tool's definition ({@code sha256:...}), or null (#15 item 2)
 */
public record ToolSpec(Binding binding, Owner owner, String purpose, RiskClass risk, List<String> environments, List<String> labels,
                       Boolean export, String businessNeed, String exportApprover, Map<String, ArgConstraint> constraints,
                       Long maxResultBytes, Oversize onOversize, List<String> produces, String definitionSha256) {
    public ToolSpec {
        environments = List.copyOf(environments);
        labels = List.copyOf(labels);
        constraints = Map.copyOf(constraints);
        produces = produces == null ? List.of() : List.copyOf(produces);
    }

    /** An entry without a pre-approved definition hash. */
    public ToolSpec(Binding binding, Owner owner, String purpose, RiskClass risk, List<String> environments, List<String> labels,
                    Boolean export, String businessNeed, String exportApprover, Map<String, ArgConstraint> constraints,
                    Long maxResultBytes, Oversize onOversize, List<String> produces) {
        this(binding, owner, purpose, risk, environments, labels, export, businessNeed, exportApprover, constraints,
                maxResultBytes, onOversize, produces, null);
    }

    /** An entry that produces no conversation labels. */
    public ToolSpec(Binding binding, Owner owner, String purpose, RiskClass risk, List<String> environments, List<String> labels,
                    Boolean export, String businessNeed, String exportApprover, Map<String, ArgConstraint> constraints,
                    Long maxResultBytes, Oversize onOversize) {
        this(binding, owner, purpose, risk, environments, labels, export, businessNeed, exportApprover, constraints,
                maxResultBytes, onOversize, List.of(), null);
    }
}
