package io.portcullis.ingress;

import io.portcullis.settings.EnvironmentConfig;
import io.portcullis.settings.ServerSettings;
import io.portcullis.http.HttpAuth;
import io.portcullis.http.Origins;
import io.portcullis.http.Replies;
import io.portcullis.identity.Principal;
import io.portcullis.call.Origin;
import io.portcullis.protocol.ErrorCodes;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import io.portcullis.protocol.ProtocolException;
import io.portcullis.protocol.ProtocolVersion;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Streamable HTTP endpoint: {@code /mcp} for the default environment and {@code /mcp/{env}}
 * for the others. Each request is served on its own virtual thread in straight-line code.
 * Legacy eras (2025-03-26 … 2025-11-25) use sessions; a POST whose {@code _meta} names
 * 2026-07-28 is served statelessly.
 */
public final class McpEndpoint extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(McpEndpoint.class);

    private final Dispatcher dispatcher;
    private final Sessions sessions;
    private final LegacyRequests legacy;
    private final ExecutorService threads = requestThreads();

    public McpEndpoint(Dispatcher dispatcher, Sessions sessions) {
        this.dispatcher = dispatcher;
        this.sessions = sessions;
        this.legacy = new LegacyRequests(dispatcher, sessions);
    }

    /** The session named by the request's header, or null after answering (see {@link LegacyRequests#session}). */
    ClientSession session(String env, Principal caller, Request req, Response res) throws IOException {
        return legacy.session(env, caller, req, res);
    }

    Sessions sessions() {
        return sessions;
    }

    /**
     * One new virtual thread per task. Named: logback looks up the thread name of every log
     * line, and for a nameless virtual thread it falls back to a reflective call, a measurable
     * cost per tools/call (bench/).
     */
    public static ExecutorService requestThreads() {
        return Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("mcp-request").factory());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (!path.equals("/mcp") && !path.startsWith("/mcp/")) {
            return false;
        }
        Runnable work = () -> {
            try {
                serve(path, request, response);
                callback.succeeded();
            } catch (Throwable t) {
                LOG.debug("request ended: {}", t.toString());
                callback.failed(t);
            }
        };
        if (Thread.currentThread().isVirtual()) {
            work.run(); // Jetty already gave this request its own virtual thread (see HttpServer)
        } else {
            threads.execute(work);
        }
        return true;
    }

    private ServerSettings settings() {
        return dispatcher.gateway().config().server();
    }

    private void serve(String path, Request req, Response res) throws IOException {
        Optional<EnvironmentConfig> env = environment(path);
        if (env.isEmpty()) {
            error(res, 404, null, ErrorCodes.INVALID_REQUEST, "No such MCP endpoint: " + path, null);
            return;
        }
        String refusal = Origins.check(req, settings());
        if (refusal != null) {
            error(res, 403, null, -32000, refusal, null);
            return;
        }
        if (!"POST".equals(req.getMethod()) && isModernHeader(req)) {
            // 2026-07-28 is POST-only: no GET stream, no session to DELETE
            res.getHeaders().put(HttpHeader.ALLOW, "POST");
            error(res, 405, null, -32000, "Method not allowed.", null);
            return;
        }
        // C1.1: every request is authenticated before anything else looks at it (sessions included).
        String pathEnv = path.equals("/mcp") || path.equals("/mcp/") ? null : env.get().name();
        var identity = dispatcher.gateway().identity();
        Principal principal = HttpAuth.authenticate(identity, req, res, env.get().name(), identity.routeResource(pathEnv));
        if (principal == null) {
            return;
        }
        switch (req.getMethod()) {
            case "POST" -> post(env.get().name(), principal, req, res);
            case "GET" -> LegacyStreams.get(this, env.get().name(), principal, req, res);
            case "DELETE" -> legacy.delete(env.get().name(), principal, req, res);
            default -> {
                res.getHeaders().put(HttpHeader.ALLOW, "GET, POST, DELETE");
                error(res, 405, null, -32000, "Method not allowed.", null);
            }
        }
    }

    static boolean isModernHeader(Request req) {
        String v = req.getHeaders().get("MCP-Protocol-Version");
        return v != null && ProtocolVersion.of(v.strip()).filter(ProtocolVersion::isModern).isPresent();
    }

    private Optional<EnvironmentConfig> environment(String path) {
        var config = dispatcher.gateway().config();
        if (path.equals("/mcp") || path.equals("/mcp/")) {
            return Optional.of(config.defaultEnvironment());
        }
        String name = path.substring("/mcp/".length());
        if (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        return config.environment(name);
    }

    private void post(String env, Principal principal, Request req, Response res) throws IOException {
        String type = req.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type == null || !type.toLowerCase().startsWith("application/json")) {
            error(res, 415, null, -32000, "Unsupported Media Type: Content-Type must be application/json", null);
            return;
        }
        String accept = req.getHeaders().get(HttpHeader.ACCEPT);
        if (accept != null && !(accept.contains("application/json") || accept.contains("text/event-stream") || accept.contains("*/*"))) {
            error(res, 406, null, -32000, "Not Acceptable: Client must accept application/json and text/event-stream", null);
            return;
        }
        long max = settings().maxBodyBytes();
        if (req.getLength() > max) {
            error(res, 413, null, -32000, "Request body too large (limit " + max + " bytes)", null);
            return;
        }
        byte[] body = readLimited(req, max);
        if (body == null) {
            error(res, 413, null, -32000, "Request body too large (limit " + max + " bytes)", null);
            return;
        }
        JsonNode json;
        try {
            json = Json.parse(body);
        } catch (JacksonException e) {
            error(res, 400, null, ErrorCodes.PARSE_ERROR, "Parse error: the request body is not valid JSON", null);
            return;
        }
        if (json == null || json.isMissingNode()) {
            error(res, 400, null, ErrorCodes.PARSE_ERROR, "Parse error: empty request body", null);
            return;
        }
        if (json instanceof ArrayNode batch) {
            legacy.batch(env, principal, batch, req, res);
            return;
        }
        Message msg;
        try {
            msg = Message.ofClient(json); // #11 item 3: invalid Unicode and unrepresentable numbers stop here
        } catch (ProtocolException e) {
            error(res, 400, json.get("id"), e.code(), Message.clientMessage(e), null);
            return;
        }
        if (Modern.claims(msg)) {
            Modern.serve(dispatcher, env, principal, msg, req, res);
        } else {
            legacy.post(env, principal, msg, req, res);
        }
    }

    /** The body, or null when it is longer than {@code max}. */
    private static byte[] readLimited(Request req, long max) throws IOException {
        long declared = req.getLength();
        try (InputStream in = Content.Source.asInputStream(req)) {
            if (declared >= 0) {
                // Content-Length known (and already checked against max): read exactly that much,
                // instead of asking for max + 1 bytes, which allocates a large buffer per request.
                return in.readNBytes((int) declared);
            }
            byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            return data.length > max ? null : data;
        }
    }

    /** The caller's principal; the client id falls back to the MCP client's own name when the credential names none. */
    static Principal withClient(Principal caller, ObjectNode clientInfo) {
        return caller.clientId() != null ? caller : caller.withClientId(clientInfo.path("name").asString(null));
    }

    /** The peer and the W3C trace headers of one HTTP request, for the audit record (C4.1). */
    static Origin origin(Request req) {
        return Origin.http(Request.getRemoteAddr(req) + ":" + Request.getRemotePort(req),
                req.getHeaders().get("traceparent"), req.getHeaders().get("tracestate"));
    }

    static void error(Response res, int status, JsonNode id, int code, String message, JsonNode data) throws IOException {
        Replies.json(res, status, Message.error(id, code, message, data));
    }

    public void close() {
        threads.shutdownNow();
    }
}
