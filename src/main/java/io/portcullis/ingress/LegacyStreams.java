package io.portcullis.ingress;

import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * The GET side of legacy Streamable HTTP: the session's stream of server-initiated messages, and
 * resumption of any of the session's streams with {@code Last-Event-ID}.
 */
final class LegacyStreams {
    private static final long KEEPALIVE_MS = 15_000;
    private static final Set<String> OPEN = ConcurrentHashMap.newKeySet();

    private LegacyStreams() {}

    static void get(McpEndpoint endpoint, String env, Principal caller, Request req, Response res) throws IOException {
        String accept = req.getHeaders().get(HttpHeader.ACCEPT);
        if (accept == null || !(accept.contains("text/event-stream") || accept.contains("*/*"))) {
            McpEndpoint.error(res, 406, null, -32000, "Not Acceptable: Client must accept text/event-stream", null);
            return;
        }
        ClientSession s = endpoint.session(env, caller, req, res);
        if (s == null) {
            return;
        }
        String stream = "get";
        long after = 0;
        String last = req.getHeaders().get("Last-Event-ID");
        if (last != null) {
            int dot = last.lastIndexOf('.');
            try {
                stream = last.substring(0, dot);
                after = Long.parseLong(last.substring(dot + 1));
            } catch (RuntimeException e) {
                McpEndpoint.error(res, 400, null, -32000, "Invalid event ID format", null);
                return;
            }
        }
        boolean live = stream.equals("get");
        if (live && !OPEN.add(s.id())) {
            McpEndpoint.error(res, 409, null, -32000, "Conflict: Only one SSE stream is allowed per session", null);
            return;
        }
        try {
            res.setStatus(200);
            res.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
            res.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache, no-transform");
            res.getHeaders().put("Mcp-Session-Id", s.id());
            OutputStream out = Content.Sink.asOutputStream(res);
            out.write(": stream open\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (!live) {
                // Replay of a POST's stream: what was sent after the given event, then the stream ends.
                write(out, s.events.after(stream, after));
                out.close();
                return;
            }
            // Without Last-Event-ID, everything still queued for the GET stream is delivered: a
            // list change that happened before the client opened the stream is not lost.
            while (!s.closed()) {
                List<EventLog.Event> events = s.events.await("get", after, KEEPALIVE_MS);
                if (events.isEmpty()) {
                    out.write(": keepalive\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    continue;
                }
                write(out, events);
                after = events.getLast().seq();
            }
            out.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (live) {
                OPEN.remove(s.id());
            }
        }
    }

    private static void write(OutputStream out, List<EventLog.Event> events) throws IOException {
        for (EventLog.Event e : events) {
            String frame = "event: message\nid: " + e.id() + "\ndata: " + Json.write(e.message()) + "\n\n";
            out.write(frame.getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
    }
}
