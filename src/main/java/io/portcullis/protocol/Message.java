package io.portcullis.protocol;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One JSON-RPC 2.0 message, kept as the raw tree it arrived as. The constructor rejects shapes
 * that are not a request, a notification or a response, so every {@code Message} is one of the
 * three.
 */
public record Message(ObjectNode node, Kind kind) {

    public enum Kind { REQUEST, NOTIFICATION, RESPONSE }

    public Message {
        if (node == null || kind == null) {
            throw new IllegalArgumentException("node and kind are required");
        }
    }

    /**
     * Classifies a parsed JSON value.
     *
     * @throws ProtocolException with {@link ErrorCodes#INVALID_REQUEST} when it is not a JSON-RPC 2.0 message
     */
    public static Message of(JsonNode json) throws ProtocolException {
        if (!(json instanceof ObjectNode obj)) {
            throw new ProtocolException(ErrorCodes.INVALID_REQUEST, "a JSON-RPC message must be a JSON object");
        }
        if (!"2.0".equals(text(obj.get("jsonrpc")))) {
            throw new ProtocolException(ErrorCodes.INVALID_REQUEST, "\"jsonrpc\" must be \"2.0\"");
        }
        JsonNode id = obj.get("id");
        JsonNode method = obj.get("method");
        boolean hasResult = obj.has("result");
        boolean hasError = obj.has("error");
        if (method != null) {
            if (!method.isString() || method.asString().isEmpty()) {
                throw new ProtocolException(ErrorCodes.INVALID_REQUEST, "\"method\" must be a non-empty string");
            }
            if (hasResult || hasError) {
                throw new ProtocolException(ErrorCodes.INVALID_REQUEST, "a request cannot carry \"result\" or \"error\"");
            }
            JsonNode params = obj.get("params");
            if (params != null && !params.isObject() && !params.isNull()) {
                throw new ProtocolException(ErrorCodes.INVALID_REQUEST, "\"params\" must be an object");
            }
            if (id == null) {
                return new Message(obj, Kind.NOTIFICATION);
            }
            checkId(id);
            return new Message(obj, Kind.REQUEST);
        }
        if (hasResult == hasError) {
            throw new ProtocolException(ErrorCodes.INVALID_REQUEST,
                    "a message needs \"method\", or exactly one of \"result\" and \"error\"");
        }
        if (id == null) {
            throw new ProtocolException(ErrorCodes.INVALID_REQUEST, "a response needs an \"id\"");
        }
        if (!id.isNull()) {
            checkId(id);
        }
        return new Message(obj, Kind.RESPONSE);
    }

    /**
     * Classifies JSON that came from a client: {@link #of}, and then every string and key must be
     * valid Unicode and every number one that JSON can carry back (#11 item 3), so that what the
     * gateway forwards, decides on and hashes into the audit log is exactly what it can store.
     *
     * @throws ProtocolException with {@link ErrorCodes#INVALID_REQUEST} as {@link #of}, or with
     *         {@link ErrorCodes#INVALID_PARAMS} naming the first value that cannot cross the gateway
     */
    public static Message ofClient(JsonNode json) throws ProtocolException {
        Message m = of(json);
        String bad = JsonText.problem(m.node());
        if (bad != null) {
            throw new ProtocolException(ErrorCodes.INVALID_PARAMS, "Invalid params: " + bad.replaceFirst("^\\$\\.", ""));
        }
        return m;
    }

    /** The message a client is told for a {@link ProtocolException} from {@link #ofClient}. */
    public static String clientMessage(ProtocolException e) {
        return e.code() == ErrorCodes.INVALID_REQUEST ? "Invalid Request: " + e.getMessage() : e.getMessage();
    }

    private static void checkId(JsonNode id) throws ProtocolException {
        if (!(id.isString() || id.isIntegralNumber())) {
            throw new ProtocolException(ErrorCodes.INVALID_REQUEST, "\"id\" must be a string or an integer");
        }
    }

    private static String text(JsonNode n) {
        return n != null && n.isString() ? n.asString() : null;
    }

    public JsonNode id() {
        return node.get("id");
    }

    public String method() {
        return text(node.get("method"));
    }

    /** The params object; an empty one (not attached to the message) when absent. */
    public ObjectNode params() {
        JsonNode p = node.get("params");
        return p instanceof ObjectNode o ? o : Json.object();
    }

    public boolean isRequest() {
        return kind == Kind.REQUEST;
    }

    public boolean isNotification() {
        return kind == Kind.NOTIFICATION;
    }

    public boolean isResponse() {
        return kind == Kind.RESPONSE;
    }

    /** The {@code params._meta} object, or null. */
    public ObjectNode meta() {
        JsonNode m = params().get("_meta");
        return m instanceof ObjectNode o ? o : null;
    }

    public static ObjectNode request(JsonNode id, String method, ObjectNode params) {
        ObjectNode n = Json.object().put("jsonrpc", "2.0");
        n.set("id", id);
        n.put("method", method);
        if (params != null) {
            n.set("params", params);
        }
        return n;
    }

    public static ObjectNode notification(String method, ObjectNode params) {
        ObjectNode n = Json.object().put("jsonrpc", "2.0").put("method", method);
        if (params != null) {
            n.set("params", params);
        }
        return n;
    }

    public static ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode n = Json.object().put("jsonrpc", "2.0");
        n.set("id", id == null ? Json.object().nullNode() : id);
        n.set("result", result);
        return n;
    }

    public static ObjectNode error(JsonNode id, int code, String message, JsonNode data) {
        ObjectNode n = Json.object().put("jsonrpc", "2.0");
        n.set("id", id == null ? Json.object().nullNode() : id);
        ObjectNode err = n.putObject("error").put("code", code).put("message", message);
        if (data != null) {
            err.set("data", data);
        }
        return n;
    }
}
