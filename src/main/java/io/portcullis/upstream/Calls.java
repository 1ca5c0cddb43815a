package io.portcullis.upstream;

import io.portcullis.call.GatewayException;
import io.portcullis.call.Relay;
import io.portcullis.protocol.Message;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The requests in flight to one upstream: our request id → the waiting caller, and our progress
 * token → the client's own token, so that answers and progress reach the right client session.
 */
final class Calls {
    private static final Logger LOG = LoggerFactory.getLogger(Calls.class);

    /**
     * @param reached set once the request was handed to the transport's wire (#21 item 4): a call
     *                that fails after that may still have acted upstream
     */
    record Pending(CompletableFuture<JsonNode> response, Relay relay, JsonNode clientToken,
                   java.util.concurrent.atomic.AtomicBoolean reached, java.util.Map<String, String> trace) {
        Pending(CompletableFuture<JsonNode> response, Relay relay, JsonNode clientToken,
                java.util.concurrent.atomic.AtomicBoolean reached) {
            this(response, relay, clientToken, reached, java.util.Map.of());
        }
    }

    /**
     * Our request was answered with an HTTP error status and no JSON-RPC answer: kept apart from
     * other failures because the era probe tells eras apart by it (callers see an upstream failure).
     *
     * @param body the body when it was JSON, else null
     */
    static final class HttpRefusal extends Exception {
        private final int status;
        private final transient String body;

        HttpRefusal(int status, String body, String message) {
            super(message, null, false, false);
            this.status = status;
            this.body = body;
        }

        int status() {
            return status;
        }

        String body() {
            return body;
        }
    }

    private final ConcurrentSkipListMap<Long, Pending> pending = new ConcurrentSkipListMap<>();

    Pending open(long id, Relay relay, ObjectNode params) {
        JsonNode token = params != null && params.get("_meta") instanceof ObjectNode meta ? meta.get("progressToken") : null;
        // #18 item 2 (session 9): the call's trace context as it went upstream (the gateway's CLIENT span; empty when tracing is off)
        Pending p = new Pending(new CompletableFuture<>(), relay, token, new java.util.concurrent.atomic.AtomicBoolean(),
                io.portcullis.tracing.TraceContext.ofMeta(params));
        pending.put(id, p);
        return p;
    }

    /** Our request {@code id} was handed to the wire. */
    void reached(long id) {
        Pending p = pending.get(id);
        if (p != null) {
            p.reached().set(true);
        }
    }

    boolean isOpen(long id) {
        return pending.containsKey(id);
    }

    void close(long id, Pending p) {
        pending.remove(id, p);
    }

    /**
     * Returns params with the client's progress token replaced by ours ({@code "pc-<id>"}), which
     * is unique across client sessions. The client's object is never mutated.
     */
    static ObjectNode withOurToken(ObjectNode params, long id) {
        if (params == null || !(params.get("_meta") instanceof ObjectNode meta) || !meta.has("progressToken")) {
            return params;
        }
        ObjectNode copy = params.deepCopy();
        ((ObjectNode) copy.get("_meta")).put("progressToken", "pc-" + id);
        return copy;
    }

    void answer(Message response, String upstream) {
        JsonNode id = response.id();
        Pending p = id != null && id.canConvertToLong() ? pending.get(id.asLong()) : null;
        if (p == null) {
            LOG.debug("upstream {} answered unknown request {}", upstream, id);
            return;
        }
        p.response().complete(response.node());
    }

    void fail(long id, Exception e) {
        Pending p = pending.get(id);
        if (p != null) {
            p.response().completeExceptionally(e);
        }
    }

    void cancelled(long id, String upstream) {
        fail(id, new GatewayException.UpstreamFailure("cancel", upstream, "the request was cancelled"));
    }

    void failAll(String upstream, String why) {
        failAll(upstream, "upstream", why);
    }

