package io.portcullis.upstream;

import io.portcullis.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The answer to one of our POSTs over Streamable HTTP, told apart by its status and type (#12
 * item 4: reading answers, apart from sending requests): 202/204 carry nothing, an SSE stream is
 * read by {@link SseAnswer}, a JSON body is read whole but never beyond
 * {@link HttpConnection#MAX_ANSWER_BYTES} (#21 item 7), and a refusal (non-2xx) either carries our
 * request's JSON-RPC error, or says the session is gone, or fails the call with its status.
 */
final class PostAnswer {
    /** The connection's logger: operators read these lines under the HTTP connection's name. */
    private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);

    private final HttpConnection conn;
    private final Request request;
    private final Long requestId;

    private PostAnswer(HttpConnection conn, Request request, Long requestId) {
        this.conn = conn;
        this.request = request;
        this.requestId = requestId;
    }

    /** Runs on an HTTP client thread once the answer's headers are in: must not block. */
    static void arrived(HttpConnection conn, Request request, Response response, Content.Source body, Long requestId) {
        String sid = response.getHeaders().get("Mcp-Session-Id");
        if (sid != null) {
            conn.sessionId(sid);
        }
        PostAnswer answer = new PostAnswer(conn, request, requestId);
        String name = conn.config().name();
        int status = response.getStatus();
        String type = response.getHeaders().get(HttpHeader.CONTENT_TYPE);
        type = type == null ? "" : type;
        if ((status == 401 || status == 403) && conn.user() != null) { // issue 17 (task h8): the upstream refused this user's token
            conn.refuse("upstream " + name + " refused the user's token (HTTP " + status + refusalDetail(response) + ")");
        }
        if (status == 202 || status == 204) {
            Content.Source.consumeAll(body, Callback.NOOP);
        } else if (conn.auth() != null && conn.auth().challenged(conn, request, response, body)) {
            return; // issue 17: a 401 or a step-up, taken care of by the gateway's OAuth client
        } else if (status == 403 && conn.user() != null && requestId != null && stepUp(conn, response, body, requestId)) {
            return; // issue 17 (task h3): a per-user connection's step-up, asked of its user at their next call
        } else if (status / 100 != 2 && type.startsWith("application/json")) {
            Thread.ofVirtual().name("refused-" + name).start(() -> {
                byte[] bytes = answer.bounded(body);
                if (bytes != null) {
                    answer.refused(status, bytes);
                }
            });
        } else if (status / 100 != 2) {
            Content.Source.consumeAll(body, Callback.NOOP);
            answer.refused(status, null);
        } else if (type.startsWith("text/event-stream")) {
            Thread.ofVirtual().name("sse-" + name).start(() -> new SseAnswer(conn, requestId)
                    .read(Content.Source.asInputStream(body)));
        } else {
            AnswerBody.read(body, HttpConnection.MAX_ANSWER_BYTES, answer.new JsonBody()); // no thread of its own (#20 item 3)
        }
    }

    /**
     * Issue 17 (task h3): a 403 {@code insufficient_scope} to a per-user connection's request: the call fails
     * (control {@code credentials}) and the user's next call asks them to consent to the scope the
     * upstream names (the gateway has no browser to do it within the call).
     */
    private static boolean stepUp(HttpConnection conn, Response response, Content.Source body, Long requestId) {
        io.portcullis.oauthclient.Challenge ch = io.portcullis.oauthclient.Challenge.parse(response.getHeaders().get(HttpHeader.WWW_AUTHENTICATE));
        if (!ch.insufficientScope()) {
            return false;
        }
        Content.Source.consumeAll(body, Callback.NOOP);
        conn.user().insufficientScope(ch.scope());
        conn.failed(requestId, "credentials: upstream " + conn.config().name() + " asks for more scope (403 insufficient_scope"
                + (ch.scope() == null ? "" : ", scope " + oneLine(ch.scope())) + "); call again to consent to it");
        return true;
    }

    /** The challenge's error and scope, for the refusal's text (the upstream's words: one line, bounded). */
    private static String refusalDetail(Response response) {
        io.portcullis.oauthclient.Challenge ch = io.portcullis.oauthclient.Challenge.parse(response.getHeaders().get(HttpHeader.WWW_AUTHENTICATE));
        return (ch.insufficientScope() ? " insufficient_scope" : "") + (ch.scope() == null ? "" : ", scope " + oneLine(ch.scope()));
    }

    private static String oneLine(String s) {
        String t = s.replaceAll("[\\p{Cntrl}]", " ");
        return t.length() > 200 ? t.substring(0, 200) : t;
    }

    /** A JSON answer, read whole (within the bound) before it is delivered; told on a client thread of Jetty's. */
    private final class JsonBody implements AnswerBody.Done {
        @Override
        public void read(byte[] bytes) {
            try {
                json(bytes);
            } catch (RuntimeException e) { // never into Jetty's thread: the call fails with one line instead
                LOG.warn("upstream {}: handling an answer failed ({})", conn.config().name(), conn.config().scrub(String.valueOf(e)));
                conn.failed(requestId, "the answer could not be handled");
            }
        }

        @Override
        public void tooLarge() {
            PostAnswer.this.tooLarge();
        }

        @Override
        public void broke(Throwable failure) {
            PostAnswer.this.broke(failure);
        }
    }

    private void json(byte[] bytes) {
        if (requestId != null) {
            conn.open.remove(requestId, request); // read to its end: nothing left to release
        }
        JsonNode msg;
        try {
            msg = Json.parse(bytes);
        } catch (JacksonException e) {
            LOG.warn("upstream {} answered with a body that is not JSON: {}", conn.config().name(), e.getOriginalMessage());
            conn.failed(requestId, "the answer is not JSON");
            return;
        }
        if (msg instanceof ObjectNode o && o.has("id") && !o.has("method")) {
            conn.deliver(msg, requestId); // a response: it completes its waiting call, nothing here blocks
        } else {
            // a request, a notification or a batch of them is relayed to clients, which may block: off Jetty's thread
            Thread.ofVirtual().name("post-" + conn.config().name()).start(() -> conn.deliver(msg, requestId));
        }
    }

    /**
     * The body, read up to {@link HttpConnection#MAX_ANSWER_BYTES}; null when it was larger (the
     * exchange is then aborted and the call refused by the result limit) or broke off (the call fails).
     */
    private byte[] bounded(Content.Source body) {
        try (InputStream in = Content.Source.asInputStream(body)) {
            byte[] bytes = in.readNBytes(HttpConnection.MAX_ANSWER_BYTES + 1);
            if (bytes.length <= HttpConnection.MAX_ANSWER_BYTES) {
                return bytes;
            }
            tooLarge();
        } catch (IOException e) {
            broke(e);
        }
        return null;
    }

    private void tooLarge() {
        request.abort(new HttpConnection.Released("the answer is over " + HttpConnection.MAX_ANSWER_BYTES + " bytes"));
        conn.tooLarge(requestId);
    }

    private void broke(Throwable e) {
        LOG.warn("upstream {}: reading an answer failed ({})", conn.config().name(), conn.config().scrub(String.valueOf(e)));
        conn.failed(requestId, Reasons.STREAM_BROKE);
    }

    /**
     * A non-2xx answer. A JSON-RPC error for our request is delivered as the answer. The TS SDK and
     * the SDK's example app answer 400 "No valid session ID" (not 404) for a session they no
     * longer know: that, like 404, means the session is gone and the upstream must be reconnected.
     */
    private void refused(int status, byte[] json) {
        JsonNode error = null;
        if (json != null) {
            try {
                error = Json.parse(json);
            } catch (JacksonException e) {
                // not JSON after all: only the status is known
            }
        }
        String message = error == null ? "" : error.path("error").path("message").asString("");
        if (conn.sessionId() != null
                && (status == 404 || (status == 400 && message.toLowerCase(java.util.Locale.ROOT).contains("session")))) {
            conn.sink.closed("upstream session expired (HTTP " + status + (message.isEmpty() ? "" : ": " + message) + ")");
            return;
        }
        JsonNode id = error == null ? null : error.get("id");
        if (error instanceof ObjectNode o && o.has("error") && requestId != null && id != null && id.canConvertToLong()
                && id.asLong() == requestId) {
            conn.sink.receive(o, requestId);
            return;
        }
        if (requestId != null && !conn.closed()) {
            conn.sink.requestRefused(requestId, status, error == null ? null : Json.write(error),
                    "upstream HTTP request failed: HTTP " + status + (message.isEmpty() ? "" : ": " + message));
        }
    }
}
