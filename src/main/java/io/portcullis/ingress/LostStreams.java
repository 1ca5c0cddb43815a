package io.portcullis.ingress;

import io.portcullis.protocol.Json;
import io.portcullis.protocol.Message;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import tools.jackson.databind.JsonNode;

/**
 * #19 item 2: the answer of a call whose SSE stream another gateway node held (a node killed mid-call,
 * or this node before a restart). The stream's name carries the JSON-RPC id of the request it answers
 * ({@code post-<n>~<base64url of the id as JSON>}), so the node a client resumes on with
 * {@code Last-Event-ID} can end that request cleanly with a JSON-RPC error for its id, instead of a
 * 400 that leaves the client waiting for the answer until its own timeout. The answer is the
 * stream's last message as the era defines resumption: an SSE stream with that one event.
 */
final class LostStreams {
    static final String MESSAGE = "Gateway node lost: the gateway node that held this call's stream stopped (or the balancer sent the "
            + "resumption to another node) before its answer could be replayed here; the call may have run: check before sending it again";
    /** A request id longer than this (as JSON, encoded) is not carried: the stream then gets the plain 400. */
    private static final int MAX_ENCODED = 256;

    private LostStreams() {}

    /** The name of the POST stream number {@code n} answering the request {@code id} (a string or an integer). */
    static String postStream(long n, JsonNode id) {
        String name = "post-" + n;
        if (id == null || !(id.isString() || id.isIntegralNumber())) {
            return name;
        }
        String enc = Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(id).getBytes(StandardCharsets.UTF_8));
        return enc.length() <= MAX_ENCODED ? name + "~" + enc : name;
    }

    /** The request id a POST stream's name carries, or null (none, or anything that is not a string or integer id). */
    static JsonNode requestId(String stream) {
        int mark = stream.indexOf('~');
        if (!stream.startsWith("post-") || mark < 0 || stream.length() - mark - 1 > MAX_ENCODED) {
            return null;
        }
        try {
            JsonNode id = Json.parse(new String(Base64.getUrlDecoder().decode(stream.substring(mark + 1)), StandardCharsets.UTF_8));
            return id != null && (id.isString() || id.isIntegralNumber()) ? id : null;
        } catch (RuntimeException e) {
            return null; // hostile or damaged: the caller answers the plain 400
        }
    }

    /**
     * Answers the resumption of a lost stream: 200, one SSE event holding the JSON-RPC error for
     * {@code id} (no event id: a client that reconnects after it opens a fresh GET stream, not this one).
     */
    static void answer(Response res, String sessionId, JsonNode id) throws IOException {
        res.setStatus(200);
        res.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
        res.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache, no-transform");
        res.getHeaders().put("Mcp-Session-Id", sessionId);
        String data = Json.write(Message.error(id, -32603, MESSAGE,
                Json.object().put("control", "cluster").put("retryable", false)));
        try (OutputStream out = Content.Sink.asOutputStream(res)) {
            out.write(("event: message\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        }
    }
}
