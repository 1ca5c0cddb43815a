package io.portcullis.pipeline.stages;

import io.portcullis.catalog.Catalog;
import io.portcullis.catalog.RiskClass;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.config.GatewayConfig;
import io.portcullis.settings.UpstreamConfig;
import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Stage;
import io.portcullis.resilience.ToolCall;
import io.portcullis.upstream.Upstream;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.node.ObjectNode;

/**
 * #12 item 2: the last stage of every chain, the request to the upstream (C6.1: under its timeout).
 * It is built with the upstreams and config of one snapshot (#12 item 1), so a call goes to the
 * upstream of the version it was decided on, under that version's timeout.
 */
public final class UpstreamCall implements Stage {
    private final String method;
    private final Map<String, Upstream> upstreams;
    private final GatewayConfig config;
    private final Function<CallContext, String> upstream;
    private final Function<CallContext, ObjectNode> params;
    private final Function<CallContext, Duration> timeout;

    private UpstreamCall(String method, Map<String, Upstream> upstreams, GatewayConfig config,
                         Function<CallContext, String> upstream, Function<CallContext, ObjectNode> params,
                         Function<CallContext, Duration> timeout) {
        this.method = method;
        this.upstreams = upstreams;
        this.config = config;
        this.upstream = upstream;
        this.params = params;
        this.timeout = timeout;
    }

    /**
     * The timeout of a call of {@code tool} (C6.1): the tool's own, else its upstream's. The one
     * place it is worked out (#12 item 2): the chain and the input window of a 2026-07-28 call use it.
     */
    public static Duration timeout(ToolEntry tool, GatewayConfig config) {
        if (tool.settings().timeout() != null) {
            return tool.settings().timeout();
        }
        UpstreamConfig u = config == null ? null : config.upstreams().get(tool.upstream());
        return u == null ? null : u.timeout();
    }

    /** {@code tools/call}: the tool's upstream name, and no {@code task} when the gateway runs the task itself. */
    public static UpstreamCall tool(Map<String, Upstream> upstreams, GatewayConfig config) {
        return new UpstreamCall("tools/call", upstreams, config, call -> call.requireTool().upstream(), call -> {
            // A shallow copy is enough: only "name" changes, and nothing downstream mutates the
            // client's arguments (a progress token is rewritten on a deep copy, in Calls).
            ObjectNode p = call.params().objectNode();
            p.setAll(call.params());
            p.put("name", call.requireTool().upstreamName());
            if (call.trail().gatewayTask() != null) {
                p.remove("task"); // the gateway runs the task: the upstream answers the call directly
            }
            return p;
        }, call -> timeout(call.requireTool(), config));
    }

    /** {@code tasks/result}, to the upstream that created the task (the trail's upstream), as the client sent it. */
    public static UpstreamCall taskResult(Map<String, Upstream> upstreams, GatewayConfig config) {
        return new UpstreamCall("tasks/result", upstreams, config, call -> call.trail().upstream(), CallContext::params,
                call -> upstreamTimeout(config, call.trail().upstream()));
    }

    /**
     * A read method ({@code resources/read}, {@code resources/subscribe}, {@code prompts/get},
     * {@code completion/complete}) to the upstream that serves the item (the trail's upstream); a
     * prompt's name is the upstream's own.
     */
    public static UpstreamCall item(String method, Catalog catalog, Map<String, Upstream> upstreams, GatewayConfig config) {
        return new UpstreamCall(method, upstreams, config, call -> call.trail().upstream(), call -> {
            boolean prompt = "prompts/get".equals(method);
            boolean promptRef = "ref/prompt".equals(call.params().path("ref").path("type").asString(""));
            if (!prompt && !promptRef) {
                return call.params();
            }
            String exposed = call.toolName();
            String own = catalog.prompt(exposed).map(Catalog.Item::upstreamName).orElse(exposed);
            ObjectNode p = call.params().deepCopy();
            ((ObjectNode) (prompt ? p : p.get("ref"))).put("name", own);
            return p;
        }, call -> upstreamTimeout(config, call.trail().upstream()));
    }

    private static Duration upstreamTimeout(GatewayConfig config, String upstream) {
        UpstreamConfig u = config == null || upstream == null ? null : config.upstreams().get(upstream);
        return u == null ? null : u.timeout();
    }

    @Override
    public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
        String name = upstream.apply(call);
        Upstream u = name == null ? null : upstreams.get(name);
        Duration t = u == null ? null : timeout.apply(call);
        if (u == null || t == null) {
            throw new GatewayException.UpstreamFailure("upstream", name, "upstream " + name + " is not configured");
        }
        // #14 item 1: only a read_only tool's call may be retried; the tool's own bulkhead applies on top of the upstream's
        ToolCall guard = "tools/call".equals(method) ? new ToolCall(call.requireTool().name(),
                call.requireTool().risk() == RiskClass.READ_ONLY, call.requireTool().settings().bulkhead()) : ToolCall.NONE;
        // #16 item 1: the caller's credential, as the credentials stage chose it, goes on this call's request alone
        io.portcullis.call.Delegation d = call.trail().delegation();
        Map<String, String> headers = d == null ? Map.of() : d.headers();
        // #18 item 2: the trace continues into the upstream, as HTTP headers and in _meta (empty when tracing is off)
        Map<String, String> trace = io.portcullis.tracing.TraceContext.current();
        if (!trace.isEmpty()) {
            Map<String, String> h = new java.util.LinkedHashMap<>(headers);
            h.putAll(trace);
            headers = h;
        }
        // #16: an upstream reached with each user's own token: the caller's own connection (own upstream session)
        Upstream own = u.forCaller(call.principal());
        return own.request(method, io.portcullis.tracing.TraceContext.withMeta(params.apply(call), trace), t, call.relay(), guard, headers);
    }

    @Override
    public String name() {
        return "upstream";
    }
}
