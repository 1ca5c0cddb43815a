package io.portcullis.ingress;

import io.portcullis.Gateway;
import io.portcullis.Snapshot;
import io.portcullis.catalog.Catalog;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.call.CallContext;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Origin;
import io.portcullis.protocol.ErrorCodes;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import io.portcullis.protocol.ProtocolException;
import io.portcullis.protocol.ProtocolVersion;
import io.portcullis.upstream.Upstream;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Serves the MCP methods of one client message, whatever transport brought it. {@code tools/call}
 * goes through the tool chain; lists are aggregated from the catalog; prompts, resources,
 * completions and tasks are routed to the upstream that owns them. Each request reads the
 * gateway's {@link Snapshot} once and serves on it alone (#12 item 1). What the gateway says about
 * itself (capabilities, 2026-07-28 stamps) is {@link Capabilities}.
 */
public final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Methods that no longer exist in the stateless era. */
    private static final Set<String> REMOVED_IN_MODERN = Set.of("initialize", "ping", "logging/setLevel",
            "resources/subscribe", "resources/unsubscribe", "tasks/get", "tasks/result", "tasks/list", "tasks/cancel");

    /** Methods that run a pipeline, whose call-log stage writes their log line. */
    private static final Set<String> PIPELINED = Set.of("tools/call", "tasks/result", "prompts/get", "resources/read",
            "resources/subscribe", "completion/complete");
    /** The input window of a call whose upstream is not known (it will be refused anyway). */
    private static final java.time.Duration DEFAULT_INPUT_WINDOW = java.time.Duration.ofSeconds(60);

    private final Gateway gateway;
    /** 2026-07-28 calls waiting for their client's input (multi round-trip requests). */
    private final InputRounds inputRounds;
    /** Task-augmented calls that wait for an approval become the gateway's own tasks (2025-11-25). */
    private final TaskCalls taskCalls;
    /** Prompts, resources and completions, admitted like tools (#11 item 5). */
    private final ItemCalls items;
    /** What the gateway says about itself: initialize result, capabilities, 2026-07-28 stamps. */
    private final Capabilities about;

    public Dispatcher(Gateway gateway) {
        this.gateway = gateway;
        this.inputRounds = new InputRounds(gateway.ticker(), InputRounds.MAX_PER_CALLER, InputRounds.MAX_TOTAL);
        this.taskCalls = new TaskCalls(gateway, new GatewayTasks(gateway.ticker(), GatewayTasks.MAX_PER_SESSION, GatewayTasks.MAX_TOTAL));
        this.items = new ItemCalls(gateway.killSwitches());
        this.about = new Capabilities(gateway, taskCalls::approvalsConfigured);
    }

    public Gateway gateway() {
        return gateway;
    }

    /** The {@code initialize} result for a session that negotiated {@code version}. */
    public ObjectNode initializeResult(ProtocolVersion version) {
        return about.initializeResult(version);
    }

    /** As {@link #initializeResult(ProtocolVersion)}, under an {@code initialize} SERVER span continued from the client's trace context (#18 item 2). */
    public ObjectNode initializeResult(ProtocolVersion version, ObjectNode params, Origin origin) {
        try {
            return io.portcullis.tracing.Tracing.current().request("initialize", params, origin, version.id(),
                    () -> about.initializeResult(version));
        } catch (ProtocolException | GatewayException e) {
            throw new IllegalStateException("initialize cannot fail here", e);
        }
    }

    /**
     * Handles a request and returns its response message; handles a notification and returns null.
     * Never throws: every failure becomes a JSON-RPC error or an {@code isError} result.
     */
    public ObjectNode handle(ClientSession session, Message msg, Outbound out) {
        return handle(session, msg, out, Origin.NONE);
    }

    /**
     * As {@link #handle(ClientSession, Message, Outbound)}, with the transport's facts about the
     * request (peer address, trace headers) for the call's audit record.
     */
    public ObjectNode handle(ClientSession session, Message msg, Outbound out, Origin origin) {
        session.touch();
        if (msg.isNotification()) {
            io.portcullis.tracing.Tracing.current().notification(msg.method(), msg.params(), origin, session.version().id(), () -> notification(session, msg));
            return null;
        }
        JsonNode id = msg.id();
        try {
            Snapshot snap = gateway.snapshot();
            // #18 item 2: a chain's request has its SERVER span from its pipeline; every other request gets one here
            ObjectNode result = PIPELINED.contains(msg.method()) ? request(snap, session, msg, out, origin)
                    : io.portcullis.tracing.Tracing.current().request(msg.method(), msg.params(), origin, session.version().id(),
                            () -> request(snap, session, msg, out, origin));
            if (session.version().isModern()) {
                about.stampModern(msg.method(), result);
            }
            return Message.result(id, result);
        } catch (ProtocolException e) {
            LOG.debug("session {}: {} answered {} {}", session.id(), msg.method(), e.code(), e.getMessage());
            return Message.error(id, e.code(), e.getMessage(), e.data());
        } catch (GatewayException e) {
            if (!PIPELINED.contains(msg.method())) {
                // these have their line from the call-log stage; the other forwarded methods get theirs here
                LOG.info("session {}: {} failed ({}): {}", session.id(), msg.method(), e.control(), e.getMessage());
            }
            // both answer with a CallToolResult, so a refusal is an isError result the model can read
            if (ConsentElicitation.applies(session, e)) { // #16 item 1: a 2025-11-25+ client with elicitation.url
                return ConsentElicitation.error(id, (GatewayException.Refused) e);
            }
            boolean toolResult = "tools/call".equals(msg.method()) || "tasks/result".equals(msg.method());
            return toolResult ? Responses.forToolCall(id, e) : Responses.forRequest(id, e);
        } catch (RuntimeException e) {
            LOG.error("internal error serving {}", msg.method(), e);
            return Message.error(id, ErrorCodes.INTERNAL_ERROR, "internal error in the gateway", null);
        }
    }

    /** One request on one snapshot, read once by {@link #handle} (#12 item 1). */
    private ObjectNode request(Snapshot snap, ClientSession s, Message msg, Outbound out, Origin origin)
            throws ProtocolException, GatewayException {
        String method = msg.method();
        ObjectNode params = msg.params();
        if (s.version().isModern() && REMOVED_IN_MODERN.contains(method)) {
            throw new ProtocolException(ErrorCodes.METHOD_NOT_FOUND, "Method not found: " + method + " (removed in 2026-07-28)");
        }
        if (params.has("_meta") && !params.get("_meta").isObject()) {
            // #11 item 15: MCP defines _meta as an object; anything else was forwarded and the
            // upstream hung on it until the timeout. Refused here, for every method, before any upstream.
            String why = "params._meta must be an object; got " + params.get("_meta").getNodeType().name().toLowerCase(java.util.Locale.ROOT);
            if ("tools/call".equals(method)) {
                throw malformed(s, msg, origin, params.path("name").asString(""), why);
            }
            throw new ProtocolException(ErrorCodes.INVALID_PARAMS, why);
        }
        return switch (method) {
            case "ping" -> Json.object();
            case "server/discover" -> about.discover();
            case "tools/list" -> Listings.tools(Listings.withOwnListings(gateway, snap, s), s, params, gateway.killSwitches()); // #16
            case "tools/call" -> toolsCall(Listings.forCall(gateway, snap, s, params), s, msg, out, origin); // #16
            case "prompts/list" -> Listings.page(snap, params, "prompts", items.prompts(snap, s));
            case "prompts/get" -> items.promptsGet(snap, s, msg, out, origin);
            case "resources/list" -> Listings.page(snap, params, "resources", items.resources(snap, s, false));
            case "resources/templates/list" -> Listings.page(snap, params, "resourceTemplates", items.resources(snap, s, true));
            case "resources/read" -> items.byResource(snap, s, msg, out, origin, resourceOwner(snap, params, false));
            case "resources/subscribe" -> {
                ObjectNode r = items.byResource(snap, s, msg, out, origin, resourceOwner(snap, params, true));
                s.subscriptions.add(params.path("uri").asString(""));
                yield r;
            }
            case "resources/unsubscribe" -> {
                // stops data rather than returning any: no admission, so a switch-off cannot trap a subscription
                s.subscriptions.remove(params.path("uri").asString(""));
                yield unsubscribe(snap, s, msg, out);
            }
            case "completion/complete" -> items.complete(snap, s, msg, out, origin);
            case "logging/setLevel" -> setLevel(snap, s, params);
            case "tasks/get", "tasks/result", "tasks/cancel" -> task(snap, s, msg, out, origin);
            case "tasks/list" -> tasksList(snap, s, msg, out);
            case "initialize" -> throw new ProtocolException(ErrorCodes.INVALID_REQUEST, "the session is already initialized");
            default -> throw new ProtocolException(ErrorCodes.METHOD_NOT_FOUND, "Method not found: " + method);
        };
    }

    InputRounds inputRounds() {
        return inputRounds;
    }

    /**
     * How long a 2026-07-28 client has to continue a call that awaits its input: the timeout the
     * call's upstream request runs under (the tool's, else its upstream's), so a state does not
     * outlive what it waits for by more than that.
     */
    java.time.Duration inputWindow(Message msg) {
        Snapshot snap = gateway.snapshot();
        String name = msg.params().path("name").asString("");
        if ("tools/call".equals(msg.method())) {
            // the tool's timeout, worked out in one place (#12 item 2)
            return snap.catalog().tool(name).map(snap::timeout).orElse(DEFAULT_INPUT_WINDOW);
        }
        java.util.Optional<String> upstream = "prompts/get".equals(msg.method())
                ? snap.catalog().prompt(name).map(Catalog.Item::upstream)
                : snap.catalog().resourceOwner(msg.params().path("uri").asString(""));
        return upstream.flatMap(snap::timeout).orElse(DEFAULT_INPUT_WINDOW);
    }

    /** 2026-07-28 results carry resultType, cache hints on cacheable methods, and serverInfo in _meta ({@link Capabilities}). */
    void stampModern(String method, ObjectNode result) {
        about.stampModern(method, result);
    }

    private ObjectNode toolsCall(Snapshot snap, ClientSession s, Message msg, Outbound out, Origin origin)
            throws ProtocolException, GatewayException {
        ObjectNode params = msg.params();
        JsonNode name = params.get("name");
        if (name == null || !name.isString()) {
            throw malformed(s, msg, origin, name == null ? "" : name.toString(), "tools/call needs params.name (a string)");
        }
        JsonNode args = params.get("arguments");
        if (args != null && !args.isObject() && !args.isNull()) {
            throw malformed(s, msg, origin, name.asString(), "tools/call params.arguments must be an object");
        }
        if (taskCalls.eligible(s, params)) {
            CallContext[] call = new CallContext[1];
            ObjectNode result = taskCalls.call(s, msg, out, relay -> call[0] = callContext(s, msg, name.asString(), relay, origin));
            if (call[0].trail().gatewayTask() == null) {
                rememberUpstreamTask(s, call[0], result);
            }
            return result;
        }
        SessionRelay relay = new SessionRelay(s, out, msg.id());
        CallContext call = callContext(s, msg, name.asString(), relay, origin);
        try {
            ObjectNode result = snap.chains().toolCall().call(call);
            rememberUpstreamTask(s, call, result);
            return result;
        } finally {
            relay.done();
        }
    }

    /** An upstream's CreateTaskResult: the task is this session's, and tasks/* about it go to that upstream. */
    private void rememberUpstreamTask(ClientSession s, CallContext call, ObjectNode result) {
        if (result.get("task") instanceof ObjectNode task && task.get("taskId") instanceof JsonNode tid && tid.isString()) {
            ToolEntry t = call.trail().tool(); // the entry the call was decided on, from its own snapshot
            if (t != null) {
                s.tasks.put(tid.asString(), new ClientSession.UpstreamTask(t.upstream(), t.name()));
            }
        }
    }

    /** A malformed tools/call is an attempt too (C4.1): it is recorded, then answered with -32602. */
    private ProtocolException malformed(ClientSession s, Message msg, Origin origin, String tool, String why) {
        gateway.audit().rejected(callContext(s, msg, tool, new SessionRelay(s, Outbound.DROP, msg.id()), origin), why);
        return new ProtocolException(ErrorCodes.INVALID_PARAMS, why);
    }

    static CallContext callContext(ClientSession s, Message msg, String tool, io.portcullis.call.Relay relay, Origin origin) {
        return new CallContext(CallContext.newCallId(), s.principal(), s.environment(), s.id(),
                s.version().id(), tool, msg.params(), null, relay, Instant.now(), new io.portcullis.call.CallTrail(),
                origin.withClient(s.clientInfo() == null ? null : s.clientInfo().path("name").asString(null),
                        s.clientInfo() == null ? null : s.clientInfo().path("version").asString(null)));
    }

    /** A request that is no call of a chain (no control decides it), to the named upstream of the snapshot. */
    private static ObjectNode forward(Snapshot snap, ClientSession s, Message msg, Outbound out, String upstreamName,
                                      ObjectNode params) throws GatewayException {
        Upstream u = snap.upstream(upstreamName).orElseThrow(() -> new GatewayException.UpstreamFailure(
                "upstream", upstreamName, "upstream " + upstreamName + " is not configured"));
        SessionRelay relay = new SessionRelay(s, out, msg.id());
        try {
            return u.forCaller(s.principal()).request(msg.method(), params, snap.timeout(upstreamName).orElse(u.config().timeout()), relay); // #16
        } finally {
            relay.done();
        }
    }

    private static ObjectNode unsubscribe(Snapshot snap, ClientSession s, Message msg, Outbound out)
            throws ProtocolException, GatewayException {
        String uri = msg.params().path("uri").asString("");
        String owner = resourceOwner(snap, msg.params(), true)
                .orElseThrow(() -> new ProtocolException(s.version().isModern() ? ErrorCodes.INVALID_PARAMS : -32002,
                        "Resource not found: " + uri, Json.object().put("uri", uri)));
        return forward(snap, s, msg, out, owner, msg.params());
    }

    /** The upstream that serves a URI; for a subscription also the only upstream that offers subscriptions. */
    private static java.util.Optional<String> resourceOwner(Snapshot snap, ObjectNode params, boolean subscribe) {
        String uri = params.path("uri").asString("");
        return snap.catalog().resourceOwner(uri).or(() -> subscribe ? soleSubscribable(snap) : java.util.Optional.empty());
    }

    /**
     * A client may subscribe to a resource that is not listed (yet); when exactly one upstream
     * offers subscriptions there is no doubt whose it is, and it answers as it would directly.
     */
    private static java.util.Optional<String> soleSubscribable(Snapshot snap) {
        List<String> able = snap.upstreams().values().stream()
                .filter(u -> u.state() == Upstream.State.READY && u.capabilities().path("resources").path("subscribe").asBoolean(false))
                .map(Upstream::name).toList();
        return able.size() == 1 ? java.util.Optional.of(able.getFirst()) : java.util.Optional.empty();
    }

    private static ObjectNode setLevel(Snapshot snap, ClientSession s, ObjectNode params) throws ProtocolException {
        String level = params.path("level").asString("");
        if (!Set.of("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency").contains(level)) {
            throw new ProtocolException(ErrorCodes.INVALID_PARAMS, "invalid log level: " + level);
        }
        s.logLevel(level);
        // Upstream connections are shared, so the upstream is asked for everything down to the most
        // verbose level any session wants; each session then gets only what it asked for. This runs
        // in the background: the session's level is set now, and a slow or hung upstream must not
        // hold up the client's answer for the upstream's whole timeout.
        for (Upstream u : snap.upstreams().values()) {
            if (u.capabilities().has("logging") && u.state() == Upstream.State.READY) {
                Thread.ofVirtual().name("set-level-" + u.name()).start(() -> {
                    try {
                        u.request("logging/setLevel", Json.object().put("level", "debug"), u.config().timeout(),
                                io.portcullis.call.Relay.NONE);
                    } catch (GatewayException e) {
                        LOG.info("upstream {} did not take logging/setLevel: {}", u.name(), e.getMessage());
                    }
                });
            }
        }
        return Json.object();
    }

    private ObjectNode task(Snapshot snap, ClientSession s, Message msg, Outbound out, Origin origin)
            throws ProtocolException, GatewayException {
        String taskId = msg.params().path("taskId").asString("");
        var own = taskCalls.serve(s, msg); // the gateway's own tasks (approval waits) first
        if (own.isPresent()) {
            return own.get();
        }
        // A session sees only the tasks it created: upstream connections are shared between sessions.
        ClientSession.UpstreamTask owner = s.tasks.get(taskId);
        if (owner == null) {
            throw new ProtocolException(ErrorCodes.INVALID_PARAMS, "Unknown task: " + taskId);
        }
        if (!msg.method().equals("tasks/result")) {
            return forward(snap, s, msg, out, owner.upstream(), msg.params());
        }
        // the tool's result, delivered late: logged, recorded and held to the tool's limits like any result
        SessionRelay relay = new SessionRelay(s, out, msg.id());
        CallContext call = callContext(s, msg, owner.tool(), relay, origin);
        call.trail().upstream(owner.upstream());
        call.trail().note("tasks/result of task " + taskId);
        try {
            return snap.chains().taskResult().call(call);
        } finally {
            relay.done();
        }
    }

    private ObjectNode tasksList(Snapshot snap, ClientSession s, Message msg, Outbound out) throws GatewayException {
        ObjectNode result = Json.object();
        var all = result.putArray("tasks");
        taskCalls.list(s, all);
        for (Upstream u : snap.upstreams().values()) {
            if (!u.capabilities().has("tasks") || u.state() != Upstream.State.READY || s.tasks.values().stream().noneMatch(t -> t.upstream().equals(u.name()))) {
                continue;
            }
            ObjectNode r = forward(snap, s, msg, out, u.name(), Json.object());
            for (JsonNode t : r.path("tasks")) {
                if (s.tasks.containsKey(t.path("taskId").asString(""))) {
                    all.add(t);
                }
            }
        }
        return result;
    }

    private void notification(ClientSession s, Message msg) {
        switch (msg.method()) {
            case "notifications/cancelled" -> {
                String requestId = msg.params().path("requestId").toString();
                Runnable cancel = s.inFlight.remove(requestId);
                if (cancel != null) {
                    cancel.run();
                }
            }
            // #11 item 1: never forwarded. Upstream connections are shared, so their roots come from
            // config (UpstreamRoots); a client's roots would re-point a server for every session.
            case "notifications/roots/list_changed" -> LOG.info("session {}: notifications/roots/list_changed not relayed: "
                    + "upstream roots come from the gateway's config, never from a client", s.id());
            default -> { } // initialized, progress from the client, unknown: nothing to do
        }
    }

    /** A response from the client to a request the gateway relayed to it. */
    public void clientResponse(ClientSession s, Message msg) {
        var waiting = s.awaitingClient.get(msg.id().isString() ? msg.id().asString() : msg.id().toString());
        if (waiting != null) {
            waiting.complete(msg.node());
        } else {
            LOG.debug("session {} answered unknown request {}", s.id(), msg.id());
        }
    }
}
