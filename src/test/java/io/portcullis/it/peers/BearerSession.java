package io.portcullis.it.peers;

import io.portcullis.it.LegacySession;
import io.portcullis.it.WireClient;
import io.portcullis.it.WireReply;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.node.ObjectNode;

/** An MCP session over Streamable HTTP that sends a bearer credential (an API key or a token) on every request. */
final class BearerSession {
    private final WireClient client;
    private final String bearer;
    private final String id;
    private final String version;
    private final AtomicLong ids = new AtomicLong();

    private BearerSession(WireClient client, String bearer, String id, String version) {
        this.client = client;
        this.bearer = bearer;
        this.id = id;
        this.version = version;
    }

    /** The answer to an initialize sent with this credential (null: none), for tests of refusals. */
    static WireReply initialize(String url, String bearer) {
        WireClient c = new WireClient(URI.create(url));
        String body = Json.write(LegacySession.initialize(0, "2025-11-25", Json.object()));
        return bearer == null ? c.post(body) : c.post(body, "Authorization", "Bearer " + bearer);
    }

    static BearerSession open(String url, String bearer) {
        WireClient c = new WireClient(URI.create(url));
        WireReply r = c.post(Json.write(LegacySession.initialize(0, "2025-11-25", Json.object())), "Authorization", "Bearer " + bearer);
        String sid = r.header("Mcp-Session-Id");
        if (r.status() != 200 || sid == null) {
            throw new AssertionError("initialize with the credential failed: " + r);
        }
        BearerSession s = new BearerSession(c, bearer, sid, r.message().path("result").path("protocolVersion").asString());
        WireReply n = c.post(Json.write(Message.notification("notifications/initialized", Json.object())), s.headers());
        if (n.status() != 202) {
            throw new AssertionError("notifications/initialized was not accepted: " + n);
        }
        return s;
    }

    private String[] headers() {
        return new String[] {"Authorization", "Bearer " + bearer, "Mcp-Session-Id", id, "MCP-Protocol-Version", version};
    }

    /** Sends a request; returns the response message. */
    ObjectNode request(String method, ObjectNode params) {
        ObjectNode m = Message.request(Json.object().numberNode(ids.incrementAndGet()), method, params == null ? Json.object() : params);
        WireReply r = client.post(Json.write(m), headers());
        if (r.status() != 200) {
            throw new AssertionError(method + " answered " + r);
        }
        return r.message();
    }

    /** tools/call; returns the result (a JSON-RPC error fails the test). */
    ObjectNode call(String tool, ObjectNode args) {
        ObjectNode answer = request("tools/call", Json.object().put("name", tool).set("arguments", args));
        if (!answer.has("result")) {
            throw new AssertionError("tools/call " + tool + " answered " + answer);
        }
        return (ObjectNode) answer.get("result");
    }
}
