package io.portcullis.catalog;

import io.portcullis.protocol.Json;
import tools.jackson.databind.node.ArrayNode;

/**
 * The tools, prompts, resources and templates an upstream offers, as it listed them: what the
 * catalog is built from. It lives here, not in {@code upstream}, so that the catalog does not
 * depend on the connections (#12 item 4: no cycle call → catalog → upstream → call).
 */
public record Listing(ArrayNode tools, ArrayNode prompts, ArrayNode resources, ArrayNode templates) {
    public static final Listing EMPTY = new Listing(Json.array(), Json.array(), Json.array(), Json.array());
}
