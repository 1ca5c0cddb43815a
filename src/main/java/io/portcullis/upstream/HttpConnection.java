package io.portcullis.upstream;

import io.portcullis.settings.UpstreamConfig;
import io.portcullis.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An upstream over Streamable HTTP: one POST per message, answered by JSON or by an SSE stream
 * scoped to that request, plus the optional GET stream for server-initiated messages. Static
 * headers come from the config (environment variables or files), never from the client.
 *
 * <p>Every answer is read by a virtual thread in straight-line code, and never beyond
 * {@link #MAX_ANSWER_BYTES}: a larger one is cut off there and its call is refused at once by the
 * result limit (#21 item 7). An exchange lives exactly as long as its call: when the call ends
 * (answered, timed out, cancelled) whatever is still open or queued for it is aborted (#21 item
 * 2), and a request whose deadline passed while it waited in the client's queue is never sent
 * (#21 item 4). A legacy SSE answer that ends before the response, after an event id (SEP-1699
 * polling), is resumed with GET and {@code Last-Event-ID} after the server's {@code retry} delay
 * ({@link SseAnswer}).
 *
 * <p>With a 2026-07-28 upstream there is no session and no GET stream: each request carries its
 * own headers (given by {@link Upstream}), a call is cancelled by aborting its POST, and an SSE
 * answer that ends without the response fails the call at once (nothing can resume it).
 *
 * <p>#12 item 4: this class sends; what comes back is read by {@link PostAnswer} (JSON bodies and
 * refusals), {@link SseAnswer} (an SSE answer and its resumption) and {@link GetStream} (the
 * legacy session's GET stream).
 */
final class HttpConnection implements Connection {
    private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);
    /** The largest answer (a JSON body, one SSE event) read from an upstream; beyond it the answer is cut off (the stdio default of max_line_bytes too). */
    static final int MAX_ANSWER_BYTES = 16 << 20;
    /** Upstream timeouts are enforced per call by {@link Upstream}; the HTTP exchange itself waits. */
    private static final long EXCHANGE_IDLE_DAYS = 1;
    /** How long after its call's deadline a forgotten exchange is ended by the HTTP client itself. */
    private static final long DEADLINE_GRACE_MS = 1_000;

    private final UpstreamConfig config;
    private final HttpClient http;
    /** #16: the user of a per-user connection (their token on every request), or null. */
    private final UserToken user;
    volatile Sink sink;
    private volatile String sessionId;
    private volatile String protocolVersion;
    private volatile boolean closed;
    /** Issue 17 (task h8): the refusal of this per-user connection's user ({@link #refusal}), or null. */
    private volatile String refusal;
    /** The legacy session's GET stream, opened once the version is negotiated. */
    private volatile GetStream getStream;
    private volatile boolean modern;
    /** Our requests whose exchange is still open (or queued), so that they can be aborted. */
    final java.util.concurrent.ConcurrentHashMap<Long, Request> open = new java.util.concurrent.ConcurrentHashMap<>();

    /** Our requests whose call has not ended yet ({@link #release}): a resumption is only for these. */
    private final java.util.Set<Long> live = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Why we aborted an exchange ourselves: not a failure worth reporting. */
    static final class Released extends IOException {
        Released(String why) {
            super(why, null);
        }
    }

    /** Issue 17: the gateway's OAuth client at this upstream ({@code credentials: {mode: oauth}}), or null. */
    private final UpstreamAuth auth;

    HttpConnection(UpstreamConfig config, HttpClient http) {
        this(config, http, null);
    }

    HttpConnection(UpstreamConfig config, HttpClient http, UpstreamAuth auth) {
        this(config, http, auth, null);
    }

    /** @param user #16: the one user this connection belongs to, whose token goes on every request; null for a shared connection */
    HttpConnection(UpstreamConfig config, HttpClient http, UpstreamAuth auth, UserToken user) {
        this.config = config;
        this.http = http;
        this.auth = auth;
        this.user = user;
    }

    UpstreamAuth auth() {
        return auth;
    }

    /**
     * A started HTTP client for Streamable HTTP upstreams; the caller stops it. HTTP/1.1 (what MCP
     * servers speak), no redirects followed, and pooled connections dropped after 4 s idle: Node
     * servers, most MCP servers, close idle keep-alive connections after 5 s, and a call sent on
     * a connection the server is closing would fail.
     *
     * @throws IllegalStateException when the client cannot start
     */
    static HttpClient newClient() {
        QueuedThreadPool threads = new QueuedThreadPool(64, 2);
        threads.setName("upstream-http");
        threads.setDaemon(true);
        HttpClient client = new HttpClient();
        client.setExecutor(threads);
        client.setFollowRedirects(false);
        client.setConnectTimeout(10_000);
        client.setIdleTimeout(4_000);
        client.setMaxConnectionsPerDestination(256);
        client.setMaxRequestsQueuedPerDestination(16_384);
        client.setUserAgentField(null);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the upstream HTTP client: " + e.getMessage(), e);
        }
        return client;
    }

    @Override
    public void open(Sink s) {
        this.sink = s;
    }

    @Override
    public void negotiated(String version) {
        if (io.portcullis.protocol.ProtocolVersion.of(version).filter(io.portcullis.protocol.ProtocolVersion::isModern).isPresent()) {
            modern = true; // stateless: the version travels in each request's own headers, and there is no GET stream
            return;
        }
        this.protocolVersion = version;
        if (getStream == null && !closed) {
            GetStream g = new GetStream(this);
            getStream = g;
            g.start();
        }
    }

    UpstreamConfig config() {
        return config;
    }

    boolean modern() {
        return modern;
    }

    boolean closed() {
        return closed;
    }

    /** The legacy session's id, as the upstream last gave it (null before, and always with 2026-07-28). */
    String sessionId() {
        return sessionId;
    }

    void sessionId(String id) {
        sessionId = id;
    }

    /** Whether the call of our request {@code requestId} is still going on. */
    boolean live(Long requestId) {
        return requestId != null && live.contains(requestId);
    }

    /** A request with the configured static headers and the session's headers. */
    Request request(HttpMethod method) throws IOException {
        Request r = http.newRequest(config.url()).method(method).idleTimeout(EXCHANGE_IDLE_DAYS, TimeUnit.DAYS);
        try {
            for (Map.Entry<String, UpstreamConfig.HeaderSource> h : config.headers().entrySet()) {
                String value = h.getValue().resolve();
                r.headers(f -> f.put(h.getKey(), value));
            }
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage());
        }
        String token = auth == null ? null : auth.token(); // issue 17: the gateway's OAuth token, once the upstream asked
        if (token != null) {
            r.headers(f -> f.put(HttpHeader.AUTHORIZATION, "Bearer " + token));
        }
        if (user != null) { // #16: a per-user connection: its user's current token on every request, or the request is not sent
            String authorization;
            try {
                authorization = user.authorization();
            } catch (IOException e) {
                refuse(e.getMessage()); // issue 17 (task h8): the credentials layer refused (a consent due, the step-up bound)
                throw e;
            }
            r.headers(f -> f.put(HttpHeader.AUTHORIZATION, authorization));
        }
        String sid = sessionId;
        String version = protocolVersion;
        r.headers(f -> {
            if (sid != null) {
                f.put("Mcp-Session-Id", sid);
            }
            if (version != null) {
                f.put("MCP-Protocol-Version", version);
            }
        });
        return r;
    }

    @Override
    public void send(ObjectNode message, Long requestId) throws IOException {
        send(message, requestId, Map.of());
    }

    @Override
    public void send(ObjectNode message, Long requestId, Map<String, String> headers) throws IOException {
        send(message, requestId, headers, Long.MAX_VALUE);
    }

    /**
     * #21 item 4: the deadline travels with the request into the HTTP client's queue. The client's
     * own total timeout ends a queued request soon after it ({@link #DEADLINE_GRACE_MS}), and when
     * the request leaves the queue its deadline is checked again before a byte is written: a
     * request whose deadline passed is aborted there, never sent. {@link Upstream} releases it
     * when the call times out in any case.
     */
    @Override
    public void send(ObjectNode message, Long requestId, Map<String, String> headers, long deadlineNanos) throws IOException {
        send(message, requestId, headers, deadlineNanos, 0);
    }

    /** Issue 17: a request refused for its OAuth token, sent once more with the renewed one (unless its call ended). */
    void resend(UpstreamAuth.Resend r) {
        if (closed || (r.requestId() != null && !live(r.requestId()))) {
            return;
        }
        try {
            send(r.message(), r.requestId(), r.headers(), r.deadlineNanos(), r.attempt() + 1);
        } catch (IOException e) {
            failed(r.requestId(), e.getMessage());
        }
    }

    private void send(ObjectNode message, Long requestId, Map<String, String> headers, long deadlineNanos, int attempt) throws IOException {
        if (closed) {
            throw new IOException("connection closed");
        }
        Request r = request(HttpMethod.POST)
                .headers(f -> {
                    f.put(HttpHeader.ACCEPT, "application/json, text/event-stream");
                    headers.forEach(f::put);
                })
                .body(new BytesRequestContent("application/json", Json.bytes(message)));
        if (deadlineNanos != Long.MAX_VALUE) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new Released("the call's deadline passed before it was sent");
            }
            r.timeout(TimeUnit.NANOSECONDS.toMillis(left) + DEADLINE_GRACE_MS, TimeUnit.MILLISECONDS);
            r.onRequestBegin(req -> {
                if (System.nanoTime() - deadlineNanos >= 0) {
                    req.abort(new Released("the call's deadline passed while it waited to be sent"));
                }
            });
        }
        if (requestId != null) {
            // "begin" comes when the request leaves the queue for a connection, right before it is written
            r.onRequestBegin(req -> {
                if (req.getAbortCause() == null) {
                    sink.sent(requestId);
                }
            });
        }
        if (auth != null) {
            r.attribute(UpstreamAuth.RESEND, new UpstreamAuth.Resend(message, requestId, headers, deadlineNanos, attempt));
        }
        r.onResponseContentSource((response, body) -> PostAnswer.arrived(this, r, response, body, requestId));
        if (requestId != null) {
            live.add(requestId);
            open.put(requestId, r);
        }
        r.send(result -> {
            if (requestId != null) {
                open.remove(requestId, r);
            }
            if (result.isFailed()) {
                Throwable f = result.getFailure();
                if (f instanceof Released) {
                    return; // we let it go: its call has ended already
                }
                // a transport's message can dump objects with internal addresses: the log has it, the client a reason
                String why = Reasons.of(f, config.shownUrl());
                LOG.warn("upstream {}: HTTP exchange failed: {} ({})", config.name(), why, config.scrub(String.valueOf(f)));
                failed(requestId, why);
            }
        });
    }

    void tooLarge(Long requestId) {
        LOG.warn("upstream {} sent an answer over {} bytes: cut off", config.name(), MAX_ANSWER_BYTES);
        if (requestId != null && !closed) {
            sink.tooLarge(requestId, MAX_ANSWER_BYTES);
        }
    }

    /** #21 item 2: the call ended; its exchange (an SSE answer still open, a request still queued) is aborted. */
    @Override
    public void release(long requestId) {
        live.remove(requestId);
        Request r = open.remove(requestId);
        if (r != null) {
            r.abort(new Released("the call ended"));
        }
    }

    @Override
    public void abort(long requestId) {
        Request r = open.remove(requestId);
        if (r != null) {
            r.abort(new IOException("cancelled"));
        }
    }

    /**
     * A non-2xx answer. A JSON-RPC error for our request is delivered as the answer. The TS SDK and
     * the SDK's example app answer 400 "No valid session ID" (not 404) for a session they no
     * longer know: that, like 404, means the session is gone and the upstream must be reconnected.
     */

    /** #16: the user of a per-user connection, or null for a shared one. */
    UserToken user() {
        return user;
    }

    /**
     * Issue 17 (task h8): why this per-user connection's user was refused (the upstream's 401/403 to their token,
     * or no token for them now), or null. Read by the supervisor when the connection fails to start: refused, it is
     * not started again with the same token, and the caller is told the refusal at once ({@link UserSessions#route}).
     */
    String refusal() {
        return refusal;
    }

    void refuse(String why) {
        String w = why == null ? "refused" : why;
        refusal = w.startsWith("credentials:") ? w : "credentials: " + w;
    }

    void failed(Long requestId, String why) {
        if (requestId != null && !closed) {
            // End the waiting call now, not at its timeout.
            sink.requestFailed(requestId, "upstream HTTP request failed: " + why);
        }
    }

    void deliver(JsonNode msg, Long requestId) {
        if (msg instanceof ObjectNode o) {
            sink.receive(o, requestId);
        } else if (msg != null && msg.isArray()) {
            msg.forEach(m -> deliver(m, requestId));
        } else {
            LOG.warn("upstream {} answered JSON that is not a message; ignored", config.name());
        }
    }


    @Override
    public void close() {
        closed = true;
        live.clear();
        open.values().forEach(r -> r.abort(new IOException("connection closed")));
        open.clear();
        GetStream g = getStream;
        if (g != null) {
            g.close();
        }
        if (sessionId != null) {
            try {
                request(HttpMethod.DELETE).send(result -> { });
            } catch (IOException | RuntimeException ignored) {
                // best effort: the upstream's session expires on its own
            }
        }
    }

    URI url() {
        return config.url();
    }
}