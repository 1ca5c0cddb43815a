package io.portcullis.policy;

import java.util.List;
import java.util.Objects;

/**
 * What a tool is, as the catalog says (C2.1, C2.2). Rules see it as the CEL variable {@code tool}.
 *
 * @param name      the exposed (namespaced) tool name
 * @param upstream  the upstream that serves it
 * @param riskClass {@code "read_only"}, {@code "state_changing"} or {@code "irreversible"}
 * @param owner     the owning team or person; null when the catalog names none (CEL sees {@code ""})
 * @param labels    the catalog's labels for the tool (CEL sees them as {@code tool.labels})
 */
public record ToolFacts(String name, String upstream, String riskClass, String owner, List<String> labels) {
    public ToolFacts {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(riskClass, "riskClass");
        labels = labels == null ? List.of() : List.copyOf(labels);
    }
}
