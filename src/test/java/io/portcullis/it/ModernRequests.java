package io.portcullis.it;

import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** 2026-07-28 stateless requests: the {@code _meta} envelope in the body and the matching headers. */
public final class ModernRequests {
    public static final String VERSION = "2026-07-28";

    private ModernRequests() {}

    /** A request with the envelope (version, empty client capabilities, client info) in params._meta. */
    public static ObjectNode request(long id, String method, ObjectNode params) {
        ObjectNode p = params == null ? Json.object() : params;
        ObjectNode meta = p.get("_meta") instanceof ObjectNode m ? m : p.putObject("_meta");
        meta.put("io.modelcontextprotocol/protocolVersion", VERSION);
        meta.putObject("io.modelcontextprotocol/clientCapabilities");
        meta.putObject("io.modelcontextprotocol/clientInfo").put("name", "portcullis-it").put("version", "1");
        return Message.request(Json.object().numberNode(id), method, p);
    }

    /** The headers a 2026 client sends for {@code request}: version, method and, where the method has one, name. */
    public static List<String> headers(ObjectNode request) {
        List<String> h = new ArrayList<>(List.of("MCP-Protocol-Version", VERSION, "Mcp-Method", request.path("method").asString()));
        JsonNode params = request.path("params");
        String method = request.path("method").asString();
        if (method.equals("tools/call") || method.equals("prompts/get")) {
            h.addAll(List.of("Mcp-Name", params.path("name").asString()));
        } else if (method.equals("resources/read")) {
            h.addAll(List.of("Mcp-Name", params.path("uri").asString()));
        }
        return h;
    }

    /** POSTs {@code request} with its headers; {@code overrides} replace or (with null) drop some. */
    public static WireReply post(WireClient client, ObjectNode request, String... overrides) {
        List<String> h = headers(request);
        h.addAll(java.util.Arrays.asList(overrides));
        return client.post(Json.write(request), h.toArray(String[]::new));
    }

    public static SseStream stream(WireClient client, ObjectNode request) {
        return client.postStream(Json.write(request), headers(request).toArray(String[]::new));
    }
}
