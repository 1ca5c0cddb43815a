package io.portcullis.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.portcullis.call.CallContext;
import io.portcullis.call.GatewayException;
import java.util.regex.Pattern;

/**
 * Span names and attributes after the OpenTelemetry semantic conventions for MCP (gen-ai/mcp.md,
 * status Development): the name is {@code {mcp.method.name} {target}} where the target is the tool
 * or prompt name when it is a plain, short name, else the method alone (a hostile name never makes
 * a span name); {@code mcp.method.name}, {@code mcp.protocol.version}, {@code gen_ai.tool.name} and
 * {@code gen_ai.operation.name=execute_tool} for {@code tools/call}, {@code network.transport},
 * {@code error.type}. Gateway facts are {@code portcullis.*}. The MCP session id is not recorded
 * (it is the client's handle on its session).
 */
final class Semantics {
    static final String ERROR_TYPE = "error.type";
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.:/-]{1,128}");
    private static final int MAX_VALUE = 256;

    private Semantics() {}

    static String spanName(String method, CallContext call) {
        String m = method == null ? "mcp" : method;
        boolean named = "tools/call".equals(m) || "prompts/get".equals(m);
        String target = call.toolName();
        return named && target != null && PLAIN.matcher(target).matches() ? m + " " + target : m;
    }

    static void server(Span span, String method, CallContext call) {
        common(span, method, call);
        span.setAttribute("mcp.protocol.version", cut(call.protocol()));
        span.setAttribute("network.transport", call.origin().remoteAddress() == null ? "pipe" : "tcp");
        span.setAttribute("portcullis.environment", cut(call.environment()));
        span.setAttribute("portcullis.call_id", call.callId());
    }

    static void client(Span span, String method, CallContext call) {
        common(span, method, call);
        String upstream = call.trail().upstream();
        if (upstream != null) {
            span.setAttribute("portcullis.upstream", upstream);
        }
    }

    private static void common(Span span, String method, CallContext call) {
        if (method != null) {
            span.setAttribute("mcp.method.name", method);
        }
        if ("tools/call".equals(method) && call.toolName() != null) {
            span.setAttribute("gen_ai.tool.name", cut(call.toolName()));
            span.setAttribute("gen_ai.operation.name", "execute_tool");
        } else if ("prompts/get".equals(method) && call.toolName() != null) {
            span.setAttribute("gen_ai.prompt.name", cut(call.toolName()));
        }
    }

    /** A refusal or failure: the span's status is error, {@code error.type} the control that refused. */
    static void failed(Span span, GatewayException e) {
        span.setAttribute(ERROR_TYPE, e.control() == null ? "gateway" : e.control());
        span.setAttribute("portcullis.outcome",
                e instanceof GatewayException.Refused || e instanceof GatewayException.UnknownTool ? "refused" : "failed");
        span.setStatus(StatusCode.ERROR, e.control() == null ? "failed" : "refused or failed at " + e.control());
    }

    /** A JSON-RPC error answer: {@code error.type} and {@code rpc.response.status_code} are its code. */
    static void rpcError(Span span, String code, String description) {
        span.setAttribute(ERROR_TYPE, code);
        span.setAttribute("rpc.response.status_code", code);
        span.setStatus(StatusCode.ERROR, description);
    }

    /**
     * A relayed or gateway-sent MCP message's attributes (#18 item 2): {@code mcp.method.name} ({@code _OTHER} for a
     * method not in the known list) and, when there is one, {@code portcullis.upstream}; nothing when not recording.
     */
    static void message(Span span, String method, boolean known, String upstream) {
        if (!span.isRecording()) {
            return;
        }
        span.setAttribute("mcp.method.name", known ? method : "_OTHER");
        if (upstream != null) {
            span.setAttribute("portcullis.upstream", upstream);
        }
    }

    /** An answer that carries a JSON-RPC error (a request's result): {@link #rpcError} with its code; null or no error: nothing. */
    static void answerError(Span span, tools.jackson.databind.JsonNode answer, String who) {
        tools.jackson.databind.JsonNode error = answer == null ? null : answer.get("error");
        if (error != null) {
            String code = error.path("code").isNumber() ? Integer.toString(error.path("code").asInt()) : "error";
            rpcError(span, code, who + " answered JSON-RPC error " + code);
        }
    }

    /** The gateway's own error (a bug, not a control): the span says its class, never its message. */
    static void crashed(Span span, RuntimeException e) {
        span.setAttribute(ERROR_TYPE, e.getClass().getName());
        span.setStatus(StatusCode.ERROR, "gateway error");
    }

    private static String cut(String s) {
        return s == null ? "" : s.length() <= MAX_VALUE ? s : s.substring(0, MAX_VALUE);
    }
}
