package io.portcullis.ingress;

import io.portcullis.http.Replies;
import io.portcullis.identity.Principal;
import io.portcullis.protocol.ErrorCodes;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import io.portcullis.protocol.ProtocolException;
import io.portcullis.protocol.ProtocolVersion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The POSTs and DELETEs of the session eras (2025-03-26 … 2025-11-25) on the Streamable HTTP
 * endpoint: {@code initialize} opens a session (bound to the caller, at most
 * {@code server.max_sessions_per_principal} per caller), every later request names it in
 * {@code Mcp-Session-Id} and is answered as JSON or as an SSE stream ({@link HttpReply}),
 * batches (2025-03-26 only), and DELETE. {@link McpEndpoint} authenticates and parses first;
 * the GET stream is {@link LegacyStreams}, the stateless 2026-07-28 era {@link Modern}.
 */
final class LegacyRequests {
    private static final Logger LOG = LoggerFactory.getLogger(McpEndpoint.class); // the session lines keep their logger name

    private final Dispatcher dispatcher;
    private final Sessions sessions;

    LegacyRequests(Dispatcher dispatcher, Sessions sessions) {
        this.dispatcher = dispatcher;
        this.sessions = sessions;
    }

    /** A request without the 2026 envelope but with a 2026 header: the client is confused about its era. */
    private static void envelopeMissing(Message msg, Response res) throws IOException {
        if ("initialize".equals(msg.method())) {
            McpEndpoint.error(res, 400, msg.id(), ErrorCodes.HEADER_MISMATCH, "Bad Request: the request headers and body disagree: "
                    + "initialize belongs to the 2025 eras but the MCP-Protocol-Version header names 2026-07-28", null);
            return;
        }
        ObjectNode data = Json.object();
        var missing = data.putObject("envelope").putArray("missing");
        missing.add(Modern.VERSION_KEY);
        if (!(msg.meta() != null && msg.meta().has(Modern.CAPS_KEY))) {
            missing.add(Modern.CAPS_KEY);
        }
        McpEndpoint.error(res, 400, msg.id(), ErrorCodes.INVALID_PARAMS, "Invalid params: the MCP-Protocol-Version header names protocol "
                + "revision 2026-07-28, but the request is missing the required per-request envelope key(s): "
                + String.join(", ", missing.valueStream().map(JsonNode::asString).toList()), data);
    }

    /** One JSON-RPC message POSTed in (or opening, with initialize) a session. */
    void post(String env, Principal principal, Message msg, Request req, Response res) throws IOException {
        if (msg.isRequest() && McpEndpoint.isModernHeader(req)) {
            envelopeMissing(msg, res);
            return;
        }
        if (msg.isRequest() && "initialize".equals(msg.method())) {
            String current = req.getHeaders().get("Mcp-Session-Id");
            if (current != null && sessions.get(current.trim()) != null) {
                // as the SDK's transport does: a live session cannot be initialized again
                McpEndpoint.error(res, 400, msg.id(), ErrorCodes.INVALID_REQUEST, "Invalid Request: Server already initialized", null);
                return;
            }
            initialize(env, principal, msg, req, res);
            return;
        }
        ClientSession s = session(env, principal, req, res);
        if (s == null) {
            return;
        }
        if (!protocolHeaderOk(s, req, res)) {
            return;
        }
        res.getHeaders().put("Mcp-Session-Id", s.id());
        switch (msg.kind()) {
            case NOTIFICATION -> { // #18 item 2: with the request's trace headers, for the notification's span
                dispatcher.handle(s, msg, Outbound.DROP, McpEndpoint.origin(req));
                Replies.empty(res, 202);
            }
            case RESPONSE -> {
                dispatcher.clientResponse(s, msg);
                Replies.empty(res, 202);
            }
            case REQUEST -> {
                HttpReply reply = new HttpReply(res, s, LostStreams.postStream(s.postStreams.incrementAndGet(), msg.id()));
                reply.finish(200, dispatcher.handle(s, msg, reply, McpEndpoint.origin(req)));
            }
        }
    }

