package io.portcullis.upstream;

import io.portcullis.pipeline.GatewayException;
import io.portcullis.protocol.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Fetches an upstream's listings, page by page, as its capabilities offer them (either era). */
final class Listings {
    private Listings() {}

    static Upstream.Listing fetch(Upstream.Listing.Requester r, ObjectNode caps) throws GatewayException {
        return new Upstream.Listing(
                caps.has("tools") ? all(r, "tools/list", "tools") : Json.array(),
                caps.has("prompts") ? all(r, "prompts/list", "prompts") : Json.array(),
                caps.has("resources") ? all(r, "resources/list", "resources") : Json.array(),
                caps.has("resources") ? all(r, "resources/templates/list", "resourceTemplates") : Json.array());
    }

    private static ArrayNode all(Upstream.Listing.Requester r, String method, String key) throws GatewayException {
        ArrayNode out = Json.array();
        String cursor = null;
        for (int page = 0; page < 1000; page++) {
            ObjectNode params = Json.object();
            if (cursor != null) {
                params.put("cursor", cursor);
            }
            ObjectNode result = r.request(method, params);
            if (result.get(key) instanceof ArrayNode items) {
                items.forEach(out::add);
            }
            JsonNode next = result.get("nextCursor");
            if (next == null || !next.isString() || next.asString().isEmpty()) {
                break;
            }
            cursor = next.asString();
        }
        return out;
    }

    /** The input schema of the called tool as the upstream listed it (for Mcp-Param-* headers), or null. */
    static JsonNode inputSchema(Upstream.Listing listing, String method, ObjectNode params) {
        if (!"tools/call".equals(method) || params == null) {
            return null;
        }
        String tool = params.path("name").asString("");
        for (JsonNode t : listing.tools()) {
            if (tool.equals(t.path("name").asString(null))) {
                return t.get("inputSchema");
            }
        }
        return null;
    }
}
