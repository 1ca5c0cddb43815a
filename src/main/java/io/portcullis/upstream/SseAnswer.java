package io.portcullis.upstream;

import io.portcullis.protocol.Json;
import io.portcullis.protocol.SseReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The SSE answer to one of our POSTs, read on its own virtual thread: every event is delivered
 * with the request's id, no event beyond {@link HttpConnection#MAX_ANSWER_BYTES} is read (#21
 * item 7), and a stream that ends before the response is resumed when it can be.
 *
 * <p>#11 item 21, SEP-1699 (2025-11-25): a server may end the POST stream early after an event
 * with an id and a {@code retry} delay (polling); the client then resumes with a GET carrying
 * {@code Last-Event-ID} after that delay, and the server replays the rest, the response among it.
 * A stream that ends without an id cannot be resumed and fails its call at once; so does one of
 * a 2026-07-28 upstream, which has no resumption. The resumed GET is held in the connection's open
 * exchanges under the call's id, so that it too ends when the call does (#21 item 2).
 */
final class SseAnswer {
    private static final Logger LOG = LoggerFactory.getLogger(SseAnswer.class);
    /** The delay before a resumption when the server named none (the SSE standard leaves it to the client). */
    private static final long DEFAULT_RETRY_MS = 1_000;
    /** A server that asks for more than this is resumed after this long anyway. */
    private static final long MAX_RETRY_MS = 30_000;
    /** Resumptions of one answer; a server that polls for ever is still bounded by the call's timeout. */
    private static final int MAX_RESUMPTIONS = 1_000;

    private final HttpConnection conn;
    private final Long requestId;
    private volatile boolean answered;
    private String lastEventId;
    private long retryMs = -1;

    SseAnswer(HttpConnection conn, Long requestId) {
        this.conn = conn;
        this.requestId = requestId;
    }

    /** Reads the POST's stream, then resumes it for as long as it ends early and can be resumed. */
    void read(InputStream body) {
        InputStream stream = body;
        for (int resumptions = 0; stream != null; resumptions++) {
            try {
                events(stream);
            } catch (SseReader.TooLarge e) {
                return; // refused by the result limit already
            } catch (IOException e) {
                if (requestId == null || released()) {
                    return; // released: the call ended, and with it this stream
                }
                LOG.warn("upstream {}: an SSE answer broke off ({})", conn.config().name(), conn.config().scrub(String.valueOf(e)));
                conn.failed(requestId, Reasons.STREAM_BROKE);
                return;
            }
            if (answered || requestId == null || conn.closed()) {
                return;
            }
            if (conn.modern()) {
                conn.failed(requestId, "the response stream ended without an answer");
                return;
            }
            if (lastEventId == null) {
                conn.failed(requestId, "the response stream ended without an answer, and without an event id to resume it from");
                return;
            }
            if (resumptions >= MAX_RESUMPTIONS) {
                conn.failed(requestId, "the response stream was resumed " + MAX_RESUMPTIONS + " times without an answer");
                return;
            }
            stream = resume();
        }
    }

    private void events(InputStream body) throws IOException {
        SseReader sse = new SseReader(body, HttpConnection.MAX_ANSWER_BYTES);
        try {
            SseReader.Event ev;
            while ((ev = sse.next()) != null) {
                remember(sse);
                if (ev.data().isBlank()) {
                    continue; // a priming event: an id (and perhaps a retry delay) with no message
                }
                JsonNode msg;
                try {
                    msg = Json.parse(ev.data());
                } catch (JacksonException e) {
                    LOG.warn("upstream {} sent an SSE event that is not JSON; ignored", conn.config().name());
                    continue;
                }
                if (requestId != null && msg instanceof ObjectNode o && (o.has("result") || o.has("error"))
                        && o.path("id").canConvertToLong() && o.path("id").asLong() == requestId) {
                    answered = true;
                }
                conn.deliver(msg, requestId);
            }
            remember(sse);
        } catch (SseReader.TooLarge e) {
            // aborted, not closed (closing would read on): the exchange ends as released, not as a failure
            conn.release(requestId == null ? -1 : requestId);
            conn.tooLarge(requestId);
            throw e;
        }
        sse.close();
    }

    private void remember(SseReader sse) {
        if (sse.lastEventId() != null) {
            lastEventId = sse.lastEventId();
        }
        if (sse.retryMs() >= 0) {
            retryMs = sse.retryMs();
        }
    }

    /**
     * Waits the server's retry delay, then GETs the stream from {@code Last-Event-ID}; null when
     * the call ended meanwhile or the resumption was refused (the call is then failed).
     */
    private InputStream resume() {
        long delay = Math.min(retryMs < 0 ? DEFAULT_RETRY_MS : retryMs, MAX_RETRY_MS);
        try {
            Thread.sleep(delay); // the delay the protocol asks for, not a synchronisation
            if (released()) {
                return null;
            }
            String from = lastEventId;
            Request get = conn.request(HttpMethod.GET).headers(f -> {
                f.put(HttpHeader.ACCEPT, "text/event-stream");
                f.put("Last-Event-ID", from);
            });
            InputStreamResponseListener listener = new InputStreamResponseListener();
            conn.open.put(requestId, get);
            if (released()) {
                get.abort(new HttpConnection.Released("the call ended"));
                return null;
            }
            get.send(listener);
            Response r = listener.get(30, TimeUnit.SECONDS);
            String type = r.getHeaders().get(HttpHeader.CONTENT_TYPE);
            if (r.getStatus() != 200 || type == null || !type.startsWith("text/event-stream")) {
                listener.getInputStream().close();
                conn.failed(requestId, "the upstream refused to resume the response stream (HTTP " + r.getStatus() + ")");
                return null;
            }
            LOG.debug("upstream {}: resumed the answer to {} from event {}", conn.config().name(), requestId, from);
            return listener.getInputStream();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (IOException | ExecutionException | TimeoutException e) {
            if (!released()) {
                LOG.warn("upstream {}: resuming an SSE answer failed ({})", conn.config().name(), conn.config().scrub(String.valueOf(e)));
                conn.failed(requestId, Reasons.of(e, conn.config().shownUrl()));
            }
            return null;
        }
    }

    /** Whether the call ended (it released its exchange, or the connection closed). */
    private boolean released() {
        return conn.closed() || !conn.live(requestId);
    }
}
