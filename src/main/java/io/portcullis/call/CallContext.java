package io.portcullis.call;

import io.portcullis.catalog.ToolEntry;
import io.portcullis.identity.Principal;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.node.ObjectNode;

/**
 * Everything known about one call as it passes the stages. The record's own fields never change: a
 * stage that learns something that later stages decide on (the catalog entry) passes a new context on
 * with {@code with...}, which changes nothing else. The one mutable part is the {@link CallTrail}
 * ({@code trail}): shared by every copy of the context, it collects what the stages learned for the
 * log line and the audit record, and only stages write to it (#12 item 6).
 *
 * @param callId      gateway-unique id of this call, in every log line and audit record
 * @param principal   the effective identity (C1.1)
 * @param environment the environment from the route
 * @param sessionId   the client's MCP session, or null (stateless era, stdio)
 * @param protocol    the protocol version the client speaks
 * @param toolName    the tool name as the client asked for it
 * @param params      the client's raw {@code params}: unknown fields (e.g. {@code task}) are forwarded
 * @param tool        the catalog entry, set by the catalog stage; null before it
 * @param relay       the way back to the client for progress and server-to-client requests
 * @param started     when the gateway received the call
 * @param trail       what the stages learned, for the log and the audit record
 * @param origin      the client program, peer address and trace headers of the request (never null)
 */
public record CallContext(
        String callId,
        Principal principal,
        String environment,
        String sessionId,
        String protocol,
        String toolName,
        ObjectNode params,
        ToolEntry tool,
        Relay relay,
        Instant started,
        CallTrail trail,
        Origin origin) {

    public CallContext {
        origin = origin == null ? Origin.NONE : origin;
    }

    /** A context whose origin is unknown (no transport facts). */
    public CallContext(String callId, Principal principal, String environment, String sessionId, String protocol,
                       String toolName, ObjectNode params, ToolEntry tool, Relay relay, Instant started, CallTrail trail) {
        this(callId, principal, environment, sessionId, protocol, toolName, params, tool, relay, started, trail, Origin.NONE);
    }

    /** The call's arguments object (empty when the client sent none). */
    public ObjectNode arguments() {
        return params.get("arguments") instanceof ObjectNode args ? args : params.objectNode();
    }

    /** The client's {@code _meta}, or null. */
    public ObjectNode meta() {
        return params.get("_meta") instanceof ObjectNode m ? m : null;
    }

    /** A copy with the catalog entry set; the trail is not touched (the catalog stage records it there). */
    public CallContext withTool(ToolEntry entry) {
        return new CallContext(callId, principal, environment, sessionId, protocol, toolName, params, entry, relay, started, trail, origin);
    }

    /** A copy that talks back to the client through {@code other} (egress scans what goes that way, #13 item 2). */
    public CallContext withRelay(Relay other) {
        return new CallContext(callId, principal, environment, sessionId, protocol, toolName, params, tool, other, started, trail, origin);
    }

    /** A copy with other {@code params} (egress redacts the arguments of a tool labelled {@code egress}, #13 item 2). */
    public CallContext withParams(ObjectNode other) {
        return new CallContext(callId, principal, environment, sessionId, protocol, toolName, other, tool, relay, started, trail, origin);
    }

    /**
     * A new call id: a random (version 4) UUID. Call ids correlate log lines and audit records;
     * they are not secrets, so they come from a fast non-cryptographic generator rather than
     * {@link UUID#randomUUID()}, whose shared SecureRandom is a lock every call would pass.
     */
    public static String newCallId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (r.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(hi, lo).toString();
    }

    /** The catalog entry; only valid after the catalog stage. */
    public ToolEntry requireTool() {
        if (tool == null) {
            throw new IllegalStateException("catalog stage has not run");
        }
        return tool;
    }
}
