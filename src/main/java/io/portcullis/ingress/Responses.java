package io.portcullis.ingress;

import io.portcullis.call.GatewayException;
import io.portcullis.protocol.ErrorCodes;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one place where a {@link GatewayException} becomes what the client sees.
 * <ul>
 *   <li>a control's refusal of a {@code tools/call}: an {@code isError} result naming the control,
 *       so the model learns why (and {@code _meta["io.portcullis/refusal"]} for programs); a refusal
 *       a retry may pass (#14 item 3: {@code rate-limit}) adds the {@code rule} and {@code retryAfter}
 *       (seconds) there, and the text says when;</li>
 *   <li>an unknown tool in {@code tools/call}: an {@code isError} result naming the control {@code catalog},
 *       which is what the reference SDK servers answer, so a client sees the same thing through the
 *       gateway as directly (the conformance suite's tools-call-* scenarios rely on it); elsewhere
 *       JSON-RPC -32602;</li>
 *   <li>a control's refusal of anything else (a resource read, a prompt get, a task's result):
 *       JSON-RPC {@link ErrorCodes#CONTROL_REFUSED} (-32004) with {@code data.control} (#12 item 6: not
 *       -32001, which is "Session not found");</li>
 *   <li>the upstream's own JSON-RPC error: passed on unchanged;</li>
 *   <li>an upstream's open circuit breaker (#14 item 1): an {@code isError} result naming the control
 *       {@code breaker}, the upstream and {@code retryAfter} (seconds) in {@code _meta} and the text;</li>
 *   <li>an upstream failure (down, crashed, timeout, garbage): JSON-RPC -32003 naming the upstream and the control,
 *       with {@code data.retryAfter} (seconds) when a retry may succeed (the upstream is starting).</li>
 * </ul>
 * No stack trace or exception class ever reaches the client.
 */
public final class Responses {
    private Responses() {}

    public static ObjectNode forToolCall(JsonNode id, GatewayException e) {
        return switch (e) {
            case GatewayException.Refused r -> Message.result(id, refusedResult(r));
            case GatewayException.UnknownTool u -> Message.result(id, refusalResult(u));
            // #14 item 1: an open breaker refuses the call before it is sent: an isError result like any control's
            case GatewayException.UpstreamFailure u when "breaker".equals(u.control()) -> Message.result(id, breakerResult(u));
            default -> forRequest(id, e);
        };
    }

    public static ObjectNode forRequest(JsonNode id, GatewayException e) {
        return switch (e) {
            case GatewayException.UnknownTool u -> Message.error(id, ErrorCodes.INVALID_PARAMS, u.getMessage(), null);
            case GatewayException.UpstreamError u -> {
                ObjectNode msg = Message.result(id, Json.object());
                msg.remove("result");
                msg.set("error", u.error());
                yield msg;
            }
            case GatewayException.UpstreamFailure u -> {
                ObjectNode data = Json.object().put("control", u.control()).put("upstream", u.upstream());
                if (u.retryAfterSeconds() > 0) {
                    data.put("retryAfter", u.retryAfterSeconds()); // retryable: e.g. the upstream is starting
                }
                yield Message.error(id, ErrorCodes.UPSTREAM_FAILED, u.getMessage(), data);
            }
            case GatewayException.Refused r -> {
                ObjectNode data = Json.object().put("control", r.control());
                if (r.retryAfterSeconds() > 0) {
                    data.put("retryAfter", r.retryAfterSeconds()); // #14 item 3: a rate limit
                }
                yield Message.error(id, ErrorCodes.CONTROL_REFUSED, r.callerText(), data);
            }
        };
    }

    /** The open breaker's refusal: names the upstream, the control and when it will be tried again (text and _meta). */
    static ObjectNode breakerResult(GatewayException.UpstreamFailure u) {
        ObjectNode result = refusalResult(u);
        ObjectNode refusal = (ObjectNode) result.path("_meta").path("io.portcullis/refusal");
        refusal.put("upstream", u.upstream()).put("retryAfter", u.retryAfterSeconds());
        return result;
    }

    /**
     * A control's refusal; one that may pass later (#14 item 3: a rate limit) also carries the rule and
     * {@code retryAfter} (seconds) in {@code _meta} (the text says it too).
     */
    static ObjectNode refusedResult(GatewayException.Refused r) {
        ObjectNode result = refusalResult(r);
        ObjectNode refusal = (ObjectNode) result.path("_meta").path("io.portcullis/refusal");
        if (!r.callerText().equals(r.getMessage())) { // #16: told to the caller alone (a consent link), never recorded
            ((ObjectNode) result.path("content").path(0)).put("text", "Refused by Portcullis (" + r.control() + "): " + r.callerText());
            refusal.put("reason", r.callerText());
        }
        if (r.rule() != null) {
            refusal.put("rule", r.rule());
        }
        if (r.retryAfterSeconds() > 0) {
            refusal.put("retryAfter", r.retryAfterSeconds());
        }
        return result;
    }

    static ObjectNode refusalResult(GatewayException r) {
        ObjectNode result = Json.object();
        result.putArray("content").addObject().put("type", "text")
                .put("text", "Refused by Portcullis (" + r.control() + "): " + r.getMessage());
        result.put("isError", true);
        result.putObject("_meta").putObject("io.portcullis/refusal")
                .put("control", r.control()).put("reason", r.getMessage());
        return result;
    }
}
