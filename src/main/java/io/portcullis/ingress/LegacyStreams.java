package io.portcullis.ingress;

import io.portcullis.identity.Principal;
import io.portcullis.protocol.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import tools.jackson.databind.JsonNode;

/**
 * The GET side of legacy Streamable HTTP: the session's stream of server-initiated messages, and
 * resumption of any of the session's streams with {@code Last-Event-ID}.
 */
final class LegacyStreams {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LegacyStreams.class);
    private static final long KEEPALIVE_MS = 15_000;
    static final String GET = "get";

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
        String stream = GET;
        long after = s.getStreamDelivered();
        String last = req.getHeaders().get("Last-Event-ID");
        if (last != null) {
            EventLog.Parsed id;
            try {
                id = EventLog.parse(last.trim());
            } catch (RuntimeException e) {
                McpEndpoint.error(res, 400, null, -32000, "Invalid event ID format", null);
                return;
            }
            stream = id.stream();
            if (!id.here()) {
                // #19 item 3: an id another node issued (or this node before a restart): its events are not here
                JsonNode lost = stream.equals(GET) ? null : LostStreams.requestId(stream);
                if (lost != null) {
                    // #19 item 2: the stream names its request: end that request cleanly (its node died or restarted)
                    LOG.info("session {}: Last-Event-ID {} of a POST stream another node held: its request ended with an error",
                            Sessions.shortId(s.id()), last);
                    LostStreams.answer(res, s.id(), lost);
                    return;
                }
                if (!stream.equals(GET)) {
                    LOG.info("session {}: Last-Event-ID {} of a POST stream another node held: refused", Sessions.shortId(s.id()), last);
                    McpEndpoint.error(res, 400, null, -32000, "Invalid event ID: that stream was held by another gateway node (or by "
                            + "this node before a restart); its messages cannot be replayed here: send the request again if it is safe to",
                            io.portcullis.protocol.Json.object().put("control", "cluster").put("replayable", false));
                    return;
                }
                LOG.info("session {}: GET stream resumed from another node's event {}: a new stream here (not replayed)",
                        Sessions.shortId(s.id()), last);
            } else {
                after = id.seq();
                if (!stream.equals(GET) && !s.events.knows(stream)) {
                    McpEndpoint.error(res, 400, null, -32000, "Invalid event ID: no such stream in this session (or it is too old)", null);
                    return;
                }
            }
        }
        boolean live = stream.equals(GET);
        // One live GET stream per session, and the newest one wins: the server cannot see that a
        // client's old stream died until it next writes to it (up to a keepalive later), so
        // refusing the new one (409, as the SDK does) would lock out a client that reconnects.
        long generation = live ? s.getStreamGeneration.incrementAndGet() : 0;
        if (live) {
            s.events.wake();
        }
        // keepalives also keep the session from expiring: at least two per idle timeout
        long keepalive = Math.clamp(endpoint.sessions().idleTimeout().toMillis() / 2, 100, KEEPALIVE_MS);
        try {
            res.setStatus(200);
            res.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
            res.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache, no-transform");
            res.getHeaders().put("Mcp-Session-Id", s.id());
            OutputStream out = Content.Sink.asOutputStream(res);
            out.write(": stream open\n\n".getBytes(StandardCharsets.UTF_8));
            if (HttpReply.primes(s)) {
                // 2025-11-25 priming event: resuming with this id delivers everything after what this stream starts from
                out.write(("id: " + EventLog.id(stream, after) + "\ndata: \n\n").getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            // Without Last-Event-ID the GET stream starts after what earlier GET streams delivered:
            // a list change queued before the client opened its first stream is not lost. A
            // resumed POST stream replays what the client missed and goes on until the POST's
            // response, then ends as the original would have.
            while (!s.closed() && (!live || s.getStreamGeneration.get() == generation)) {
                s.touch(); // a client listening on its stream is not idle, even if it sends nothing
                List<EventLog.Event> events = s.events.await(stream, after, keepalive);
                if (live && s.getStreamGeneration.get() != generation) {
                    break; // replaced: what came in is the newer stream's to deliver
                }
                if (events.isEmpty()) {
                    if (!live && s.events.ended(stream)) {
                        break;
                    }
                    out.write(": keepalive\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    continue;
                }
                write(out, events);
                after = events.getLast().seq();
                if (live) {
                    s.getStreamDelivered(after);
                }
            }
            out.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
