package io.portcullis.ingress;

import io.portcullis.protocol.Message;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/** The live legacy-era client sessions, their expiry, and server-initiated pushes to them. */
public final class Sessions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, ClientSession> sessions = new ConcurrentHashMap<>();
    /** #19 item 1: seals new session ids and opens those another node of the cluster sealed. */
    private final SessionSeal seal;
    /**
     * Sealed ids of sessions that ended here (DELETE, idle expiry), with when: a sealed id stays
     * authentic forever, so an ended session must not be revived by its id ({@link #ENDED_KEPT}).
     */
    private final Map<String, Instant> endedIds = new ConcurrentHashMap<>();
    static final Duration ENDED_KEPT = Duration.ofHours(24);
    private final Thread sweeper;
    /** #19: the endings (DELETE) shared with the other nodes through the store; null on a node alone. */
    private volatile EndedSessions shared;
    private volatile Thread poller;
    private final java.util.function.Supplier<Duration> idleTimeout;
    /** #12 item 7: what "now" is for idleness (tests advance a fixed clock instead of waiting). */
    private final Clock clock;

    public Sessions(java.util.function.Supplier<Duration> idleTimeout) {
        this(idleTimeout, Clock.systemUTC());
    }

    public Sessions(java.util.function.Supplier<Duration> idleTimeout, Clock clock) {
        this(idleTimeout, clock, ClusterKey.current());
    }

    /** @param key the cluster's key: ids sealed under it open on every node that has it (#19 item 1) */
    public Sessions(java.util.function.Supplier<Duration> idleTimeout, Clock clock, ClusterKey key) {
        this.seal = new SessionSeal(key);
        this.idleTimeout = idleTimeout;
        this.clock = clock;
        sweeper = Thread.ofVirtual().name("session-sweeper").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    // look often enough that a session ends within about a quarter of its timeout late
                    Thread.sleep(Math.clamp(idleTimeout.get().toMillis() / 4, 100, 30_000));
                } catch (InterruptedException e) {
                    return;
                }
                sweep();
            }
        });
    }

    /**
     * Ends every session idle for longer than the timeout (by {@link #clock}) with nothing in
     * flight; the sweeper calls it periodically, a test after advancing its clock.
     *
     * @return how many sessions ended
     */
    public int sweep() {
        Instant cutoff = clock.instant().minus(idleTimeout.get());
        int[] ended = {0};
        sessions.values().removeIf(s -> {
            boolean idle = s.lastSeen().isBefore(cutoff) && s.inFlight.isEmpty();
            if (idle) {
                LOG.info("session {} expired after being idle", s.id());
                endedIds.put(s.id(), clock.instant());
                s.close();
                ended[0]++;
            }
            return idle;
        });
        Instant forget = clock.instant().minus(ENDED_KEPT);
        endedIds.values().removeIf(t -> t.isBefore(forget));
        return ended[0];
    }

    /**
     * #19 item 1: shares the sessions' endings (DELETE) with every node of the cluster through the
     * store, and polls it every {@link EndedSessions#POLL} to end the copies this node holds of
     * sessions another node ended.
     */
    public void share(EndedSessions ended) {
        shared = ended;
        poller = Thread.ofVirtual().name("ended-sessions").start(() -> {
            Instant since = clock.instant().minus(EndedSessions.SKEW);
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(EndedSessions.POLL.toMillis()); // a poll period, not a synchronisation
                } catch (InterruptedException e) {
                    return;
                }
                Instant now = clock.instant();
                try {
                    endCopies(ended.endedSince(since));
                    since = now.minus(EndedSessions.SKEW);
                } catch (java.sql.SQLException | RuntimeException e) {
                    LOG.warn("cannot read the sessions ended on other nodes (retrying): {}", ended.describe(e));
                }
            }
        });
    }

    private void endCopies(java.util.Set<String> hashes) {
        if (hashes.isEmpty()) {
            return;
        }
        sessions.values().removeIf(s -> {
            boolean ended = hashes.contains(EndedSessions.hash(s.id()));
            if (ended) {
                LOG.info("session {} ended: it was ended on another node", shortId(s.id()));
                endedIds.put(s.id(), clock.instant());
                s.close();
            }
            return ended;
        });
    }

    /**
     * Records in the shared store that the session of {@code id} ended, before it ends here; a
     * node alone records nothing.
     *
     * @throws java.sql.SQLException when the store does not answer: the session must then stay open (fail closed)
     */
    void endEverywhere(String id) throws java.sql.SQLException {
        EndedSessions e = shared;
        if (e != null) {
            e.ended(id, clock.instant());
        }
    }

    /**
     * Whether the session of {@code id}, which this node does not hold, was ended on another node.
     *
     * @throws java.sql.SQLException when the store does not answer (the caller refuses: fail closed)
     */
    boolean endedElsewhere(String id) throws java.sql.SQLException {
        EndedSessions e = shared;
        if (e == null || !e.isEnded(id)) {
            return false;
        }
        endedIds.put(id, clock.instant());
        return true;
    }

    /** What a store failure is called in a refusal. */
    String describeStoreFailure(Throwable t) {
        EndedSessions e = shared;
        return e == null ? String.valueOf(t.getMessage()) : e.describe(t);
    }

    SessionSeal seal() {
        return seal;
    }

    /** Whether the session of this id ended on this node (it must not come back by its id). */
    boolean ended(String id) {
        return endedIds.containsKey(id);
    }

    /**
     * #19 item 1: a session sealed by a node of this cluster (maybe another one) continues here:
     * the session this node holds under {@code id}, or a new one made of what the id carries.
     * The caller was checked against the id's binding before.
     */
    ClientSession adopt(String id, SessionSeal.Sealed sealed, io.portcullis.identity.Principal principal) {
        return adopt(id, sealed, principal, Integer.MAX_VALUE);
    }

    /** As {@link #adopt(String, SessionSeal.Sealed, io.portcullis.identity.Principal)}; null when this node holds {@code maxTotal} sessions (#20 item 4). */
    synchronized ClientSession adopt(String id, SessionSeal.Sealed sealed, io.portcullis.identity.Principal principal, int maxTotal) {
        ClientSession held = sessions.get(id);
        if (held == null && sessions.size() >= maxTotal) {
            return null;
        }
        return held != null ? held : sessions.computeIfAbsent(id, k -> {
            LOG.info("session {} continues on this node: env={} protocol={} client={} subject={} (opened {})", shortId(k),
                    sealed.environment(), sealed.version().id(), sealed.clientInfo().path("name").asString("?"),
                    principal.subject(), sealed.created());
            return stamped(new ClientSession(k, sealed.environment(), sealed.version(), sealed.capabilities(),
                    sealed.clientInfo(), principal));
        });
    }

    /** A sealed id is long: its first characters name it in log lines. */
    static String shortId(String id) {
        return id.length() > 24 ? id.substring(0, 24) + "…" : id;
    }

    /** Stamps a session added here with this clock (its creation and each {@code touch}). */
    private ClientSession stamped(ClientSession s) {
        s.useClock(clock);
        return s;
    }

    /** How long a session may stay idle (the config's current value). */
    Duration idleTimeout() {
        return idleTimeout.get();
    }

    /** A new unguessable session id: 128 random bits, hex. */
    public static String newId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public void add(ClientSession s) {
        sessions.put(s.id(), stamped(s));
    }

    /**
     * Adds a session unless its caller (same issuer, subject and kind) already holds {@code max}
     * open ones (#11 item 15): one credential cannot exhaust the gateway's memory with sessions.
     * Anonymous callers (a gateway without an identity section: loopback demos) are not counted,
     * as they are no principal; every authenticated one is.
     *
     * @return the number of sessions the caller holds when refused, or -1 when added
     */
    public synchronized int addWithin(ClientSession s, int max) {
        Refusal r = admit(s, max, Integer.MAX_VALUE);
        return r == null ? -1 : r.held();
    }

    /**
     * Why {@link #admit} did not add a session: {@code control} is {@code sessions} when the
     * gateway holds {@code server.max_sessions} open sessions (#20 item 4), {@code
     * max_sessions_per_principal} when the caller holds its own limit (#11 item 15).
     */
    public record Refusal(String control, int held, int limit) {
        public boolean gatewayFull() {
            return CONTROL.equals(control);
        }
    }

    /** The control named when the gateway holds all the sessions it may (#20 item 4). */
    public static final String CONTROL = "sessions";

    /**
     * Adds a session unless the gateway already holds {@code maxTotal} open sessions (every
     * caller, anonymous ones too: #20 item 4, memory is bounded whoever opens them) or its caller
     * holds {@code maxPerCaller} (authenticated callers only: #11 item 15).
     *
     * @return null when added, else why not
     */
    public synchronized Refusal admit(ClientSession s, int maxPerCaller, int maxTotal) {
        int open = sessions.size(); // O(1): ConcurrentHashMap keeps a count
        if (open >= maxTotal) {
            return new Refusal(CONTROL, open, maxTotal);
        }
        if (s.principal().kind() != io.portcullis.identity.Principal.Kind.ANONYMOUS) {
            int held = (int) sessions.values().stream().filter(o -> !o.closed() && o.principal().sameCaller(s.principal())).count();
            if (held >= maxPerCaller) {
                return new Refusal("max_sessions_per_principal", held, maxPerCaller);
            }
        }
        sessions.put(s.id(), stamped(s));
        return null;
    }

    /** How many sessions are open here now. */
    public int size() {
        return sessions.size();
    }

    public ClientSession get(String id) {
        return id == null ? null : sessions.get(id);
    }

    public boolean remove(String id) {
        ClientSession s = sessions.remove(id);
        if (s != null) {
            endedIds.put(id, clock.instant());
            s.close();
        }
        return s != null;
    }

    public Collection<ClientSession> all() {
        return sessions.values();
    }

    /** Queues a notification on every session's GET stream (delivered now, or on resumption). */
    public void broadcast(String method, ObjectNode params) {
        ObjectNode msg = Message.notification(method, params);
        sessions.values().forEach(s -> s.events.append(LegacyStreams.GET, msg));
    }

    /**
     * Gateway events → pushes: list changes to everyone, resource updates to subscribers, an
     * upstream's log messages tied to no call to the sessions that used that upstream.
     */
    public void onGatewayEvent(String kind, ObjectNode message) {
        switch (kind) {
            // #18 (session 10): the gateway's own notification, one CLIENT span for the broadcast
            case "tools", "prompts", "resources" -> io.portcullis.tracing.Tracing.current().own(
                    Message.notification("notifications/" + kind + "/list_changed", null),
                    m -> sessions.values().forEach(s -> s.events.append(LegacyStreams.GET, m)));
            case "notification" -> {
                if (message != null && "notifications/resources/updated".equals(message.path("method").asString(""))) {
                    String uri = message.path("params").path("uri").asString("");
                    sessions.values().stream().filter(s -> s.subscriptions.contains(uri))
                            .forEach(s -> s.events.append(LegacyStreams.GET, message));
                }
            }
            default -> {
                if (kind.startsWith(io.portcullis.Gateway.LOG_EVENT) && message != null) {
                    // #11 item 21: an upstream's log message tied to no call, to the sessions that used it, at their level
                    String upstream = kind.substring(io.portcullis.Gateway.LOG_EVENT.length());
                    sessions.values().stream().filter(s -> s.upstreams.contains(upstream) && SessionRelay.wanted(s, message))
                            .forEach(s -> s.events.append(LegacyStreams.GET, message));
                }
            }
        }
    }

    @Override
    public void close() {
        sweeper.interrupt();
        Thread p = poller;
        if (p != null) {
            p.interrupt();
        }
        sessions.values().forEach(ClientSession::close);
        sessions.clear();
    }

    static boolean isListKind(String kind) {
        return "tools".equals(kind) || "prompts".equals(kind) || "resources".equals(kind);
    }
}
