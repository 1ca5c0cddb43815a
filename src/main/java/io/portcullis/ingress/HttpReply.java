package io.portcullis.ingress;

import io.portcullis.http.Replies;
import io.portcullis.protocol.Json;
import io.portcullis.protocol.ProtocolVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The answer to one HTTP request. It starts as a plain JSON answer and turns into an SSE stream
 * the moment anything must reach the client before the final response (progress, logging, a
 * relayed request). In a legacy session every SSE event gets an id and is kept for resumption.
 */
public final class HttpReply implements Outbound {
    private final Response response;
    private final ClientSession session;
    private final String stream;
    private OutputStream out;
    private boolean sse;
    private boolean gone;

    HttpReply(Response response, ClientSession session, String stream) {
        this.response = response;
        this.session = session;
        this.stream = stream;
    }

    @Override
    public synchronized void send(ObjectNode message) {
        try {
            startSse();
            event(message);
        } catch (IOException e) {
            gone = true; // the client went away; it may resume with Last-Event-ID, the events are kept
        }
    }

    /**
     * Writes the final response: the last SSE event when streaming (and marks the stream ended
     * for resumption), else a JSON body with {@code status}.
     */
    synchronized void finish(int status, JsonNode body) throws IOException {
        if (!sse) {
            Replies.json(response, status, body);
            return;
        }
        try {
            event((ObjectNode) body);
            if (!gone) {
                out.close();
            }
        } catch (IOException e) {
            gone = true;
        } finally {
            if (resumable()) {
                session.events.end(stream);
            }
        }
    }

    private boolean resumable() {
        return session != null && session.id() != null && stream != null;
    }

    private void startSse() throws IOException {
        if (sse) {
            return;
        }
        sse = true;
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache, no-transform");
        response.getHeaders().put("X-Accel-Buffering", "no");
        out = Content.Sink.asOutputStream(response);
        if (resumable() && primes(session)) {
            // 2025-11-25: an event id with empty data first, so that a client that loses the
            // stream before the first message can still resume it with Last-Event-ID
            String id = EventLog.id(stream, session.events.lastSeq());
            out.write(("id: " + id + "\ndata: \n\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Whether the session's era sends SSE priming events (2025-11-25 on; the stateless era has no resumption). */
    static boolean primes(ClientSession session) {
        return session.version().compareTo(ProtocolVersion.V2025_11_25) >= 0 && !session.version().isModern();
    }

    private void event(ObjectNode message) throws IOException {
        StringBuilder b = new StringBuilder("event: message\n");
        if (resumable()) {
            // logged even when the client is gone: it can come back for it with Last-Event-ID
            b.append("id: ").append(session.events.append(stream, message).id()).append('\n');
        }
        if (gone) {
            return;
        }
        b.append("data: ").append(Json.write(message)).append("\n\n");
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
