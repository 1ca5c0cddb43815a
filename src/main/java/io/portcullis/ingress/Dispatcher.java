package io.portcullis.ingress;

import io.portcullis.Gateway;
import io.portcullis.catalog.Catalog;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.pipeline.CallContext;
import io.portcullis.pipeline.GatewayException;
import io.portcullis.pipeline.stages.PolicyCheck;
import io.portcullis.pipeline.stages.ReadinessGate;
import io.portcullis.policy.PolicyRequest;
import io.portcullis.pipeline.Origin;
import io.portcullis.protocol.ErrorCodes;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import io.portcullis.protocol.ProtocolException;
import io.portcullis.protocol.ProtocolVersion;
import io.portcullis.upstream.Upstream;
import io.portcullis.upstream.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Serves the MCP methods of one client message, whatever transport brought it. {@code tools/call}
 * goes through the pipeline; lists are aggregated from the catalog; prompts, resources,
 * completions and tasks are routed to the upstream that owns them.
 */
public final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Methods that no longer exist in the stateless era. */
    private static final Set<String> REMOVED_IN_MODERN = Set.of("initialize", "ping", "logging/setLevel",
            "resources/subscribe", "resources/unsubscribe", "tasks/get", "tasks/result", "tasks/list", "tasks/cancel");

    /** Methods whose 2026-07-28 results carry cache hints. */
    /** Methods that run a pipeline, whose call-log stage writes their log line. */
    private static final Set<String> PIPELINED = Set.of("tools/call", "tasks/result", "prompts/get", "resources/read",
            "resources/subscribe", "completion/complete");
    private static final Set<String> CACHEABLE_IN_MODERN = Set.of("tools/list", "prompts/list", "resources/list",
            "resources/templates/list", "resources/read", "server/discover");

    /** The input window of a call whose upstream is not known (it will be refused anyway). */
    private static final java.time.Duration DEFAULT_INPUT_WINDOW = java.time.Duration.ofSeconds(60);

    private final Gateway gateway;
    /** Which upstream created each task (2025-11-25 tasks pass through), so that tasks/* reach it. */
    /** 2026-07-28 calls waiting for their client's input (multi round-trip requests). */
    private final InputRounds inputRounds;
    /** Task-augmented calls that wait for an approval become the gateway's own tasks (2025-11-25). */
    private final TaskCalls taskCalls;
    /** Prompts, resources and completions, admitted like tools (#11 item 5). */
    private final ItemCalls items;

    /** The upstream that runs a task and the tool (as the gateway exposes it) whose call created it. */

    public Dispatcher(Gateway gateway) {
        this.gateway = gateway;
        this.inputRounds = new InputRounds(gateway.ticker(), InputRounds.MAX_PER_CALLER, InputRounds.MAX_TOTAL);
        this.taskCalls = new TaskCalls(gateway, new GatewayTasks(gateway.ticker(), GatewayTasks.MAX_PER_SESSION, GatewayTasks.MAX_TOTAL));
        this.items = new ItemCalls(gateway, this::forward);
    }

    public Gateway gateway() {
        return gateway;
    }

    /** The {@code initialize} result for a session that negotiated {@code version}. */
    public ObjectNode initializeResult(ProtocolVersion version) {
        ObjectNode r = Json.object().put("protocolVersion", version.id());
        r.set("capabilities", capabilities(version));
        r.set("serverInfo", serverInfo());
        r.put("instructions", "Portcullis MCP gateway: tools of several upstream servers, each call checked by policy and recorded.");
        return r;
    }

    private ObjectNode serverInfo() {
        return Json.object().put("name", "portcullis").put("version", Version.current());
    }

    private ObjectNode capabilities(ProtocolVersion version) {
        ObjectNode c = Json.object();
        c.putObject("tools").put("listChanged", true);
        c.putObject("prompts").put("listChanged", true);
        c.putObject("resources").put("subscribe", !version.isModern()).put("listChanged", true);
        c.putObject("logging");
        c.putObject("completions");
        if (version == ProtocolVersion.V2025_11_25) {
            for (Upstream u : gateway.upstreams()) {
                if (u.capabilities().get("tasks") instanceof ObjectNode tasks) {
                    c.set("tasks", tasks.deepCopy());
                    break;
                }
            }
            if (taskCalls.approvalsConfigured()) {
                // a call waiting for an approval can become the gateway's own task (TaskCalls)
                ObjectNode tasks = c.get("tasks") instanceof ObjectNode t ? t : c.putObject("tasks");
                tasks.putObject("list");
                tasks.putObject("cancel");
                ObjectNode requests = tasks.get("requests") instanceof ObjectNode r ? r : tasks.putObject("requests");
                ObjectNode tools = requests.get("tools") instanceof ObjectNode t ? t : requests.putObject("tools");
                tools.putObject("call");
            }
        }
        return c;
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
            notification(session, msg);
            return null;
        }
        JsonNode id = msg.id();
        try {
            ObjectNode result = request(session, msg, out, origin);
            if (session.version().isModern()) {
                stampModern(msg.method(), result);
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
            boolean toolResult = "tools/call".equals(msg.method()) || "tasks/result".equals(msg.method());
            return toolResult ? Responses.forToolCall(id, e) : Responses.forRequest(id, e);
        } catch (RuntimeException e) {
            LOG.error("internal error serving {}", msg.method(), e);
            return Message.error(id, ErrorCodes.INTERNAL_ERROR, "internal error in the gateway", null);
        }
    }

    private ObjectNode request(ClientSession s, Message msg, Outbound out, Origin origin) throws ProtocolException, GatewayException {
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
            case "server/discover" -> discover();
            case "tools/list" -> toolsList(s, params);
            case "tools/call" -> toolsCall(s, msg, out, origin);
            case "prompts/list" -> list(params, "prompts", items.prompts(s));
            case "prompts/get" -> items.promptsGet(s, msg, out, origin);
            case "resources/list" -> list(params, "resources", items.resources(s, false));
            case "resources/templates/list" -> list(params, "resourceTemplates", items.resources(s, true));
            case "resources/read" -> items.byResource(s, msg, out, origin, resourceOwner(params, false));
            case "resources/subscribe" -> {
                ObjectNode r = items.byResource(s, msg, out, origin, resourceOwner(params, true));
                s.subscriptions.add(params.path("uri").asString(""));
                yield r;
            }
            case "resources/unsubscribe" -> {
                // stops data rather than returning any: no admission, so a switch-off cannot trap a subscription
                s.subscriptions.remove(params.path("uri").asString(""));
                yield byResource(s, msg, out, "resources/unsubscribe", origin);
            }
            case "completion/complete" -> items.complete(s, msg, out, origin);
            case "logging/setLevel" -> setLevel(s, params);
            case "tasks/get", "tasks/result", "tasks/cancel" -> task(s, msg, out, origin);
            case "tasks/list" -> tasksList(s, msg, out);
            case "initialize" -> throw new ProtocolException(ErrorCodes.INVALID_REQUEST, "the session is already initialized");
            default -> throw new ProtocolException(ErrorCodes.METHOD_NOT_FOUND, "Method not found: " + method);
        };
    }

    private ObjectNode discover() {
        ObjectNode r = Json.object();
        r.putArray("supportedVersions").add(ProtocolVersion.V2026_07_28.id());
        r.set("capabilities", capabilities(ProtocolVersion.V2026_07_28));
        r.put("instructions", "Portcullis MCP gateway: tools of several upstream servers, each call checked by policy and recorded.");
        return r;
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
        String name = msg.params().path("name").asString("");
        java.util.Optional<String> upstream;
        if ("tools/call".equals(msg.method())) {
            var tool = gateway.catalog().tool(name);
            if (tool.isPresent() && tool.get().settings().timeout() != null) {
                return tool.get().settings().timeout();
            }
            upstream = tool.map(ToolEntry::upstream);
        } else if ("prompts/get".equals(msg.method())) {
            upstream = gateway.catalog().prompt(name).map(Catalog.Item::upstream);
        } else {
            upstream = gateway.catalog().resourceOwner(msg.params().path("uri").asString(""));
        }
        return upstream.flatMap(gateway::upstream).map(u -> u.config().timeout()).orElse(DEFAULT_INPUT_WINDOW);
    }

    /** 2026-07-28 results carry resultType, cache hints on cacheable methods, and serverInfo in _meta. */
    void stampModern(String method, ObjectNode result) {
        if (!result.has("resultType")) {
            result.put("resultType", "complete");
        }
        if (CACHEABLE_IN_MODERN.contains(method)) {
            if (!result.has("ttlMs")) {
                result.put("ttlMs", 0);
            }
            if (!result.has("cacheScope")) {
                result.put("cacheScope", "private");
            }
        }
        ObjectNode meta = result.get("_meta") instanceof ObjectNode m ? m : result.putObject("_meta");
        meta.set("io.modelcontextprotocol/serverInfo", serverInfo());
    }

    /** The tools this session's caller may see in its environment (the same rule the pipeline enforces). */
    List<ToolEntry> visibleTools(ClientSession s) {
        List<ToolEntry> out = new ArrayList<>();
        var gate = gateway.readiness().gate(s.environment());
        var mode = gateway.config().readiness().list();
        for (ToolEntry t : gateway.catalog().tools()) {
            // the same rules the pipeline enforces: enabled here, the readiness gate (G1), and policy could allow it (C3.1)
            if (t.enabledIn(s.environment()) && ReadinessGate.listed(t, gate, mode) && gateway.policy().visible(
                    new PolicyRequest(s.principal(), s.environment(), PolicyCheck.facts(t), null, Set.of()))) {
                out.add(t);
            }
        }
        return out;
    }

    private ObjectNode toolsList(ClientSession s, ObjectNode params) throws ProtocolException {
        List<ObjectNode> defs = new ArrayList<>();
        var gate = gateway.readiness().gate(s.environment());
        for (ToolEntry t : visibleTools(s)) {
            ObjectNode d = ReadinessGate.marked(t.definition(), t, gate);
            // #14 item 1: an upstream whose breaker is open keeps its tools listed, marked like the gate marks (G1)
            d = io.portcullis.resilience.BreakerMark.marked(d, t.upstream(),
                    gateway.upstream(t.upstream()).map(io.portcullis.upstream.Upstream::protection).orElse(null));
            if (s.version().isModern() && d.has("execution")) {
                d = d.deepCopy();
                d.remove("execution");
            }
            defs.add(d);
        }
        return list(params, "tools", defs);
    }

    private ObjectNode list(ObjectNode params, String key, List<ObjectNode> items) throws ProtocolException {
        ObjectNode r = Json.object();
        Paging.page(r, key, items, Paging.offset(params), gateway.config().server().pageSize());
        return r;
    }

    private ObjectNode toolsCall(ClientSession s, Message msg, Outbound out, Origin origin) throws ProtocolException, GatewayException {
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
            ObjectNode result = gateway.pipeline().call(call);
            rememberUpstreamTask(s, call, result);
            return result;
        } finally {
            relay.done();
        }
    }

    /** An upstream's CreateTaskResult: the task is this session's, and tasks/* about it go to that upstream. */
    private void rememberUpstreamTask(ClientSession s, CallContext call, ObjectNode result) {
        if (result.get("task") instanceof ObjectNode task && task.get("taskId") instanceof JsonNode tid && tid.isString()) {
            gateway.catalog().tool(call.toolName())
                    .ifPresent(t -> s.tasks.put(tid.asString(), new ClientSession.UpstreamTask(t.upstream(), t.name())));
        }
    }

    /** A malformed tools/call is an attempt too (C4.1): it is recorded, then answered with -32602. */
    private ProtocolException malformed(ClientSession s, Message msg, Origin origin, String tool, String why) {
        gateway.audit().rejected(callContext(s, msg, tool, new SessionRelay(s, Outbound.DROP, msg.id()), origin), why);
        return new ProtocolException(ErrorCodes.INVALID_PARAMS, why);
    }

    static CallContext callContext(ClientSession s, Message msg, String tool, io.portcullis.pipeline.Relay relay, Origin origin) {
        return new CallContext(CallContext.newCallId(), s.principal(), s.environment(), s.id(),
                s.version().id(), tool, msg.params(), null, relay, Instant.now(), new io.portcullis.pipeline.CallTrail(),
                origin.withClient(s.clientInfo() == null ? null : s.clientInfo().path("name").asString(null),
                        s.clientInfo() == null ? null : s.clientInfo().path("version").asString(null)));
    }

    ObjectNode forward(ClientSession s, Message msg, Outbound out, String upstreamName, ObjectNode params)
            throws GatewayException {
        Upstream u = gateway.upstream(upstreamName).orElseThrow(() -> new GatewayException.UpstreamFailure(
                "upstream", upstreamName, "upstream " + upstreamName + " is not configured"));
        SessionRelay relay = new SessionRelay(s, out, msg.id());
        try {
            return u.request(msg.method(), params, u.config().timeout(), relay);
        } finally {
            relay.done();
        }
    }

    private ObjectNode byResource(ClientSession s, Message msg, Outbound out, String method, Origin origin)
            throws ProtocolException, GatewayException {
        String uri = msg.params().path("uri").asString("");
        String owner = gateway.catalog().resourceOwner(uri)
                .or(() -> method.equals("resources/read") ? java.util.Optional.empty() : soleSubscribable())
                .orElseThrow(() -> new ProtocolException(s.version().isModern() ? ErrorCodes.INVALID_PARAMS : -32002,
                        "Resource not found: " + uri, Json.object().put("uri", uri)));
        return forward(s, msg, out, owner, msg.params());
    }

    /** The upstream that serves a URI; for a subscription also the only upstream that offers subscriptions. */
    private java.util.Optional<String> resourceOwner(ObjectNode params, boolean subscribe) {
        String uri = params.path("uri").asString("");
        return gateway.catalog().resourceOwner(uri).or(() -> subscribe ? soleSubscribable() : java.util.Optional.empty());
    }

    /**
     * A client may subscribe to a resource that is not listed (yet); when exactly one upstream
     * offers subscriptions there is no doubt whose it is, and it answers as it would directly.
     */
    private java.util.Optional<String> soleSubscribable() {
        List<String> able = gateway.upstreams().stream()
                .filter(u -> u.state() == Upstream.State.READY && u.capabilities().path("resources").path("subscribe").asBoolean(false))
                .map(Upstream::name).toList();
        return able.size() == 1 ? java.util.Optional.of(able.getFirst()) : java.util.Optional.empty();
    }

    private ObjectNode setLevel(ClientSession s, ObjectNode params) throws ProtocolException {
        String level = params.path("level").asString("");
        if (!Set.of("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency").contains(level)) {
            throw new ProtocolException(ErrorCodes.INVALID_PARAMS, "invalid log level: " + level);
        }
        s.logLevel(level);
        // Upstream connections are shared, so the upstream is asked for everything down to the most
        // verbose level any session wants; each session then gets only what it asked for. This runs
        // in the background: the session's level is set now, and a slow or hung upstream must not
        // hold up the client's answer for the upstream's whole timeout.
        for (Upstream u : gateway.upstreams()) {
            if (u.capabilities().has("logging") && u.state() == Upstream.State.READY) {
                Thread.ofVirtual().name("set-level-" + u.name()).start(() -> {
                    try {
                        u.request("logging/setLevel", Json.object().put("level", "debug"), u.config().timeout(),
                                io.portcullis.pipeline.Relay.NONE);
                    } catch (GatewayException e) {
                        LOG.info("upstream {} did not take logging/setLevel: {}", u.name(), e.getMessage());
                    }
                });
            }
        }
        return Json.object();
    }

    private ObjectNode task(ClientSession s, Message msg, Outbound out, Origin origin) throws ProtocolException, GatewayException {
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
            return forward(s, msg, out, owner.upstream(), msg.params());
        }
        // the tool's result, delivered late: logged, recorded and held to the tool's limits like any result
        CallContext call = callContext(s, msg, owner.tool(), new SessionRelay(s, out, msg.id()), origin);
        call.trail().note("tasks/result of task " + taskId);
        return new io.portcullis.pipeline.Pipeline(gateway.taskResultStages(),
                c -> forward(s, msg, out, owner.upstream(), msg.params())).call(call);
    }

    private ObjectNode tasksList(ClientSession s, Message msg, Outbound out) throws GatewayException {
        ObjectNode result = Json.object();
        var all = result.putArray("tasks");
        taskCalls.list(s, all);
        for (Upstream u : gateway.upstreams()) {
            if (!u.capabilities().has("tasks") || u.state() != Upstream.State.READY) {
                continue;
            }
            ObjectNode r = forward(s, msg, out, u.name(), Json.object());
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
