package io.portcullis.policy;

import java.util.List;
import java.util.Objects;

/**
 * What a tool is, as the catalog says (C2.1, C2.2). Rules see it as the CEL variable {@code tool}.
 * Resources and prompts are admitted by the same policy (#11 item 5): for them {@code tool} holds
 * the item's own facts (name = URI or prompt name), {@code kind} says which it is, and the same
 * facts are also under {@code resource} or {@code prompt}.
 *
 * @param name      the exposed (namespaced) tool name
 * @param upstream  the upstream that serves it
 * @param riskClass {@code "read_only"}, {@code "state_changing"} or {@code "irreversible"}
 * @param owner     the owning team or person; null when the catalog names none (CEL sees {@code ""})
 * @param labels    the catalog's labels for the tool (CEL sees them as {@code tool.labels})
 * @param kind      {@code "tool"}, {@code "resource"} or {@code "prompt"} (CEL: {@code kind})
 */
public record ToolFacts(String name, String upstream, String riskClass, String owner, List<String> labels, String kind) {
    public static final String TOOL = "tool";

    /** The facts of a tool. */
    public ToolFacts(String name, String upstream, String riskClass, String owner, List<String> labels) {
        this(name, upstream, riskClass, owner, labels, TOOL);
    }

    public ToolFacts {
        kind = kind == null ? TOOL : kind;
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(riskClass, "riskClass");
        labels = labels == null ? List.of() : List.copyOf(labels);
    }
}
