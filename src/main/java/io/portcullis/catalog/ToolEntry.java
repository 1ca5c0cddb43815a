package io.portcullis.catalog;

import io.portcullis.config.ToolSettings;
import tools.jackson.databind.node.ObjectNode;

/**
 * One tool as the gateway exposes it.
 *
 * @param name         the exposed, namespaced name ({@code <prefix><separator><tool>})
 * @param upstream     the upstream that owns it
 * @param upstreamName the tool's name at the upstream
 * @param definition   the upstream's tool object, unknown fields kept, with {@code name} set to the exposed name
 * @param settings     the per-tool settings from the config
 */
public record ToolEntry(String name, String upstream, String upstreamName, ObjectNode definition, ToolSettings settings) {

    /** The upstream's {@code annotations} object, or an empty one. Untrusted hints, never a grant. */
    public ObjectNode annotations() {
        return definition.get("annotations") instanceof ObjectNode a ? a : definition.objectNode();
    }
}
