package io.portcullis.protocol;

import tools.jackson.databind.JsonNode;

/** A message that breaks JSON-RPC or MCP rules; carries the JSON-RPC error code to answer with. */
public final class ProtocolException extends Exception {
    private final int code;
    private final transient JsonNode data;

    public ProtocolException(int code, String message) {
        this(code, message, null);
    }

    public ProtocolException(int code, String message, JsonNode data) {
        super(message, null, false, false);
        this.code = code;
        this.data = data;
    }

    public int code() {
        return code;
    }

    public JsonNode data() {
        return data;
    }
}
