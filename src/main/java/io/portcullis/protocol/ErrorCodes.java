package io.portcullis.protocol;

/** JSON-RPC and MCP error codes the gateway emits. */
public final class ErrorCodes {
    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;
    /** Gateway-specific: a control refused the request (the data names the control). */
    public static final int REFUSED = -32001;
    /** Gateway-specific: the upstream failed, timed out or answered garbage. */
    public static final int UPSTREAM_FAILED = -32003;
    /** 2026-07-28: an HTTP header disagrees with the body. */
    public static final int HEADER_MISMATCH = -32020;
    /** 2026-07-28: a capability the request needs was not declared by the client. */
    public static final int MISSING_CLIENT_CAPABILITY = -32021;
    /** 2026-07-28: the request's protocol version is not supported. */
    public static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

    private ErrorCodes() {}
}
