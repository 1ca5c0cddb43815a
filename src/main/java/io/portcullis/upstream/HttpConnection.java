package io.portcullis.upstream;

import io.portcullis.config.UpstreamConfig;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.SseReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An upstream over Streamable HTTP: one POST per message, answered by JSON or by an SSE stream
 * scoped to that request, plus the optional GET stream for server-initiated messages. Static
 * headers come from the config (environment variables or files), never from the client.
 */
final class HttpConnection implements Connection {
    private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);

    private final UpstreamConfig config;
    private final HttpClient http;
    private volatile Sink sink;
    private volatile String sessionId;
    private volatile String protocolVersion;
    private volatile boolean closed;
    private volatile Thread getStream;

    HttpConnection(UpstreamConfig config, HttpClient http) {
        this.config = config;
        this.http = http;
    }

    @Override
    public void open(Sink s) {
        this.sink = s;
    }

    @Override
    public void negotiated(String version) {
        this.protocolVersion = version;
        if (getStream == null && !closed) {
            getStream = Thread.ofVirtual().name("get-" + config.name()).start(this::listen);
        }
    }

    private HttpRequest.Builder base() {
        HttpRequest.Builder b = HttpRequest.newBuilder(config.url()).timeout(Duration.ofDays(1));
        for (Map.Entry<String, UpstreamConfig.HeaderSource> h : config.headers().entrySet()) {
            b.header(h.getKey(), h.getValue().resolve());
        }
        if (sessionId != null) {
            b.header("Mcp-Session-Id", sessionId);
        }
        if (protocolVersion != null) {
            b.header("MCP-Protocol-Version", protocolVersion);
        }
        return b;
    }

    @Override
    public void send(ObjectNode message, Long requestId) throws IOException {
        if (closed) {
            throw new IOException("connection closed");
        }
        HttpRequest request;
        try {
            request = base()
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(message)))
                    .build();
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage());
        }
        Thread.ofVirtual().name("post-" + config.name()).start(() -> post(request, requestId));
    }

    private void post(HttpRequest request, Long requestId) {
        try {
            HttpResponse<InputStream> resp = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            resp.headers().firstValue("Mcp-Session-Id").ifPresent(id -> sessionId = id);
            int status = resp.statusCode();
            try (InputStream body = resp.body()) {
                if (status == 202 || status == 204) {
                    return;
                }
                String type = resp.headers().firstValue("Content-Type").orElse("");
                if (status / 100 != 2) {
                    refused(status, type.startsWith("application/json") ? body.readAllBytes() : null, requestId);
                    return;
                }
                if (type.startsWith("text/event-stream")) {
                    readEvents(body, requestId);
                } else {
                    deliver(Json.MAPPER.readTree(body), requestId);
                }
            }
        } catch (java.net.ConnectException e) {
            failed(requestId, "cannot connect to " + config.url());
        } catch (IOException | JacksonException e) {
            // some exceptions carry no message (java.net.http's); never show the client a "null"
            failed(requestId, e.getMessage() == null ? "the connection failed" : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed(requestId, "interrupted");
        }
    }

    /**
     * A non-2xx answer. An error naming our request is delivered as the upstream's answer; any
     * other ends the request now with the status and the upstream's message. Servers built on
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
        failed(requestId, "HTTP " + status + (message.isEmpty() ? "" : ": " + message));
    }

    private void failed(Long requestId, String why) {
        if (requestId != null && !closed) {
            // End the waiting call now, not at its timeout.
            sink.requestFailed(requestId, "HTTP request failed: " + why);
        }
    }

    private void readEvents(InputStream body, Long requestId) throws IOException {
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
                HttpRequest.Builder b = base().header("Accept", "text/event-stream").GET();
                if (lastEventId != null) {
                    b.header("Last-Event-ID", lastEventId);
                }
                HttpResponse<InputStream> resp = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
                if (resp.statusCode() != 200) {
                    resp.body().close();
                    return; // 405: the server offers no GET stream
                }
                failures = 0;
                try (SseReader sse = new SseReader(resp.body())) {
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
            } catch (IOException e) {
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
        Thread t = getStream;
        if (t != null) {
            t.interrupt();
        }
        String sid = sessionId;
        if (sid != null) {
            try {
                http.sendAsync(base().DELETE().build(), HttpResponse.BodyHandlers.discarding());
            } catch (RuntimeException ignored) {
                // best effort: the upstream's session expires on its own
            }
        }
    }

    static HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    URI url() {
        return config.url();
    }
}
