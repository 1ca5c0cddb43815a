package io.portcullis.ingress;

import io.portcullis.http.Replies;
import io.portcullis.identity.Principal;
import io.portcullis.protocol.ErrorCodes;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import io.portcullis.protocol.ProtocolVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The stateless 2026-07-28 form: every request carries its protocol version and client
 * capabilities in {@code _meta}, and its method and name in headers that must agree with the
 * body. No session, no GET stream; progress and logging come back as SSE on the POST itself.
 * An upstream's request to the client during a call is answered with {@code input_required}
 * and continued by the client's retry ({@link InputRounds}).
 */
final class Modern {
    static final String VERSION_KEY = "io.modelcontextprotocol/protocolVersion";
    static final String CAPS_KEY = "io.modelcontextprotocol/clientCapabilities";
    static final String INFO_KEY = "io.modelcontextprotocol/clientInfo";
    static final String LOG_KEY = "io.modelcontextprotocol/logLevel";
    private static final Set<String> NAME_METHODS = Set.of("tools/call", "prompts/get");

    private Modern() {}

    /** Whether a message claims the stateless era (its {@code _meta} names a protocol version). */
    static boolean claims(Message msg) {
        ObjectNode meta = msg.isResponse() ? null : msg.meta();
        return meta != null && meta.has(VERSION_KEY);
    }

    static void serve(Dispatcher dispatcher, String env, Principal caller, Message msg, Request req, Response res) throws IOException {
        ObjectNode meta = msg.meta();
        String version = meta.path(VERSION_KEY).asString("");
        if (ProtocolVersion.of(version).filter(ProtocolVersion::isModern).isEmpty()) {
            ObjectNode data = Json.object();
            data.putArray("supported").add(ProtocolVersion.V2026_07_28.id());
            data.put("requested", version);
            McpEndpoint.error(res, 400, msg.id(), ErrorCodes.UNSUPPORTED_PROTOCOL_VERSION, "Unsupported protocol version: " + version, data);
            return;
        }
        if (!(meta.get(CAPS_KEY) instanceof ObjectNode caps)) {
            McpEndpoint.error(res, 400, msg.id(), ErrorCodes.INVALID_PARAMS,
                    "Invalid _meta envelope for protocol revision 2026-07-28: " + CAPS_KEY + " must be an object", null);
            return;
        }
        String mismatch = headerMismatch(msg, req, version);
        if (mismatch != null) {
            McpEndpoint.error(res, 400, msg.id(), ErrorCodes.HEADER_MISMATCH,
                    "Bad Request: the request headers and body disagree: " + mismatch, null);
            return;
        }
        ObjectNode info = meta.get(INFO_KEY) instanceof ObjectNode i ? i : Json.object();
        Principal principal = McpEndpoint.withClient(caller, info); // authenticated on this very request: no session to trust
        ClientSession s = new ClientSession(null, env, ProtocolVersion.V2026_07_28, caps, info, principal);
        if (meta.get(LOG_KEY) instanceof JsonNode level && level.isString()) {
            s.logLevel(level.asString());
        }
        if (!msg.isRequest()) {
            // #18 item 2 (session 9): a notification's trace context may come in the HTTP headers alone (_meta wins)
            dispatcher.handle(s, msg, Outbound.DROP, McpEndpoint.origin(req));
            Replies.empty(res, 202);
            return;
        }
        HttpReply reply = new HttpReply(res, s, null);
        ObjectNode answer;
        if (InputRounds.serves(msg)) {
            // may take several POSTs (multi round-trip requests): see InputRounds
            InputRounds rounds = dispatcher.inputRounds();
            var origin = McpEndpoint.origin(req);
            answer = InputRounds.isRetry(msg) ? rounds.resume(s, msg, reply)
                    : rounds.begin(s, msg, dispatcher.inputWindow(msg), reply, out -> dispatcher.handle(s, msg, out, origin));
            if (answer.get("result") instanceof ObjectNode result) {
                dispatcher.stampModern(msg.method(), result);
            }
        } else {
            answer = dispatcher.handle(s, msg, reply, McpEndpoint.origin(req));
        }
        int status = answer.path("error").path("code").asInt(0) == ErrorCodes.METHOD_NOT_FOUND ? 404 : 200;
        reply.finish(status, answer);
    }

    /** Checks MCP-Protocol-Version, Mcp-Method and Mcp-Name against the body; returns what disagrees, or null. */
    private static String headerMismatch(Message msg, Request req, String version) {
        String hVersion = trim(req.getHeaders().get("MCP-Protocol-Version"));
        String hMethod = trim(req.getHeaders().get("Mcp-Method"));
        if (msg.isRequest() && hVersion == null) {
            return "the required MCP-Protocol-Version header is absent";
        }
        if (hVersion != null && !hVersion.equals(version)) {
            return "the body names protocol version " + version + " but the MCP-Protocol-Version header names " + hVersion;
        }
        if (msg.isRequest() && hMethod == null) {
            return "the body names method " + msg.method() + " but the required Mcp-Method header is absent";
        }
        if (hMethod != null && !hMethod.equals(msg.method())) {
            return "the body names method " + msg.method() + " but the Mcp-Method header names " + hMethod;
        }
        if (!msg.isRequest()) {
            return null;
        }
        JsonNode bodyName = NAME_METHODS.contains(msg.method()) ? msg.params().get("name")
                : "resources/read".equals(msg.method()) ? msg.params().get("uri") : null;
        if (bodyName == null || !bodyName.isString()) {
            return null;
        }
        String hName = trim(req.getHeaders().get("Mcp-Name"));
        if (hName == null) {
            return "the body names " + bodyName.asString() + " but the required Mcp-Name header is absent";
        }
        String decoded = decode(hName);
        if (decoded == null) {
            return "the Mcp-Name header is not valid =?base64?...?= encoding";
        }
        if (!decoded.equals(bodyName.asString())) {
            return "the body names " + bodyName.asString() + " but the Mcp-Name header names " + decoded;
        }
        return null;
    }

    private static String decode(String header) {
        if (header.startsWith("=?base64?") && header.endsWith("?=")) {
            try {
                return new String(Base64.getDecoder().decode(header.substring(9, header.length() - 2)), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return header;
    }

    private static String trim(String s) {
        return s == null ? null : s.strip();
    }
}
