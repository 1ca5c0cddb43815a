package io.portcullis.it;

import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A legacy-era (2025-*) MCP session over raw HTTP: {@code initialize}, then every message with
 * the {@code Mcp-Session-Id} and {@code MCP-Protocol-Version} headers.
 */
public final class LegacySession {
    private final WireClient client;
    private final String id;
    private final String version;
    private final ObjectNode initializeResult;
    private final AtomicLong ids = new AtomicLong();

    private LegacySession(WireClient client, String id, String version, ObjectNode initializeResult) {
        this.client = client;
        this.id = id;
        this.version = version;
        this.initializeResult = initializeResult;
    }

    /** Initializes asking for {@code version} with no client capabilities. */
    public static LegacySession open(WireClient client, String version) {
        return open(client, version, Json.object());
    }

    /** Initializes and sends notifications/initialized; fails the test if the gateway says no. */
    public static LegacySession open(WireClient client, String version, ObjectNode capabilities) {
        WireReply r = client.post(Json.write(initialize(0, version, capabilities)));
        String sid = r.header("Mcp-Session-Id");
        if (r.status() != 200 || sid == null || !r.message().has("result")) {
            throw new AssertionError("initialize failed: " + r);
        }
        ObjectNode result = (ObjectNode) r.message().get("result");
        LegacySession s = new LegacySession(client, sid, result.path("protocolVersion").asString(), result);
        WireReply n = s.notify("notifications/initialized", null);
        if (n.status() != 202) {
            throw new AssertionError("notifications/initialized was not accepted: " + n);
        }
        return s;
    }

    public static ObjectNode initialize(long id, String version, ObjectNode capabilities) {
        ObjectNode p = Json.object().put("protocolVersion", version);
        p.set("capabilities", capabilities);
        p.putObject("clientInfo").put("name", "portcullis-it").put("version", "1");
        return Message.request(Json.object().numberNode(id), "initialize", p);
    }

    public String id() {
        return id;
    }

    /** The negotiated protocol version. */
    public String version() {
        return version;
    }

    public ObjectNode initializeResult() {
        return initializeResult;
    }

    /** The session headers followed by {@code extra} (which may override them; null drops one). */
    public String[] headers(String... extra) {
        List<String> h = new ArrayList<>(List.of("Mcp-Session-Id", id, "MCP-Protocol-Version", version));
        h.addAll(java.util.Arrays.asList(extra));
        return h.toArray(String[]::new);
    }

    /** A request message with the next id. */
    public ObjectNode message(String method, ObjectNode params) {
        return Message.request(Json.object().numberNode(ids.incrementAndGet()), method, params == null ? Json.object() : params);
    }

    public WireReply post(JsonNode message, String... extraHeaders) {
        return client.post(Json.write(message), headers(extraHeaders));
    }

    /** Sends a request and returns the response message (the last one of an SSE answer). */
    public ObjectNode request(String method, ObjectNode params) {
        WireReply r = post(message(method, params));
        if (r.status() != 200) {
            throw new AssertionError(method + " answered " + r);
        }
        return r.message();
    }

    /** Sends a request message and returns its answer as it streams. */
    public SseStream stream(ObjectNode request) {
        return client.postStream(Json.write(request), headers());
    }

    public WireReply notify(String method, ObjectNode params) {
        return post(Message.notification(method, params));
    }

    /** Answers a request the gateway sent us (sampling, elicitation, roots). */
    public WireReply respond(JsonNode requestId, ObjectNode result) {
        return post(Message.result(requestId, result));
    }

    /** Opens the session's GET stream, resuming after {@code lastEventId} when it is not null. */
    public SseStream get(String lastEventId) {
        return lastEventId == null ? client.getStream(headers("Accept", "text/event-stream"))
                : client.getStream(headers("Accept", "text/event-stream", "Last-Event-ID", lastEventId));
    }

    /** The {@code name} of each item of a list result (tools, prompts), top level only. */
    public static List<String> names(JsonNode items) {
        List<String> out = new ArrayList<>();
        items.forEach(i -> out.add(i.path("name").asString()));
        return out;
    }

    /** The names tools/list shows this session (first page). */
    public List<String> toolNames() {
        return names(request("tools/list", null).path("result").path("tools"));
    }

    public WireReply delete() {
        return client.delete(headers());
    }
}