    private void initialize(String env, Principal caller, Message msg, Request req, Response res) throws IOException {
        ObjectNode params = msg.params();
        ProtocolVersion version = ProtocolVersion.negotiateLegacy(params.path("protocolVersion").asString(""));
        ObjectNode caps = params.get("capabilities") instanceof ObjectNode c ? c : Json.object();
        ObjectNode info = params.get("clientInfo") instanceof ObjectNode i ? i : Json.object();
        Principal principal = McpEndpoint.withClient(caller, info);
        // #14 item 3: too many new sessions from one principal (rate_limits.environments.<env>.new_sessions) -> 429
        long wait = dispatcher.gateway().rateLimits().newSession(principal, env);
        if (wait > 0) {
            LOG.warn("session refused: {} opened too many sessions in {} (rate_limits new_sessions); retry after {} s",
                    principal.subject(), env, wait);
            res.getHeaders().put(org.eclipse.jetty.http.HttpHeader.RETRY_AFTER, String.valueOf(wait));
            McpEndpoint.error(res, 429, msg.id(), -32000, "Too Many Requests: " + principal.subject() + " opened too many MCP "
                    + "sessions (control rate-limit, rule 'new_sessions'); retry after " + wait + " s",
                    Json.object().put("control", "rate-limit").put("rule", "new_sessions").put("retryAfter", wait));
            return;
        }
        // #19 item 1: the id carries the session, sealed with the cluster key: every node of the cluster can continue it
        ClientSession s = new ClientSession(sessions.seal().seal(env, version, caps, info, principal), env, version, caps, info, principal);
        var server = dispatcher.gateway().config().server();
        Sessions.Refusal refused = sessions.admit(s, server.maxSessionsPerPrincipal(), server.maxSessions());
        if (refused != null && refused.gatewayFull()) {
            full(res, msg.id(), refused.held(), principal);
            return;
        }
        if (refused != null) {
            int held = refused.held();
            LOG.warn("session refused: {} already holds {} sessions (server.max_sessions_per_principal {})",
                    principal.subject(), held, refused.limit());
            McpEndpoint.error(res, 429, msg.id(), -32000, "Too Many Requests: " + principal.subject() + " already holds " + held
                    + " open MCP sessions, the limit (server.max_sessions_per_principal); end one with DELETE or let it expire", null);
            return;
        }
        LOG.info("session {} opened: env={} protocol={} client={} subject={} auth={}", Sessions.shortId(s.id()), env, version.id(),
                info.path("name").asString("?"), principal.subject(), principal.authMethod());
        res.getHeaders().put("Mcp-Session-Id", s.id());
        Replies.json(res, 200, Message.result(msg.id(), dispatcher.initializeResult(version, params, McpEndpoint.origin(req))));
    }

    /**
     * The session named by the request's header, or null after answering 400 (missing), 404
     * (unknown) or 403 (opened by another caller: a session is bound to the principal that opened it).
     */
    ClientSession session(String env, Principal caller, Request req, Response res) throws IOException {
        String id = req.getHeaders().get("Mcp-Session-Id");
        if (id == null || id.isBlank()) {
            McpEndpoint.error(res, 400, null, -32000, "Bad Request: Mcp-Session-Id header is required", null);
            return null;
        }
        ClientSession s = sessions.get(id.trim());
        if (s == null && SessionSeal.claims(id.trim())) {
            s = adopt(env, caller, id.trim(), res);
            if (s == null) {
                return null;
            }
        }
        if (s == null || s.closed() || !s.environment().equals(env)) {
            McpEndpoint.error(res, 404, null, ErrorCodes.SESSION_NOT_FOUND, "Session not found", null);
            return null;
        }
        if (!s.principal().sameCaller(caller)) {
            LOG.warn("session {} of {} refused to {} ({})", Sessions.shortId(s.id()), s.principal().subject(), caller.subject(), caller.authMethod());
            McpEndpoint.error(res, 403, null, -32000, "Forbidden: the session belongs to another caller", null);
            return null;
        }
        // The same caller may present a fresh credential (a refreshed token): later calls record it.
        s.principal(McpEndpoint.withClient(caller, s.clientInfo()));
        return s;
    }

