package io.portcullis.protocol;

/**
 * JSON-RPC and MCP error codes the gateway emits; docs/security.md has the table of what each
 * means to a client.
 *
 * <p>JSON-RPC leaves -32000 to -32099 to implementations, and MCP and its SDKs already use some of
 * them (#12 item 6: the gateway's own codes avoid those): -32000 a transport-level error (the SDKs'
 * "connection closed"), -32001 "Session not found" (the SDKs' Streamable HTTP transport; the
 * TypeScript SDK also calls -32001 a request timeout), -32002 "Resource not found" (2025-11-25
 * spec), -32020 to -32022 (2026-07-28), -32042 "URL elicitation required". So the gateway's
 * refusal by a control is -32004, and an upstream's failure -32003.
 */
public final class ErrorCodes {
    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;
    /** The transport refused the message (body too large, wrong media type, missing header): nothing reached the gateway's controls. */
    public static final int TRANSPORT_ERROR = -32000;
    /** The Streamable HTTP session named by {@code Mcp-Session-Id} does not exist (any more): initialize again (HTTP 404). */
    public static final int SESSION_NOT_FOUND = -32001;
    /** The resource, or the session-era item, is not known (legacy clients; 2026-07-28 clients get {@link #INVALID_PARAMS}). */
    public static final int RESOURCE_NOT_FOUND = -32002;
    /** Gateway-specific: the upstream failed, timed out or answered garbage ({@code data.control}, {@code data.upstream}). */
    public static final int UPSTREAM_FAILED = -32003;
    /**
     * Gateway-specific: one of the gateway's controls refused the request ({@code data.control} names it:
     * catalog, policy, approval, result-limit, ...). Before #12 item 6 this was -32001, which clients
     * read as "Session not found".
     */
    public static final int CONTROL_REFUSED = -32004;
    /** 2026-07-28: an HTTP header disagrees with the body. */
    public static final int HEADER_MISMATCH = -32020;
    /** 2026-07-28: a capability the request needs was not declared by the client. */
    public static final int MISSING_CLIENT_CAPABILITY = -32021;
    /** 2026-07-28: the request's protocol version is not supported. */
    public static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

    /** 2025-11-25: the request cannot proceed until the user completes the URL-mode elicitations in {@code data.elicitations} (#16 item 1). */
    public static final int URL_ELICITATION_REQUIRED = -32042;

    private ErrorCodes() {}
}
