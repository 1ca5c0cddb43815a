package io.portcullis.catalog;

import java.util.List;

/**
 * What the catalog says about resources (by URI pattern) or a prompt (#11 item 5, C2.1, C2.2):
 * the same inventory facts a tool has, so that they pass the same admission.
 *
 * @param binding      for a prompt, (upstream, the prompt's name there); for resources, (upstream,
 *                     the URI glob): {@code *} any run of characters, {@code ?} one
 * @param owner        the owning team/person, or null to inherit the upstream's default
 * @param purpose      why it is offered
 * @param risk         the risk class; reading a resource or a prompt changes nothing, so the default is read_only
 * @param environments where the owner enables it; empty = inherit the upstream's, then every environment
 * @param labels       labels for policy ({@code resource.labels}, {@code prompt.labels})
 * @param produces     for resources: labels every read of a matching URI adds to its conversation, e.g.
 *                     {@code customer-data} (#13 item 4); always empty for a prompt
 */
public record ItemSpec(Binding binding, Owner owner, String purpose, RiskClass risk, List<String> environments,
                       List<String> labels, List<String> produces) {
    public ItemSpec {
        environments = List.copyOf(environments);
        labels = List.copyOf(labels);
        risk = risk == null ? RiskClass.READ_ONLY : risk;
        produces = produces == null ? List.of() : List.copyOf(produces);
    }

    /** An entry that produces no conversation labels. */
    public ItemSpec(Binding binding, Owner owner, String purpose, RiskClass risk, List<String> environments, List<String> labels) {
        this(binding, owner, purpose, risk, environments, labels, List.of());
    }
}
