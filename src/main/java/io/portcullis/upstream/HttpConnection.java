package io.portcullis.upstream;

import io.portcullis.config.UpstreamConfig;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.SseReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An upstream over Streamable HTTP: one POST per message, answered by JSON or by an SSE stream
 * scoped to that request, plus the optional GET stream for server-initiated messages. Static
 * headers come from the config (environment variables or files), never from the client.
 *
 * <p>A JSON answer is read and handed on by the HTTP client's own callback, without a thread of
 * its own; only an SSE answer, which may go on for as long as the call runs, gets a virtual
 * thread that reads it in straight-line code.
 *
 * <p>With a 2026-07-28 upstream there is no session and no GET stream: each request carries its
 * own headers (given by {@link Upstream}), a call is cancelled by aborting its POST, and an SSE
 * answer that ends without the response fails the call at once (nothing can resume it).
 */
final class HttpConnection implements Connection {
    private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);
    /** The largest JSON answer accepted from an upstream. */
    private static final int MAX_JSON_BYTES = 64 << 20;
    /** Upstream timeouts are enforced per call by {@link Upstream}; the HTTP exchange itself waits. */
    private static final long EXCHANGE_IDLE_DAYS = 1;

    private final UpstreamConfig config;
    private final HttpClient http;
    private volatile Sink sink;
    private volatile String sessionId;
    private volatile String protocolVersion;
    private volatile boolean closed;
    private volatile Thread getStream;
    private volatile Request getRequest;
    private volatile boolean modern;
    /** Our requests whose exchange is still open, so that they can be aborted. */
    private final java.util.concurrent.ConcurrentHashMap<Long, Request> open = new java.util.concurrent.ConcurrentHashMap<>();

    HttpConnection(UpstreamConfig config, HttpClient http) {
        this.config = config;
        this.http = http;
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
            getStream = Thread.ofVirtual().name("get-" + config.name()).start(this::listen);
        }
    }

    /** A request with the configured static headers and the session's headers. */
    private Request request(HttpMethod method) throws IOException {
        Request r = http.newRequest(config.url()).method(method).idleTimeout(EXCHANGE_IDLE_DAYS, TimeUnit.DAYS);
        try {
            for (Map.Entry<String, UpstreamConfig.HeaderSource> h : config.headers().entrySet()) {
                String value = h.getValue().resolve();
                r.headers(f -> f.put(h.getKey(), value));
            }
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage());
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
        if (closed) {
            throw new IOException("connection closed");
        }
        Request r = request(HttpMethod.POST)
                .headers(f -> {
                    f.put(HttpHeader.ACCEPT, "application/json, text/event-stream");
                    headers.forEach(f::put);
                })
                .body(new BytesRequestContent("application/json", Json.bytes(message)));
        r.onResponseContentSource((response, body) -> answer(response, body, requestId));
        if (requestId != null) {
            open.put(requestId, r);
        }
        r.send(result -> {
            if (requestId != null) {
                open.remove(requestId, r);
            }
            if (result.isFailed()) {
                Throwable f = result.getFailure();
                // some failures carry no message; never show the client a "null"
                failed(requestId, f instanceof java.net.ConnectException ? "cannot connect to " + config.shownUrl()
                        : f.getMessage() == null ? "the connection failed" : f.getMessage());
            }
        });
    }

    /** Runs on an HTTP client thread once the answer's headers are in: must not block. */
    private void answer(Response response, Content.Source body, Long requestId) {
        String sid = response.getHeaders().get("Mcp-Session-Id");
        if (sid != null) {
            sessionId = sid;
        }
        int status = response.getStatus();
        String type = response.getHeaders().get(HttpHeader.CONTENT_TYPE);
        type = type == null ? "" : type;
        if (status == 202 || status == 204) {
            Content.Source.consumeAll(body, Callback.NOOP);
        } else if (status / 100 != 2 && type.startsWith("application/json")) {
            Content.Source.asByteArrayAsync(body, MAX_JSON_BYTES)
                    .whenComplete((bytes, failure) -> refused(status, failure == null ? bytes : null, requestId));
        } else if (status / 100 != 2) {
            Content.Source.consumeAll(body, Callback.NOOP);
            refused(status, null, requestId);
        } else if (type.startsWith("text/event-stream")) {
            Thread.ofVirtual().name("sse-" + config.name()).start(() -> readEvents(Content.Source.asInputStream(body), requestId));
        } else {
            Content.Source.asByteArrayAsync(body, MAX_JSON_BYTES).whenComplete((bytes, failure) -> {
                if (failure != null) {
                    failed(requestId, String.valueOf(failure.getMessage()));
                    return;
                }
                JsonNode msg;
                try {
                    msg = Json.parse(bytes);
                } catch (JacksonException e) {
                    failed(requestId, "the answer is not JSON: " + e.getOriginalMessage());
                    return;
                }
                if (msg instanceof ObjectNode o && o.has("id") && (o.has("result") || o.has("error"))) {
                    deliver(o, requestId); // a response only completes the waiting call: safe on this thread
                } else {
                    Thread.ofVirtual().name("post-" + config.name()).start(() -> deliver(msg, requestId));
                }
            });
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
    private void refused(int status, byte[] json, Long requestId) {
        JsonNode error = null;
        if (json != null) {
            try {
                error = Json.parse(json);
            } catch (JacksonException e) {
                // not JSON after all: only the status is known
            }
        }
        String message = error == null ? "" : error.path("error").path("message").asString("");
        if (sessionId != null && (status == 404 || (status == 400 && message.toLowerCase(java.util.Locale.ROOT).contains("session")))) {
            sink.closed("upstream session expired (HTTP " + status + (message.isEmpty() ? "" : ": " + message) + ")");
            return;
        }
        JsonNode id = error == null ? null : error.get("id");
        if (error instanceof ObjectNode o && o.has("error") && requestId != null && id != null && id.canConvertToLong()
                && id.asLong() == requestId) {
            sink.receive(o, requestId);
            return;
        }
        if (requestId != null && !closed) {
            sink.requestRefused(requestId, status, error == null ? null : Json.write(error),
                    "upstream HTTP request failed: HTTP " + status + (message.isEmpty() ? "" : ": " + message));
        }
    }

    private void failed(Long requestId, String why) {
        if (requestId != null && !closed) {
            // End the waiting call now, not at its timeout.
            sink.requestFailed(requestId, "upstream HTTP request failed: " + why);
        }
    }

    private void readEvents(InputStream body, Long requestId) {
        try (SseReader sse = new SseReader(body)) {
            SseReader.Event ev;
            while ((ev = sse.next()) != null) {
                if (ev.data().isBlank()) {
                    continue;
                }
                try {
                    deliver(Json.parse(ev.data()), requestId);
                } catch (JacksonException e) {
                    LOG.warn("upstream {} sent an SSE event that is not JSON; ignored", config.name());
                }
            }
            if (modern) {
                // a call already answered is not affected; one still waiting will get no answer now
                failed(requestId, "the response stream ended without an answer");
            }
        } catch (IOException e) {
            failed(requestId, e.getMessage());
        }
    }

    private void deliver(JsonNode msg, Long requestId) {
        if (msg instanceof ObjectNode o) {
            sink.receive(o, requestId);
        } else if (msg != null && msg.isArray()) {
            msg.forEach(m -> deliver(m, requestId));
        } else {
            LOG.warn("upstream {} answered JSON that is not a message; ignored", config.name());
        }
    }

    /** The GET stream: server-initiated notifications (list changes). Reconnects until closed. */
    private void listen() {
        String lastEventId = null;
        int failures = 0;
        while (!closed && failures < 5) {
            try {
                String resumeFrom = lastEventId;
                Request r = request(HttpMethod.GET).headers(f -> {
                    f.put(HttpHeader.ACCEPT, "text/event-stream");
                    if (resumeFrom != null) {
                        f.put("Last-Event-ID", resumeFrom);
                    }
                });
                InputStreamResponseListener listener = new InputStreamResponseListener();
                getRequest = r;
                r.send(listener);
                Response resp = listener.get(30, TimeUnit.SECONDS);
                if (resp.getStatus() != 200) {
                    listener.getInputStream().close();
                    return; // 405: the server offers no GET stream
                }
                failures = 0;
                try (SseReader sse = new SseReader(listener.getInputStream())) {
                    SseReader.Event ev;
                    while (!closed && (ev = sse.next()) != null) {
                        if (ev.id() != null) {
                            lastEventId = ev.id();
                        }
                        try {
                            deliver(Json.parse(ev.data()), null);
                        } catch (JacksonException e) {
                            LOG.warn("upstream {} sent a GET-stream event that is not JSON; ignored", config.name());
                        }
                    }
                }
            } catch (IOException | ExecutionException | TimeoutException e) {
                failures++;
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(500L * failures);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        open.values().forEach(r -> r.abort(new IOException("connection closed")));
        open.clear();
        Request get = getRequest;
        if (get != null) {
            get.abort(new IOException("connection closed"));
        }
        Thread t = getStream;
        if (t != null) {
            t.interrupt();
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
