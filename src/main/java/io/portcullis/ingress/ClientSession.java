package io.portcullis.ingress;

import io.portcullis.identity.Principal;
import io.portcullis.call.ClientKey;
import io.portcullis.protocol.ProtocolVersion;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One client's MCP session (legacy eras), or the one-request stand-in for a stateless
 * 2026-07-28 request. Holds what the gateway must remember between messages: the negotiated
 * version, the client's capabilities, its calls in flight (for cancellation), its requests to
 * the client awaiting answers, its tasks and subscriptions, and its GET stream.
 */
public final class ClientSession {
    private final String id;
    private final String environment;
    private final ProtocolVersion version;
    private final ObjectNode clientCapabilities;
    private final ObjectNode clientInfo;
    private volatile Principal principal;
    /** #12 item 7: the clock of the {@link Sessions} that holds it (the system's until then). */
    private volatile java.time.Clock clock = java.time.Clock.systemUTC();
    private volatile Instant created = Instant.now();
    private volatile Instant lastSeen = Instant.now();
    private volatile boolean closed;
    private volatile String logLevel;
    /** Who this session is to relays and detached calls (#12 item 5): unique in this gateway, never {@link ClientKey#NONE}. */
    private final ClientKey key = ClientKey.fresh();
    /** A stateless 2026-07-28 request's call that may need client input (multi round-trip); null otherwise. */
    private volatile PendingInput pendingInput;

    final ConcurrentMap<String, Runnable> inFlight = new ConcurrentHashMap<>();
    final ConcurrentMap<String, CompletableFuture<ObjectNode>> awaitingClient = new ConcurrentHashMap<>();
    /**
     * The upstream tasks this session created (2025-11-25), and where each lives: kept with the
     * session, so they go when it ends (a map in the dispatcher outlived every session).
     */
    final java.util.Map<String, UpstreamTask> tasks = new ConcurrentHashMap<>();

    /** An upstream's task: the upstream that runs it and the exposed tool that created it. */
    record UpstreamTask(String upstream, String tool) {}
    final Set<String> subscriptions = ConcurrentHashMap.newKeySet();
    /** The upstreams this session's requests were sent to: their log messages tied to no call come here. */
    final Set<String> upstreams = ConcurrentHashMap.newKeySet();
    final AtomicLong outgoingIds = new AtomicLong();
    /** Numbers the session's POST streams ({@code post-N}), which event ids and Last-Event-ID name. */
    final AtomicLong postStreams = new AtomicLong();
    final EventLog events = new EventLog(256);
    /** The generation of the session's live GET stream: a newer stream replaces an older one. */
    final AtomicLong getStreamGeneration = new AtomicLong();
    private volatile long getStreamDelivered;

    public ClientSession(String id, String environment, ProtocolVersion version, ObjectNode clientCapabilities,
                         ObjectNode clientInfo, Principal principal) {
        this.id = id;
        this.environment = environment;
        this.version = version;
        this.clientCapabilities = clientCapabilities;
        this.clientInfo = clientInfo;
        this.principal = principal;
    }

    /** The session id, or null for a stateless request. */
    public String id() {
        return id;
    }

    public String environment() {
        return environment;
    }

    public ProtocolVersion version() {
        return version;
    }

    public ObjectNode clientCapabilities() {
        return clientCapabilities;
    }

    public ObjectNode clientInfo() {
        return clientInfo;
    }

    /** The session's key: equal only for relays of this very session. */
    public ClientKey key() {
        return key;
    }

    public Principal principal() {
        return principal;
    }

    /**
     * Records the credential the session's own caller presented last (same issuer, subject and
     * kind, checked by the transport): a refreshed token's id and expiry then reach the call log.
     */
    void principal(Principal latest) {
        principal = latest;
    }

    public Instant created() {
        return created;
    }

    public Instant lastSeen() {
        return lastSeen;
    }

    void touch() {
        lastSeen = clock.instant();
    }

    /** Joins a {@link Sessions}: its clock says when this session was created and last seen from now on. */
    void useClock(java.time.Clock c) {
        clock = c;
        created = c.instant();
        lastSeen = created;
    }

    public boolean closed() {
        return closed;
    }

    void close() {
        closed = true;
        inFlight.values().forEach(Runnable::run);
        awaitingClient.values().forEach(f -> f.cancel(true));
        events.close();
    }

    /** The sequence number of the last event a GET stream of this session delivered. */
    long getStreamDelivered() {
        return getStreamDelivered;
    }

    void getStreamDelivered(long seq) {
        getStreamDelivered = Math.max(getStreamDelivered, seq);
    }

    String logLevel() {
        return logLevel;
    }

    void logLevel(String level) {
        logLevel = level;
    }

    PendingInput pendingInput() {
        return pendingInput;
    }

    void pendingInput(PendingInput p) {
        pendingInput = p;
    }

    /** Whether the client declared a capability (sampling, elicitation, roots). */
    boolean can(String capability) {
        JsonNode c = clientCapabilities == null ? null : clientCapabilities.get(capability);
        return c != null && c.isObject();
    }
}