    /**
     * #19 item 1: a session id this node does not hold, sealed by a node of this cluster, continues
     * here; or null after answering 404 (an id that does not open, or a session that ended: a
     * conformant client then initializes again) or 403 (another caller's session).
     */
    private ClientSession adopt(String env, Principal caller, String id, Response res) throws IOException {
        SessionSeal.Opened o = sessions.seal().open(id);
        if (o.refusal() != null) {
            LOG.warn("session id refused to {} ({}): {}", caller.subject(), caller.authMethod(), o.refusal().why);
            McpEndpoint.error(res, 404, null, ErrorCodes.SESSION_NOT_FOUND, "Session not found: " + o.refusal().why, null);
            return null;
        }
        SessionSeal.Sealed sealed = o.sealed();
        if (!sealed.boundTo(caller)) {
            LOG.warn("session {} of {} refused to {} ({})", Sessions.shortId(id), sealed.subject(), caller.subject(), caller.authMethod());
            McpEndpoint.error(res, 403, null, -32000, "Forbidden: the session belongs to another caller", null);
            return null;
        }
        if (sessions.ended(id) || !sealed.environment().equals(env)) {
            McpEndpoint.error(res, 404, null, ErrorCodes.SESSION_NOT_FOUND, "Session not found", null);
            return null;
        }
        try {
            if (sessions.endedElsewhere(id)) { // #19: ended (DELETE) on another node of the cluster
                McpEndpoint.error(res, 404, null, ErrorCodes.SESSION_NOT_FOUND, "Session not found: it was ended (DELETE)", null);
                return null;
            }
        } catch (java.sql.SQLException | RuntimeException e) {
            // fail closed: a session that may have ended is not continued while the store cannot say
            LOG.warn("session {} not continued here: the store does not answer whether it ended: {}", Sessions.shortId(id),
                    sessions.describeStoreFailure(e));
            McpEndpoint.error(res, 503, null, -32000, "Service Unavailable: cannot check whether this session was ended "
                    + "(the shared store does not answer); retry", Json.object().put("control", "store").put("retryable", true));
            return null;
        }
        ClientSession s = sessions.adopt(id, sealed, McpEndpoint.withClient(caller, sealed.clientInfo()),
                dispatcher.gateway().config().server().maxSessions());
        if (s == null) {
            full(res, null, sessions.size(), caller);
        }
        return s;
    }

    /**
     * #20 item 4: the gateway holds {@code server.max_sessions} open sessions: 503 with a JSON-RPC
     * error naming the control ({@code sessions}); nothing is added, the open sessions go on.
     */
    private void full(Response res, JsonNode id, int open, Principal caller) throws IOException {
        int max = dispatcher.gateway().config().server().maxSessions();
        LOG.warn("session refused to {}: the gateway holds {} open sessions (control sessions, server.max_sessions {})",
                caller.subject(), open, max);
        res.getHeaders().put(org.eclipse.jetty.http.HttpHeader.RETRY_AFTER, "60");
        McpEndpoint.error(res, 503, id, -32000, "Service Unavailable: the gateway holds " + open + " open MCP sessions, its limit"
                + " (control sessions, server.max_sessions " + max + "); end a session with DELETE or let one expire"
                + " (server.session_idle_timeout), then initialize again",
                Json.object().put("control", Sessions.CONTROL).put("rule", "max_sessions").put("limit", max));
    }

