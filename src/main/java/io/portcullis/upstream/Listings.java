package io.portcullis.upstream;

import io.portcullis.call.GatewayException;
import io.portcullis.catalog.Listing;
import io.portcullis.protocol.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fetches an upstream's listings, page by page, as its capabilities offer them (either era). A
 * list the upstream does not implement ("Method not found", e.g. {@code resources/templates/list}
 * from a server that declares resources but has no templates) is an empty list, not a failure:
 * #11 item 21, such an upstream would otherwise never become ready.
 */
final class Listings {
    private static final Logger LOG = LoggerFactory.getLogger(Listings.class);
    private static final int METHOD_NOT_FOUND = -32601;

    private Listings() {}

    /** How a listing is asked for: one request to the upstream. */
    interface Requester {
        ObjectNode request(String method, ObjectNode params) throws GatewayException;
    }

    /** Fetches every listing the capabilities offer, following cursors. */
    static Listing fetch(Requester r, ObjectNode caps) throws GatewayException {
        return new Listing(
                caps.has("tools") ? all(r, "tools/list", "tools") : Json.array(),
                caps.has("prompts") ? all(r, "prompts/list", "prompts") : Json.array(),
                caps.has("resources") ? all(r, "resources/list", "resources") : Json.array(),
                caps.has("resources") ? all(r, "resources/templates/list", "resourceTemplates") : Json.array());
    }

    private static ArrayNode all(Requester r, String method, String key) throws GatewayException {
        ArrayNode out = Json.array();
        String cursor = null;
        for (int page = 0; page < 1000; page++) {
            ObjectNode params = Json.object();
            if (cursor != null) {
                params.put("cursor", cursor);
            }
            ObjectNode result;
            try {
                result = r.request(method, params);
            } catch (GatewayException.UpstreamError e) {
                if (e.error().path("code").asInt(0) != METHOD_NOT_FOUND) {
                    throw e;
                }
                LOG.info("upstream does not implement {}: taken as an empty list", method);
                return out;
            }
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
    static JsonNode inputSchema(Listing listing, String method, ObjectNode params) {
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
