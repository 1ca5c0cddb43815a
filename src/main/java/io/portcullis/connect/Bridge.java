package io.portcullis.connect;

import io.portcullis.protocol.ErrorCodes;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.JsonLines;
import io.portcullis.protocol.SseReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code portcullis connect}: a stdio MCP server for desktop clients that only speak stdio, which
 * forwards every message, unchanged, to a remote Portcullis over Streamable HTTP (C1.4). It keeps
 * the session id and protocol version, adds the headers the 2026-07-28 era wants, opens the GET
 * stream for server-initiated messages, and authenticates every request (bearer token and/or the
 * TLS client certificate of its {@link HttpClient}). Nothing but MCP messages goes to stdout.
 * A message from the client is read within {@link JsonLines#DEFAULT_MAX_LINE_BYTES}: a longer line
 * is cut there unread and answered with an error, and the next one is read as usual.
 */
public final class Bridge {
    /** Where bearer tokens come from; null for mutual TLS alone. */
    public interface Bearer {
        /** A token to send, or null to send none until the server asks for one. */
        String token() throws IOException;

        /**
         * The server answered 401, or 403 {@code insufficient_scope}, to {@code token} with this
         * {@code WWW-Authenticate} header (null if none): a renewed token (refresh, sign-in, step-up),
         * or an exception saying why there is none.
         */
        String rejected(String token, String wwwAuthenticate) throws IOException;
    }

    /** Re-authorizations of one request (401, then step-ups on 403 insufficient_scope) before its answer is relayed as is. */
    static final int MAX_AUTHORIZATIONS = 3;

    /** Resumptions of one answer stream (SEP-1699); the gateway's own timeout ends a call well before. */
    private static final int MAX_RESUMPTIONS = 1_000;

    private final URI gateway;
    private final HttpClient http;
    private final Bearer bearer;
    private final InputStream in;
    private final JsonLines.Writer out;
    private final PrintStream log;
    private volatile String session;
    private volatile String protocol;
    private volatile String lastToken;
    private final AtomicBoolean streamStarted = new AtomicBoolean();
    /** Issue 17 item 5: what the client sends after notifications/initialized waits for the GET stream ({@link StreamGate}). */
    private final StreamGate gate = new StreamGate();
    private volatile boolean closed;

    public Bridge(URI gateway, HttpClient http, Bearer bearer, InputStream in, OutputStream out, PrintStream log) {
        this.gateway = gateway;
        this.http = http;
        this.bearer = bearer;
        this.in = in;
        this.out = new JsonLines.Writer(out);
        this.log = log;
    }

    /** Forwards until stdin closes, then ends the remote session. */
    public void run() throws IOException {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
             InputStream input = in) {
            JsonLines.Reader reader = new JsonLines.Reader(input, JsonLines.DEFAULT_MAX_LINE_BYTES, true);
            String line;
            while ((line = reader.nextMessage()) != null) {
                if (reader.wasCut()) {
                    write(Json.object().put("jsonrpc", "2.0").putNull("id").set("error", Json.object()
                            .put("code", ErrorCodes.TRANSPORT_ERROR).put("message", "portcullis connect: a message over "
                                    + JsonLines.DEFAULT_MAX_LINE_BYTES + " bytes was not sent")));
                    continue;
                }
                JsonNode msg;
                try {
                    msg = Json.parse(line);
                } catch (JacksonException e) {
                    write(Json.object().put("jsonrpc", "2.0").putNull("id").set("error",
                            Json.object().put("code", ErrorCodes.PARSE_ERROR).put("message", "Parse error: not valid JSON")));
                    continue;
                }
                boolean gated = gate.gated(msg); // decided in the order the client wrote
                threads.execute(() -> {
                    if (gated) {
                        gate.await(log);
                    }
                    forward(msg);
                    if (StreamGate.initialized(msg) && !streamStarted.get()) {
                        gate.open(); // no GET stream will be opened: nothing to wait for
                    }
                });
            }
            closed = true;
        }
        String s = session;
        if (s != null) {
            try {
                http.send(request(lastToken).header("Mcp-Session-Id", s).DELETE().build(), HttpResponse.BodyHandlers.discarding());
            } catch (IOException | InterruptedException e) {
                // the gateway expires idle sessions anyway
            }
        }
    }

    private void forward(JsonNode msg) {
        try {
            String token = bearer == null ? null : authorized(() -> bearer.token());
            HttpResponse<InputStream> r = http.send(post(msg, token), HttpResponse.BodyHandlers.ofInputStream());
            for (int attempt = 0; bearer != null && attempt < MAX_AUTHORIZATIONS && challenged(r); attempt++) {
                r.body().close();
                String sent = token;
                String challenge = r.headers().firstValue("WWW-Authenticate").orElse(null);
                token = authorized(() -> bearer.rejected(sent, challenge));
                r = http.send(post(msg, token), HttpResponse.BodyHandlers.ofInputStream());
            }
            answer(msg, r);
        } catch (NotAuthorized e) {
            fail(msg, -32001, "portcullis connect: no token for " + gateway + ": " + e.getMessage());
        } catch (IOException e) {
            fail(msg, -32000, "portcullis connect: the gateway cannot be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** 401, or 403 naming insufficient_scope (RFC 6750 section 3.1): a new token may help. */
    private static boolean challenged(HttpResponse<?> r) {
        return r.statusCode() == 401 || r.statusCode() == 403
                && r.headers().allValues("WWW-Authenticate").stream().anyMatch(h -> h.contains("insufficient_scope"));
    }

    private interface TokenSource {
        String get() throws IOException;
    }

    /** Signing in failed: the request is answered with why, not with "cannot be reached". */
    private static final class NotAuthorized extends IOException {
        NotAuthorized(String message) {
            super(message);
        }
    }

    private static String authorized(TokenSource s) throws NotAuthorized {
        try {
            return s.get();
        } catch (IOException | RuntimeException e) {
            throw new NotAuthorized(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private void answer(JsonNode msg, HttpResponse<InputStream> r) throws IOException {
        r.headers().firstValue("Mcp-Session-Id").ifPresent(id -> session = id);
        int status = r.statusCode();
        String type = r.headers().firstValue("Content-Type").orElse("");
        try (InputStream body = r.body()) {
            if (status == 202) {
                if ("notifications/initialized".equals(msg.path("method").asString(null)) && streamStarted.compareAndSet(false, true)) {
                    Thread.ofVirtual().name("connect-get-stream").start(this::stream);
                }
                return;
            }
            if (status == 200 && type.startsWith("text/event-stream")) {
                events(msg, body);
                return;
            }
            byte[] bytes = body.readAllBytes();
            if (status == 200) {
                relay(Json.parse(bytes));
                return;
            }
            if (status == 404 && session != null) {
                session = null; // the gateway forgot the session: the client must initialize again
            }
            JsonNode err = null;
            try {
                err = Json.parse(bytes).get("error");
            } catch (RuntimeException e) {
                // not JSON: described below
            }
            String text = err != null ? err.path("message").asString("") : new String(bytes, StandardCharsets.UTF_8);
            fail(msg, err != null ? err.path("code").asInt(-32000) : -32000, "gateway answered HTTP " + status + ": " + text);
        }
    }

    /**
     * An SSE answer to {@code msg}, resumed when it ends before the response (#11 item 21,
     * SEP-1699 polling): after the last event id, with a GET carrying {@code Last-Event-ID}, once
     * the {@code retry} delay the gateway asked for has passed. A stream that ends without the
     * response and without an event id cannot be resumed: the request is answered with an error.
     */
    private void events(JsonNode msg, InputStream body) throws IOException {
        JsonNode id = msg.get("id");
        boolean request = msg.isObject() && id != null && msg.has("method");
        String lastId = null;
        long retry = -1;
        InputStream stream = body;
        for (int resumptions = 0; ; resumptions++) {
            boolean answered = false;
            try (SseReader sse = new SseReader(stream)) {
                SseReader.Event ev;
                while ((ev = sse.next()) != null) {
                    if (!ev.data().isBlank()) {
                        JsonNode m = Json.parse(ev.data());
                        answered |= request && id.equals(m.get("id")) && (m.has("result") || m.has("error"));
                        relay(m);
                    }
                }
                lastId = sse.lastEventId() != null ? sse.lastEventId() : lastId;
                retry = sse.retryMs() >= 0 ? sse.retryMs() : retry;
            }
            if (answered || !request || closed) {
                return;
            }
            if (lastId == null || resumptions >= MAX_RESUMPTIONS) {
                fail(msg, -32000, "portcullis connect: the gateway's answer stream ended without an answer");
                return;
            }
            stream = resume(msg, lastId, retry);
            if (stream == null) {
                return;
            }
        }
    }

    /** The stream from {@code lastId} on, after the retry delay; null (the request answered with an error) when refused. */
    private InputStream resume(JsonNode msg, String lastId, long retryMs) throws IOException {
        try {
            Thread.sleep(Math.min(retryMs < 0 ? 1_000 : retryMs, 30_000)); // the delay SEP-1699 asks for
            HttpRequest.Builder b = request(bearer == null ? null : bearer.token()).header("Accept", "text/event-stream")
                    .header("Last-Event-ID", lastId).GET();
            if (session != null) {
                b.header("Mcp-Session-Id", session);
            }
            if (protocol != null) {
                b.header("MCP-Protocol-Version", protocol);
            }
            HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200 || !r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
                r.body().close();
                fail(msg, -32000, "portcullis connect: the gateway refused to resume the answer stream (HTTP " + r.statusCode() + ")");
                return null;
            }
            return r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Writes what the gateway sent, noting the negotiated version from an initialize result. */
    private void relay(JsonNode message) {
        if (message.path("result").path("protocolVersion").isString() && message.path("result").has("serverInfo")) {
            protocol = message.path("result").path("protocolVersion").asString();
        }
        write(message);
    }

    /** The GET stream of a legacy session: server-initiated messages, resumed with Last-Event-ID when it drops. */
    private void stream() {
        try {
            streamLoop();
        } finally {
            gate.open();
        }
    }

    private void streamLoop() {
        String last = null;
        int failures = 0;
        while (!closed && session != null && failures < 5) {
            try {
                HttpRequest.Builder b = request(bearer == null ? null : bearer.token()).header("Accept", "text/event-stream")
                        .header("Mcp-Session-Id", session).timeout(Duration.ofDays(1)).GET();
                if (last != null) {
                    b.header("Last-Event-ID", last);
                }
                HttpResponse<InputStream> r;
                try {
                    r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
                } finally {
                    gate.open(); // its first answer (or failure) is in: the client's next messages may go
                }
                if (r.statusCode() != 200) {
                    r.body().close();
                    if (r.statusCode() == 405 || r.statusCode() == 404) {
                        return; // no stream offered, or the session ended
                    }
                    failures++;
                } else {
                    failures = 0;
                    try (SseReader sse = new SseReader(r.body())) {
                        SseReader.Event ev;
                        while ((ev = sse.next()) != null) {
                            if (ev.id() != null) {
                                last = ev.id();
                            }
                            if (!ev.data().isBlank()) {
                                write(Json.parse(ev.data()));
                            }
                        }
                    }
                }
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                failures++;
                log.println("portcullis connect: the server stream dropped: " + e.getMessage());
            }
        }
    }

    private HttpRequest post(JsonNode msg, String token) {
        HttpRequest.Builder b = request(token).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(msg)));
        JsonNode meta = msg.path("params").path("_meta");
        String method = msg.path("method").asString(null);
        String modern = meta.path("io.modelcontextprotocol/protocolVersion").asString(null);
        if (modern != null) {
            // 2026-07-28: every request stands alone and repeats its version, method and name in headers.
            b.header("MCP-Protocol-Version", modern);
            if (method != null) {
                b.header("Mcp-Method", method);
                JsonNode name = "resources/read".equals(method) ? msg.path("params").path("uri") : msg.path("params").path("name");
                if (("tools/call".equals(method) || "prompts/get".equals(method) || "resources/read".equals(method)) && name.isString()) {
                    b.header("Mcp-Name", headerValue(name.asString()));
                }
            }
            return b.build();
        }
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        if (protocol != null) {
            b.header("MCP-Protocol-Version", protocol);
        }
        return b.build();
    }

    private HttpRequest.Builder request(String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(gateway).timeout(Duration.ofMinutes(30));
        if (token != null) {
            lastToken = token;
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    /** Header-safe form of a name: as is when plain ASCII, else the {@code =?base64?...?=} sentinel. */
    static String headerValue(String s) {
        boolean plain = !s.isEmpty() && s.equals(s.strip()) && !s.startsWith("=?base64?")
                && s.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c <= 0x7e));
        return plain ? s : "=?base64?" + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)) + "?=";
    }

    /** Answers a request the gateway did not answer with a JSON-RPC error carrying its id; notifications are only logged. */
    private void fail(JsonNode msg, int code, String message) {
        // one prefix: most callers' messages carry it already (ConnectDcrIT saw "portcullis connect: portcullis connect: ...")
        log.println(message.startsWith("portcullis connect: ") ? message : "portcullis connect: " + message);
        if (msg.isObject() && msg.has("id") && msg.has("method")) {
            ObjectNode e = Json.object().put("jsonrpc", "2.0");
            e.set("id", msg.get("id"));
            e.set("error", Json.object().put("code", code).put("message", message));
            write(e);
        }
    }

    private void write(JsonNode message) {
        try {
            out.write(message);
        } catch (IOException e) {
            log.println("portcullis connect: stdout closed: " + e.getMessage());
        }
    }
}