    private boolean protocolHeaderOk(ClientSession s, Request req, Response res) throws IOException {
        String v = req.getHeaders().get("MCP-Protocol-Version");
        if (v == null) {
            return true; // older clients omit it; the session's negotiated version applies
        }
        Optional<ProtocolVersion> pv = ProtocolVersion.of(v.trim());
        if (pv.isEmpty() || pv.get().isModern()) {
            McpEndpoint.error(res, 400, null, -32000, "Bad Request: Unsupported protocol version: " + v
                    + " (supported versions: " + String.join(", ", ProtocolVersion.ids().subList(0, 3)) + ")", null);
            return false;
        }
        return true;
    }

    /** A JSON-RPC batch: 2025-03-26 sessions only, never 2026-07-28 requests. */
    void batch(String env, Principal principal, ArrayNode batch, Request req, Response res) throws IOException {
        if (batch.isEmpty()) {
            McpEndpoint.error(res, 400, null, ErrorCodes.INVALID_REQUEST, "Bad Request: empty JSON-RPC batch", null);
            return;
        }
        for (JsonNode item : batch) {
            if (item.path("params").path("_meta").has(Modern.VERSION_KEY)) {
                McpEndpoint.error(res, 400, null, ErrorCodes.INVALID_REQUEST,
                        "Bad Request: JSON-RPC batches may not contain requests for protocol revision 2026-07-28 or later", null);
                return;
            }
        }
        ClientSession s = session(env, principal, req, res);
        if (s == null) {
            return;
        }
        if (!s.version().allowsBatches()) {
            McpEndpoint.error(res, 400, null, ErrorCodes.INVALID_REQUEST, "Bad Request: JSON-RPC batches are not supported in protocol version "
                    + s.version().id() + " (only 2025-03-26 has them)", null);
            return;
        }
        res.getHeaders().put("Mcp-Session-Id", s.id());
        List<Message> messages = new ArrayList<>();
        ArrayNode answers = Json.array();
        for (JsonNode item : batch) {
            try {
                Message m = Message.ofClient(item);
                if ("initialize".equals(m.method()) || Modern.claims(m)) {
                    answers.add(Message.error(m.id(), ErrorCodes.INVALID_REQUEST, "initialize and 2026-07-28 requests cannot be batched", null));
                } else {
                    messages.add(m);
                }
            } catch (ProtocolException e) {
                answers.add(Message.error(item.get("id"), e.code(), e.getMessage(), null));
            }
        }
        for (Message m : messages) {
            switch (m.kind()) {
                case RESPONSE -> dispatcher.clientResponse(s, m);
                case NOTIFICATION -> dispatcher.handle(s, m, Outbound.DROP, McpEndpoint.origin(req)); // #18 item 2: header context
                case REQUEST -> answers.add(dispatcher.handle(s, m, Outbound.DROP, McpEndpoint.origin(req)));
            }
        }
        if (answers.isEmpty()) {
            Replies.empty(res, 202);
        } else {
            Replies.json(res, 200, answers);
        }
    }

    /** DELETE: the client ends its session. */
    void delete(String env, Principal principal, Request req, Response res) throws IOException {
        ClientSession s = session(env, principal, req, res);
        if (s == null) {
            return;
        }
        try {
            sessions.endEverywhere(s.id()); // #19: every node refuses it from now on (held copies within a poll)
        } catch (java.sql.SQLException | RuntimeException e) {
            LOG.warn("session {} not ended: the store does not answer: {}", Sessions.shortId(s.id()), sessions.describeStoreFailure(e));
            McpEndpoint.error(res, 503, null, -32000, "Service Unavailable: the session could not be ended on every node (the "
                    + "shared store does not answer); it stays open: retry the DELETE", Json.object().put("control", "store").put("retryable", true));
            return;
        }
        sessions.remove(s.id());
        LOG.info("session {} ended by the client", Sessions.shortId(s.id()));
        Replies.empty(res, 200);
    }
}
