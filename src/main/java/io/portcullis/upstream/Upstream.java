package io.portcullis.upstream;

import io.portcullis.settings.UpstreamConfig;
import io.portcullis.pipeline.GatewayException;
import io.portcullis.pipeline.Relay;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import io.portcullis.protocol.ProtocolException;
import io.portcullis.resilience.Admission;
import io.portcullis.resilience.Overloaded;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.client.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
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
 */
public final class Upstream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration INITIAL_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** An upstream that ran this long before dying is restarted at the initial backoff again. */
    private static final Duration STABLE = Duration.ofSeconds(60);

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

    /** Replaced in place by a reload that changes only live settings ({@link #reconfigure}). */
    private volatile UpstreamConfig config;
    private final Listener listener;
    private final HttpClient http;
    private final Calls calls = new Calls();
    private final CallHealth health = new CallHealth();
    /** System.nanoTime() of the next connection attempt while DOWN (for "retry in N s"). */
    private volatile long nextAttemptNanos;
    private final Admission bulkhead;
    private final AtomicLong ids = new AtomicLong();
    private volatile Connection connection;
    private volatile State state = State.STARTING;
    private volatile String lastError = "starting";
    private volatile Listing listing = Listing.EMPTY;
    private volatile String negotiatedVersion;
    private volatile ObjectNode serverInfo = Json.object();
    private volatile ObjectNode capabilities = Json.object();
    private volatile Thread supervisor;
    /** Whether the current connection speaks 2026-07-28 (else the legacy way, after initialize). */
    private volatile boolean modern;
    /** What legacy sessions asked for with logging/setLevel: a 2026-07-28 upstream gets it in each request's envelope. */
    private volatile String logLevel;
    private final Negotiation negotiation;
    private final Subscriptions subscriptions;

    /**
     * @param http the HTTP client for Streamable HTTP upstreams, shared by all of them (see
     *             {@link #httpClient()}); unused for stdio upstreams
     */
    public Upstream(UpstreamConfig config, Listener listener, HttpClient http) {
        this.config = config;
        this.listener = listener;
        this.http = http;
        this.negotiation = new Negotiation(config, calls, ids, HANDSHAKE_TIMEOUT);
        this.bulkhead = Admission.of("upstream " + config.name(), "bulkhead", config.bulkhead());
        this.subscriptions = new Subscriptions(config.name(),
                (params, timeout, relay) -> send("subscriptions/listen", params, timeout, relay), this::refreshListing);
    }

    /**
     * A started HTTP client for Streamable HTTP upstreams; the caller stops it. HTTP/1.1 (what MCP
     * servers speak), no redirects followed, and pooled connections dropped after 4 s idle: Node
     * servers, most MCP servers, close idle keep-alive connections after 5 s, and a call sent on
     * a connection the server is closing would fail.
     *
     * @throws IllegalStateException when the client cannot start
     */
    public static HttpClient httpClient() {
        return HttpConnection.newClient();
    }

    public String name() {
        return config.name();
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

    /**
     * Applies a config that differs only in live settings ({@link UpstreamConfig#sameConnectionAs}):
     * the connection keeps running (issue #21 item 6).
     */
    public void reconfigure(UpstreamConfig next) {
        if (!config.sameConnectionAs(next)) {
            throw new IllegalArgumentException("upstream " + name() + ": this change needs a restart");
        }
        config = next;
    }

    /**
     * Starts a replacement with the listing of the upstream it replaces, so that a reload that
     * restarts an upstream does not make its tools unknown meanwhile; calls to them are refused
     * as "starting" until it is ready (issue #21 item 6). Call before {@link #start()}.
     */
    public void inheritListing(Upstream previous) {
        if (state == State.STARTING && listing == Listing.EMPTY) {
            listing = previous.listing;
        }
    }

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

    /** Starts the supervisor, which connects now and reconnects with backoff whenever the connection dies. */
    public void start() {
        supervisor = Thread.ofVirtual().name("upstream-" + name()).start(this::supervise);
    }

    /** Waits until the upstream is ready or {@code timeout} passes; returns whether it is ready. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (state != State.READY && state != State.CLOSED && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        return state == State.READY;
    }

    private void supervise() {
        long backoffMs = INITIAL_BACKOFF.toMillis();
        try {
            while (state != State.CLOSED) {
                long startedAt = System.nanoTime();
                CountDownLatch down = new CountDownLatch(1);
                try {
                    connect(down);
                    awaitDown(down);
                } catch (InterruptedException e) {
                    return;
                    } catch (Exception e) {
                    // lastError reaches clients ("not available: ..."): a message, never a class name
                    lastError = e.getMessage() == null ? "unexpected failure while connecting" : config.scrub(e.getMessage());
                    if (e instanceof GatewayException || e instanceof IOException) {
                        LOG.warn("upstream {} failed to start: {}", name(), lastError);
                    } else {
                        LOG.warn("upstream {} failed to start: {}", name(), lastError, e); // a bug: keep the trace
                    }
                }
                disconnect();
                if (state == State.CLOSED) {
                    return;
                }
                state = State.DOWN;
                calls.failAll(name(), "upstream " + name() + " is down: " + lastError);
                if (Duration.ofNanos(System.nanoTime() - startedAt).compareTo(STABLE) > 0) {
                    backoffMs = INITIAL_BACKOFF.toMillis(); // it ran a good while: a fresh failure, not a crash loop
                }
                LOG.info("upstream {} restarting in {} ms", name(), backoffMs);
                nextAttemptNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs);
                Thread.sleep(backoffMs);
                if (state == State.CLOSED) {
                    return;
                }
                state = State.STARTING;
                backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF.toMillis());
            }
        } catch (InterruptedException e) {
            // close() interrupts the supervisor
        } finally {
            // whatever the supervisor was doing when close() came, no child process may outlive it
            disconnect();
        }
    }

    /**
     * Waits until the connection reports that it is gone, or until it is broken without a report
     * (a reader that died, a child that stopped reading): the supervisor does not trust a silent
     * connection (issue #21 item 1).
     */
    private void awaitDown(CountDownLatch down) throws InterruptedException {
        while (!down.await(1, TimeUnit.SECONDS)) {
            Connection c = connection;
            String failure = c == null ? null : c.failure();
            if (failure != null) {
                lastError = config.scrub(failure);
                LOG.warn("upstream {} is wedged: {}; restarting it", name(), lastError);
                return;
            }
        }
    }

    private void connect(CountDownLatch down) throws IOException, GatewayException {
        Connection c = config.transport() == UpstreamConfig.Transport.STDIO
                ? new StdioConnection(config, () -> this.config)
                : new HttpConnection(config, http);
        connection = c;
        modern = false;
        health.reset();
        c.open(new Sink(down));
        EraProbe.Verdict.Modern m = negotiation.negotiate(c, down);
        if (m != null) {
            negotiatedVersion = m.version();
            capabilities = m.discover().get("capabilities") instanceof ObjectNode o ? o : Json.object();
            serverInfo = m.discover().path("_meta").get(ModernEnvelope.SERVER_INFO_KEY) instanceof ObjectNode o ? o : Json.object();
            modern = true;
            c.negotiated(negotiatedVersion);
        } else {
            initialize(c);
        }
        listing = Listing.fetch(this::internal, capabilities);
        // the catalog has the upstream's tools before anyone is told it is ready
        listener.listingChanged(this);
        lastError = null;
        state = State.READY;
        if (modern) {
            subscriptions.start(capabilities);
        }
        LOG.info("upstream {} ready: {} {} (protocol {}), {} tools", name(), serverInfo.path("name").asString(""),
                serverInfo.path("version").asString(""), negotiatedVersion, listing.tools().size());
    }

    /** The legacy handshake: initialize, then notifications/initialized. */
    private void initialize(Connection c) throws IOException, GatewayException {
        ObjectNode params = Json.object().put("protocolVersion", config.protocolVersion());
        ObjectNode caps = params.putObject("capabilities");
        caps.putObject("sampling");
        caps.putObject("elicitation");
        caps.putObject("roots").put("listChanged", true);
        params.set("clientInfo", ModernEnvelope.gatewayInfo());
        ObjectNode init = send("initialize", params, HANDSHAKE_TIMEOUT, Relay.NONE);
        negotiatedVersion = init.path("protocolVersion").asString(config.protocolVersion());
        capabilities = init.get("capabilities") instanceof ObjectNode o ? o : Json.object();
        serverInfo = init.get("serverInfo") instanceof ObjectNode o ? o : Json.object();
        c.negotiated(negotiatedVersion);
        c.send(Message.notification("notifications/initialized", null), null);
    }

    private void disconnect() {
        subscriptions.stop();
        Connection c = connection;
        connection = null;
        if (c != null) {
            c.close();
        }
    }

    private ObjectNode internal(String method, ObjectNode params) throws GatewayException {
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
        if (state != State.READY) {
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
        // #21 item 14: the upstream's bulkhead; a queued call waits at most the upstream's timeout for a slot
        try (Admission.Permit permit = bulkhead.enter()) {
            return send(method, params, timeout, relay);
        } catch (Overloaded o) {
            throw new GatewayException.UpstreamFailure(o.control(), name(), o.getMessage());
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
        return bulkhead.inFlight();
    }

    /**
     * The refusal while not connected, control {@code upstream}, saying when to retry (issue #21
     * item 6): "starting" while the first or next connection is being made.
     */
    public GatewayException.UpstreamFailure notReady() {
        State s = state;
        long retry = s == State.CLOSED ? 0 : retryAfterSeconds();
        String msg = switch (s) {
            case STARTING -> "upstream " + name() + " is starting, retry in " + retry + " s";
            case CLOSED -> "upstream " + name() + " was stopped";
            default -> "upstream " + name() + " is not available (" + s.name().toLowerCase()
                    + (lastError == null ? "" : ": " + lastError) + "), retry in " + retry + " s";
        };
        return new GatewayException.UpstreamFailure("upstream", name(), msg, retry);
    }

    /**
     * Sends one request and waits for its answer until its deadline. #21 item 4: the deadline is
     * fixed here and travels with the request into the transport's queues; a request still queued
     * when it passes is never sent, and the failure says whether the upstream was reached. #21
     * item 2: whatever the transport holds for the call is released when it ends, however it ends.
     */
    private ObjectNode send(String method, ObjectNode params, Duration timeout, Relay relay) throws GatewayException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Connection c = connection;
        long id = ids.incrementAndGet();
        Calls.Pending pending = calls.open(id, relay, params);
        boolean speakModern = modern;
        ObjectNode outgoing = Calls.withOurToken(params, id);
        outgoing = speakModern ? ModernEnvelope.wrap(outgoing, negotiatedVersion, logLevel) : ModernEnvelope.strip(outgoing);
        try {
            if (c == null) {
                throw new IOException("not connected");
            }
            ObjectNode message = Message.request(Json.object().numberNode(id), method, outgoing);
            // both transports mark the request reached (Sink.sent) only as it is handed to the wire
            c.send(message, id, speakModern && config.transport() == UpstreamConfig.Transport.HTTP
                    ? ModernEnvelope.headers(message, Listings.inputSchema(listing, method, params)) : java.util.Map.of(), deadline);
            relay.attach(() -> cancel(id, "cancelled by the client"));
            relay.reached(name());
            JsonNode response = pending.response().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            health.answered();
            if (speakModern && !ModernEnvelope.fromModernClient(params)) {
                ModernEnvelope.refuseInputRequired(name(), method, response);
            }
            return result(method, response);
        } catch (TimeoutException | HttpConnection.Released e) {
            health.unanswered();
            // let go of the exchange first: what was not sent by now never will be, so "reached" is final
            if (c != null) {
                c.release(id);
            }
            boolean reached = pending.reached().get();
            if (reached) {
                cancel(id, "timed out in the gateway");
            }
            throw new GatewayException.UpstreamFailure("timeout", name(),
                    "upstream " + name() + " did not answer " + method + " within " + timeout.toMillis() + " ms"
                            + (reached ? "" : " (it was not sent)"), reached);
        } catch (IOException e) {
            health.unanswered();
            throw new GatewayException.UpstreamFailure("upstream", name(), "upstream " + name() + " is unreachable: "
                    + config.scrub(e.getMessage()), pending.reached().get());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GatewayException.UpstreamFailure u && u.reached() == null) {
                throw new GatewayException.UpstreamFailure(u.control(), u.upstream(), u.getMessage(), u.retryAfterSeconds(),
                        pending.reached().get());
            }
            if (e.getCause() instanceof GatewayException g) {
                throw g;
            }
            if (e.getCause() instanceof Calls.HttpRefusal r) {
                throw new GatewayException.UpstreamFailure("upstream", name(), r.getMessage(), true);
            }
            LOG.warn("upstream {}: {} failed", name(), method, e.getCause());
            throw new GatewayException.UpstreamFailure("upstream", name(), "upstream " + name() + " failed to answer " + method);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException.UpstreamFailure("upstream", name(), "interrupted");
        } finally {
            calls.close(id, pending);
            if (c != null) {
                c.release(id);
            }
        }
    }

    private ObjectNode result(String method, JsonNode response) throws GatewayException {
        if (response.get("error") instanceof ObjectNode err) {
            throw new GatewayException.UpstreamError(name(), err);
        }
        if (response.get("result") instanceof ObjectNode r) {
            return r;
        }
        throw new GatewayException.UpstreamFailure("upstream", name(), "upstream " + name() + " answered " + method + " with a result that is not an object");
    }

    private void cancel(long id, String reason) {
        if (!calls.isOpen(id)) {
            return;
        }
        calls.cancelled(id, name());
        try {
            Connection c = connection;
            if (c != null) {
                if (modern) {
                    c.abort(id);
                }
                // a stateless HTTP upstream learns of it from the aborted POST: a notification would reach a fresh instance
                if (!(modern && config.transport() == UpstreamConfig.Transport.HTTP)) {
                    ObjectNode params = Json.object().put("requestId", id).put("reason", reason);
                    c.send(Message.notification("notifications/cancelled", modern ? ModernEnvelope.wrap(params, negotiatedVersion, null) : params), null);
                }
            }
        } catch (IOException e) {
            LOG.debug("could not tell upstream {} to cancel {}: {}", name(), id, e.getMessage());
        }
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

    /** Receives everything the connection reads. */
    private final class Sink implements Connection.Sink {
        /** This connection's own latch: a late report from an earlier connection cannot end a newer one. */
        private final CountDownLatch down;

        Sink(CountDownLatch down) {
            this.down = down;
        }

        @Override
        public void receive(ObjectNode raw, Long relatedId) {
            Message msg;
            try {
                msg = Message.of(raw);
            } catch (ProtocolException e) {
                LOG.warn("upstream {} sent an invalid message ({}); ignored", name(), e.getMessage());
                return;
            }
            switch (msg.kind()) {
                case RESPONSE -> calls.answer(msg, name());
                case REQUEST -> Thread.ofVirtual().start(() -> serveRequest(msg, relatedId));
                case NOTIFICATION -> notification(msg, relatedId);
            }
        }

        @Override
        public void requestFailed(long requestId, String why) {
            calls.fail(requestId, new GatewayException.UpstreamFailure("upstream", name(), "upstream " + name() + ": " + config.scrub(why)));
        }

        @Override
        public void requestRefused(long requestId, int status, String body, String why) {
            calls.fail(requestId, new Calls.HttpRefusal(status, body, "upstream " + name() + ": " + config.scrub(why)));
        }

        @Override
        public void violation(String why) {
            health.unanswered();
            calls.failClientCalls(name(), config.scrub(why));
        }

        @Override
        public void sent(long requestId) {
            calls.reached(requestId);
        }

        /** #21 item 7: an answer cut off at the bounded read is the result limit's refusal, at once. */
        @Override
        public void tooLarge(long requestId, long limit) {
            calls.fail(requestId, new GatewayException.Refused("result-limit", "the upstream's answer is over the gateway's "
                    + "bound of " + limit + " bytes for one message; it was cut off unread"));
        }

        @Override
        public void closed(String reason) {
            String why = config.scrub(reason);
            lastError = why;
            LOG.warn("upstream {} connection lost: {}", name(), why);
            // calls in flight (the handshake too) end now, not at their timeouts
            calls.failAll(name(), "upstream " + name() + " connection lost: " + why);
            down.countDown();
        }
    }

    private void serveRequest(Message msg, Long relatedId) {
        boolean roots = "roots/list".equals(msg.method());
        ObjectNode answer = ServerRequests.answer(name(), msg, roots ? null : calls.relayFor(relatedId), config.roots());
        try {
            Connection c = connection;
            if (c != null) {
                c.send(answer, null);
            }
        } catch (IOException e) {
            LOG.debug("could not answer upstream {}: {}", name(), e.getMessage());
        }
        if (roots) {
            // recorded after the answer: serving the configured roots narrows the server, so it is not held up
            LOG.info("upstream {}: roots/list answered from config ({}): {}", name(), config.roots().source(), config.roots().uris());
            listener.rootsServed(this, config.roots());
        }
    }

    private void notification(Message msg, Long relatedId) {
        String method = msg.method();
        switch (method) {
            case "notifications/progress" -> calls.progress(msg);
            case "notifications/message" -> {
                // #11 item 21: over HTTP a message off every call's stream (the GET stream) is tied to no call; over
                // stdio it is when no client's call is in flight. Those go to the sessions of this upstream.
                boolean untied = config.transport() == UpstreamConfig.Transport.HTTP ? relatedId == null : !calls.clientCallsInFlight();
                Relay relay = untied ? null : calls.relayFor(relatedId);
                if (relay != null) {
                    relay.notify(msg.node());
                } else if (untied) {
                    listener.notification(this, msg.node());
                } else {
                    // calls of several clients in flight over stdio: whose it is cannot be known, so nobody gets it
                    LOG.debug("upstream {} log (not attributable to one client, not relayed): {}", name(), msg.params());
                }
            }
            case "notifications/tools/list_changed", "notifications/prompts/list_changed",
                 "notifications/resources/list_changed" -> Thread.ofVirtual().start(this::refreshListing);
            case "notifications/cancelled", "notifications/subscriptions/acknowledged" -> { }
            default -> listener.notification(this, ModernEnvelope.withoutSubscriptionId(msg.node()));
        }
    }

    private void refreshListing() {
        try {
            listing = Listing.fetch(this::internal, capabilities);
            listener.listingChanged(this);
        } catch (GatewayException e) {
            LOG.warn("upstream {}: could not refresh listings: {}", name(), e.getMessage());
        }
    }

    /** The tools, prompts, resources and templates an upstream offers, as it listed them. */
    public record Listing(ArrayNode tools, ArrayNode prompts, ArrayNode resources, ArrayNode templates) {
        static final Listing EMPTY = new Listing(Json.array(), Json.array(), Json.array(), Json.array());

        interface Requester {
            ObjectNode request(String method, ObjectNode params) throws GatewayException;
        }

        /** Fetches every listing the capabilities offer, following cursors. */
        static Listing fetch(Requester r, ObjectNode caps) throws GatewayException {
            return Listings.fetch(r, caps);
        }
    }
}
