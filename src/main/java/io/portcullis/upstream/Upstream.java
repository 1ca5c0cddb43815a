package io.portcullis.upstream;

import io.portcullis.catalog.Listing;
import io.portcullis.catalog.Offering;

import io.portcullis.settings.UpstreamConfig;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Relay;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import io.portcullis.resilience.Overloaded;
import io.portcullis.resilience.Protection;
import io.portcullis.resilience.ToolCall;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.client.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One upstream MCP server, as the gateway's client of it. It keeps one connection (a supervised
 * child process, or an HTTP session), restarts it with backoff when it dies, and multiplexes the
 * calls of every client session over it: our own request ids, our own progress tokens, and
 * server-to-client requests routed back to the session whose call they serve.
 *
 * <p>Each upstream is spoken to in the era it negotiates ({@code protocol: auto}, the default):
 * a {@code server/discover} probe first ({@link EraProbe} judges the answer), then either the
 * stateless 2026-07-28 form, every request carrying the gateway's {@link ModernEnvelope}, or
 * the legacy {@code initialize} handshake. Clients of either era use upstreams of either era.
 *
 * <p>This class is the upstream's face to the gateway (state, listings, {@link #request}); the
 * work is done by three parts in this package (#12 item 4): {@link Supervisor} keeps the
 * connection up, {@link Outbound} puts one request on the wire and waits for its answer, and
 * {@link Inbound} handles what the upstream sends.
 */
public final class Upstream implements AutoCloseable, Offering {
    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);

    public enum State { STARTING, READY, DOWN, CLOSED }

    /** What the rest of the gateway hears from an upstream. */
    public interface Listener {
        /** The upstream's tools, prompts or resources listing changed (or it came up). */
        void listingChanged(Upstream upstream);

        /** A notification not tied to any call, e.g. {@code notifications/resources/updated}. */
        default void notification(Upstream upstream, ObjectNode message) {}

        /** The gateway answered the upstream's {@code roots/list} with {@code roots} (#11 item 1: an audit record). */
        default void rootsServed(Upstream upstream, io.portcullis.settings.UpstreamRoots roots) {}
    }

    // #12 item 4: the fields without "private" are shared with the three parts of this class in the
    // package: Supervisor (keeps the connection up), Outbound (one request on the wire) and Inbound
    // (what the upstream sends). Only they write them.
    /** Replaced in place by a reload that changes only live settings ({@link #reconfigure}). */
    volatile UpstreamConfig config;
    final Listener listener;
    final HttpClient http;
    final Calls calls = new Calls();
    final CallHealth health = new CallHealth();
    /** System.nanoTime() of the next connection attempt while DOWN (for "retry in N s"). */
    volatile long nextAttemptNanos;
    /** #14 item 1: bulkhead, retry policy and circuit breaker (resilience.Protection). */
    private final Protection protection;
    final AtomicLong ids = new AtomicLong();
    final AtomicLong restarts = new AtomicLong(); // #18 item 1: connections gone down and started again
    volatile Connection connection;
    volatile State state = State.STARTING;
    volatile String lastError = "starting";
    volatile Listing listing = Listing.EMPTY;
    /** One listing fetch at a time; set when a list_changed arrives ({@link #refreshListing}). */
    private final ListingRefresh listings = new ListingRefresh(this);
    volatile String negotiatedVersion;
    volatile ObjectNode serverInfo = Json.object();
    volatile ObjectNode capabilities = Json.object();
    /** #15 item 1: the instructions of the last handshake, or null (pinned by pin.Pins). */
    volatile String instructions;
    private volatile Thread supervisor;
    /** Whether the current connection speaks 2026-07-28 (else the legacy way, after initialize). */
    volatile boolean modern;
    /** What legacy sessions asked for with logging/setLevel: a 2026-07-28 upstream gets it in each request's envelope. */
    volatile String logLevel;
    final Negotiation negotiation;
    final Subscriptions subscriptions;
    /** #16: set before start on a per-user connection (its user's token on every request); on a shared one, its per-user connections. */
    volatile UserToken userToken;
    volatile UserSessions users;
    /** Issue 17 (task h8): why a per-user connection's user was refused at start (it is then closed), or null. */
    volatile String refused;
    private final Supervisor supervisorLoop = new Supervisor(this);
    private final Outbound outbound = new Outbound(this);

    /**
     * @param http the HTTP client for Streamable HTTP upstreams, shared by all of them (see
     *             {@link #httpClient()}); unused for stdio upstreams
     */
    public Upstream(UpstreamConfig config, Listener listener, HttpClient http) {
        this.config = config;
        this.listener = listener;
        this.http = http;
        this.negotiation = new Negotiation(config, calls, ids, HANDSHAKE_TIMEOUT);
        this.protection = new Protection(config.name(), config.bulkhead(), config.protection(), config.timeout(), Failures.INSTANCE);
        this.subscriptions = new Subscriptions(config.name(),
                (params, timeout, relay) -> send("subscriptions/listen", params, timeout, relay), this::refreshListing);
    }

    /** A started HTTP client for Streamable HTTP upstreams; the caller stops it (what it is: {@link HttpConnection#newClient}). */
    public static HttpClient httpClient() {
        return HttpConnection.newClient();
    }

    public String name() {
        return config.name();
    }

    /**
     * #16: the connection that serves {@code caller}: for an upstream reached with each user's own token
     * ({@code token_exchange}, {@code user_oauth}) the caller's own ({@link UserSessions#route}), else this one.
     *
     * @throws GatewayException when the caller's credential cannot be had (control {@code credentials}), the cap
     *         of per-user connections is reached with none idle, or their connection does not come up in time
     */
    public Upstream forCaller(io.portcullis.identity.Principal caller) throws GatewayException {
        UserSessions u = users;
        return u == null ? this : u.route(this, caller);
    }

    public UpstreamConfig config() {
        return config;
    }

    public State state() {
        return state;
    }

    /**
     * The truthful state for operators (issue #21 item 10): {@code starting}, {@code down} or
     * {@code closed} while not connected; when connected, {@code ready} only while calls are
     * answered, else {@code degraded} or {@code unresponsive} ({@link CallHealth}).
     */
    public String status() {
        State s = state;
        return s == State.READY ? health.status() : s.name().toLowerCase();
    }

    /** Calls in a row that got no answer (timeouts, refused writes); 0 once one is answered. */
    public int unansweredCalls() {
        return health.unansweredInARow();
    }

    /** When a client may try again while the upstream is not ready: the time to the next attempt, at least 1 s. */
    public long retryAfterSeconds() {
        long wait = state == State.DOWN ? nextAttemptNanos - System.nanoTime() : 0;
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait) + 1);
    }

    /** Applies a config that differs only in live settings ({@link UpstreamConfig#sameConnectionAs}): the connection keeps running (#21 item 6). */
    public void reconfigure(UpstreamConfig next) {
        if (!config.sameConnectionAs(next)) {
            throw new IllegalArgumentException("upstream " + name() + ": this change needs a restart");
        }
        config = next;
    }

    /**
     * Starts a replacement with the listing of the upstream it replaces, so that a reload that restarts an upstream does not
     * make its tools unknown meanwhile; calls to them are refused as "starting" until it is ready (issue #21 item 6). Call before {@link #start()}.
     */
    public void inheritListing(Upstream previous) {
        if (state == State.STARTING && listing == Listing.EMPTY) {
            listing = previous.listing;
        }
    }

    /** #18 item 1: how many times the connection went down and was (or is being) started again. */
    public long restarts() { return restarts.get(); }

    public String lastError() {
        return lastError;
    }

    /** The latest tools/prompts/resources listings (kept while the upstream restarts). */
    public Listing listing() {
        return listing;
    }

    public String negotiatedVersion() {
        return negotiatedVersion;
    }

    /** Whether the upstream is spoken to in the stateless 2026-07-28 era (as last negotiated). */
    public boolean modern() {
        return modern;
    }

    public ObjectNode serverInfo() {
        return serverInfo;
    }

    public ObjectNode capabilities() {
        return capabilities;
    }

    @Override
    public String instructions() {
        return instructions;
    }

    /** Starts the supervisor, which connects now and reconnects with backoff whenever the connection dies. */
    public void start() {
        supervisor = Thread.ofVirtual().name("upstream-" + name()).start(supervisorLoop::run);
    }

    /** Waits until the upstream is ready or {@code timeout} passes; returns whether it is ready. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (state != State.READY && state != State.CLOSED && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        return state == State.READY;
    }

    private void disconnect() {
        supervisorLoop.disconnect();
    }

    ObjectNode internal(String method, ObjectNode params) throws GatewayException {
        return send(method, params, HANDSHAKE_TIMEOUT, Relay.NONE);
    }

    /**
     * Sends a request on behalf of a client and waits for the result.
     *
     * @throws GatewayException.UpstreamFailure when the upstream is down, does not answer within
     *         {@code timeout} (control {@code timeout}; the upstream is told to cancel), or answers garbage
     * @throws GatewayException.UpstreamError   when the upstream answers with a JSON-RPC error
     */
    public ObjectNode request(String method, ObjectNode params, Duration timeout, Relay relay) throws GatewayException {
        return request(method, params, timeout, relay, ToolCall.NONE);
    }

    /** The same for a call of a tool: a {@code read_only} tool's call may be retried, and the tool may have its own bulkhead (#14 item 1). */
    public ObjectNode request(String method, ObjectNode params, Duration timeout, Relay relay, ToolCall tool) throws GatewayException {
        return request(method, params, timeout, relay, tool, java.util.Map.of());
    }

    /**
     * The same with headers of this call alone (#16 item 1: the caller's {@code Authorization} for an
     * HTTP upstream, chosen by the {@code credentials} stage). They go on this call's own POST, never
     * on the upstream's session (handshake, listings, GET stream) or another caller's request; a
     * stdio upstream ignores them.
     */
    public ObjectNode request(String method, ObjectNode params, Duration timeout, Relay relay, ToolCall tool,
                              java.util.Map<String, String> headers) throws GatewayException {
        // a tool call finds the upstream down inside Protection, where a read_only call may retry
        if (state != State.READY && tool.tool() == null) {
            throw notReady();
        }
        if (modern) {
            // methods of the session era that 2026-07-28 does otherwise
            String uri = params == null ? "" : params.path("uri").asString("");
            switch (method) {
                case "logging/setLevel" -> {
                    logLevel = params == null ? null : params.path("level").asString(null);
                    return Json.object();
                }
                case "resources/subscribe" -> {
                    subscriptions.subscribe(uri);
                    return Json.object();
                }
                case "resources/unsubscribe" -> {
                    subscriptions.unsubscribe(uri);
                    return Json.object();
                }
                case "ping" -> {
                    return Json.object();
                }
                default -> { }
            }
        }
        // #21 item 14, #14 item 1: bulkheads, then retries (read_only only), then the breaker (order and why: Protection)
        try {
            return protection.call(tool, timeout, () -> {
                if (state != State.READY) {
                    throw notReady(); // down or restarting: refused unsent, not counted by the breaker
                }
                return null;
            }, () -> outbound.send(method, params, timeout, relay, headers));
        } catch (Overloaded o) {
            throw new GatewayException.UpstreamFailure(o.control(), name(), o.getMessage(), o.retryAfterSeconds());
        }
    }

    /**
     * #21 item 12: the gateway is stopping and its grace period is over: every call still waiting for
     * this upstream ends now with a retryable error (control {@code draining}) instead of a cut connection.
     */
    public void failInFlight(String why) {
        calls.failAll(name(), "draining", why);
    }

    /** Calls of clients running on this upstream now (its bulkhead's slots in use). */
    public int inFlight() {
        return protection.inFlight();
    }

    /** Its bulkhead, breaker and retry policy (#14 item 1). */
    public Protection protection() {
        return protection;
    }

    /**
     * The refusal while not connected, control {@code upstream}, saying when to retry (issue #21
     * item 6): "starting" while the first or next connection is being made.
     */
    public GatewayException.UpstreamFailure notReady() {
        Unavailable u = unavailable();
        return new GatewayException.UpstreamFailure("upstream", name(), u.message(), u.retryAfterSeconds());
    }

    @Override
    public Unavailable unavailable() {
        State s = state;
        long retry = s == State.CLOSED ? 0 : retryAfterSeconds();
        String msg = switch (s) {
            case STARTING -> "upstream " + name() + " is starting, retry in " + retry + " s";
            case CLOSED -> "upstream " + name() + " was stopped";
            default -> "upstream " + name() + " is not available (" + s.name().toLowerCase()
                    + (lastError == null ? "" : ": " + lastError) + "), retry in " + retry + " s";
        };
        return new Unavailable(msg, retry);
    }

    @Override
    public boolean ready() {
        return state == State.READY;
    }

    /** Sends one request and waits for its answer until its deadline ({@link Outbound}). */
    ObjectNode send(String method, ObjectNode params, Duration timeout, Relay relay) throws GatewayException {
        return outbound.send(method, params, timeout, relay);
    }

    /**
     * Sends a notification from a client to the upstream; dropped while it is down, and dropped
     * for a 2026-07-28 upstream, which has no such notifications. A client's
     * {@code notifications/roots/list_changed} never comes here (#11 item 1: roots are the gateway's).
     */
    public void notify(String method, ObjectNode params) {
        Connection c = connection;
        if (c == null || state != State.READY || modern) {
            return;
        }
        try {
            c.send(Message.notification(method, params), null);
        } catch (IOException e) {
            LOG.debug("could not notify upstream {}: {}", name(), e.getMessage());
        }
    }

    @Override
    public void close() {
        state = State.CLOSED;
        Thread s = supervisor;
        if (s != null) {
            s.interrupt();
        }
        disconnect();
        calls.failAll(name(), "upstream " + name() + " was stopped");
    }


    /** Fetches the listings and keeps them, one fetch at a time ({@link ListingRefresh}). */
    Listing fetchListing() throws GatewayException {
        return listings.fetch();
    }

    /** After a {@code list_changed}: fetches again unless a fetch that started after it has it ({@link ListingRefresh}). */
    void refreshListing() {
        listings.refresh();
    }

}