package io.portcullis.catalog;

import io.portcullis.settings.ToolSettings;
import java.util.List;

/**
 * A resource (listed, read through a template, or a template itself) or a prompt as the gateway
 * admits it (#11 item 5): everything the controls need, as {@link ToolEntry} is for a tool.
 *
 * @param kind         resource or prompt
 * @param name         the resource's URI (or the template's uriTemplate), or the prompt's exposed name
 * @param upstream     the upstream that serves it
 * @param upstreamName the name at the upstream (the URI itself for a resource)
 * @param spec         the catalog entry; null when unlisted and its upstream's rule is {@code unlisted: allow}
 * @param risk         the effective risk class (read_only unless the catalog says otherwise)
 * @param owner        the effective owner (entry, else upstream default), or null
 * @param environments where the catalog enables it; empty = every environment
 * @param labels       labels for policy (upstream defaults, then the entry's)
 * @param settings     the operational switch: {@code tools.<prompt name>} or {@code tools.<resource pattern>} in the gateway config
 */
public record ItemEntry(Kind kind, String name, String upstream, String upstreamName, ItemSpec spec, RiskClass risk,
                        Owner owner, List<String> environments, List<String> labels, ToolSettings settings) {

    /** What kind of primitive; its id is what policy sees as {@code kind}. */
    public enum Kind {
        RESOURCE("resource"), PROMPT("prompt");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    public ItemEntry {
        environments = List.copyOf(environments);
        labels = List.copyOf(labels);
    }

    /**
     * The labels a read of this resource adds to its conversation (#13 item 4): the catalog's
     * {@code produces} for its URI pattern, and {@code untrusted} when it is labelled {@code untrusted}.
     */
    public List<String> produces() {
        List<String> out = new java.util.ArrayList<>(spec == null ? List.of() : spec.produces());
        if (labels.contains("untrusted") && !out.contains("untrusted")) {
            out.add("untrusted");
        }
        return out;
    }

    /** Whether the catalog enables it in {@code environment} (the operational switch is checked separately). */
    public boolean catalogAllows(String environment) {
        return environments.isEmpty() || environments.contains(environment);
    }
}