    /** Fails every call in flight with {@code control} named (e.g. {@code draining} when the gateway stops). */
    void failAll(String upstream, String control, String why) {
        pending.values().forEach(p -> p.response().completeExceptionally(
                new GatewayException.UpstreamFailure(control, upstream, why)));
    }

    /**
     * Fails the calls made for clients (not the gateway's own requests such as the handshake,
     * which a banner line at start must not break).
     */
    void failClientCalls(String upstream, String why) {
        pending.values().stream().filter(p -> p.relay() != Relay.NONE && !p.relay().owner().none())
                .forEach(p -> p.response().completeExceptionally(new GatewayException.UpstreamFailure("upstream", upstream, why)));
    }

    /**
     * Whether a call with a client to talk to is in flight. A call whose answer has arrived is not:
     * its caller's thread may not have closed it yet, and a log line the upstream writes right after
     * the answer is tied to no call (#11 item 21; EgressDirectionsIT failed on this race under load).
     */
    boolean clientCallsInFlight() {
        return pending.values().stream().anyMatch(p -> !p.response().isDone() && p.relay() != Relay.NONE && !p.relay().owner().none());
    }

    /** Forwards a progress notification to the client that owns the token, with the client's token. */
    void progress(Message msg) {
        Pending p = byToken(msg);
        if (p == null || p.clientToken() == null) {
            return;
        }
        ObjectNode params = msg.params().deepCopy();
        params.set("progressToken", p.clientToken());
        // #18 item 2 (session 9): the relay span's context in _meta when tracing is on (else as the upstream sent it)
        p.relay().notify(io.portcullis.tracing.TraceContext.messageWithMeta(Message.notification("notifications/progress", params)));
    }

    /** The call a progress notification's token ({@code pc-<id>}) names, or null. */
    private Pending byToken(Message msg) {
        String token = msg.params() == null ? "" : msg.params().path("progressToken").asString("");
        if (!token.startsWith("pc-")) {
            return null;
        }
        try {
            return pending.get(Long.parseLong(token.substring(3)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * #18 item 2 (session 9): the trace context of the call an upstream's message belongs to (its progress
     * token's call, else the call {@link #relayFor} finds), as it went upstream; empty when none.
     */
    java.util.Map<String, String> traceFor(Message msg, Long relatedId) {
        Pending p = "notifications/progress".equals(msg.method()) ? byToken(msg) : pendingFor(relatedId);
        return p == null ? java.util.Map.of() : p.trace();
    }

    /**
     * The relay for a message from the upstream: the call whose response stream carried it when
     * known (HTTP). Otherwise (stdio has no way to tell) the most recent call in flight that has a
     * client to talk to, but only when every such call belongs to the same client: with calls of
     * several clients in flight, guessing could show one client's sampling prompt or log lines to
     * another, so null (refused) instead. The gateway's own requests (relays owned by
     * {@link io.portcullis.call.ClientKey#NONE}, such as a held subscriptions/listen) are never a client to talk to.
     */
    Relay relayFor(Long relatedId) {
        Pending p = pendingFor(relatedId);
        return p == null ? null : p.relay();
    }

    /** The call {@link #relayFor} names (the same rules), or null. */
    private Pending pendingFor(Long relatedId) {
        if (relatedId != null) {
            Pending p = pending.get(relatedId);
            if (p != null && p.relay() != Relay.NONE) {
                // the gateway's own long-lived request (a held subscriptions/listen) has no client to guess at
                return p.relay().owner().none() ? null : p;
            }
        }
        Pending newest = null;
        for (Pending p : pending.descendingMap().values()) {
            if (p.relay() == Relay.NONE || p.relay().owner().none()) {
                continue;
            }
            if (newest == null) {
                newest = p;
            } else if (!newest.relay().owner().equals(p.relay().owner())) {
                return null; // calls of two clients in flight: which one asked is unknowable
            }
        }
        return newest;
    }

}
