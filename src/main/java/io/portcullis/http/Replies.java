package io.portcullis.http;

import io.portcullis.protocol.Json;
import java.io.IOException;
import java.io.OutputStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import tools.jackson.databind.JsonNode;

/**
 * Whole HTTP answers: the one writer of JSON answers (MCP errors, the admin and audit APIs, the
 * guards) and of empty ones. A streamed MCP answer is {@code ingress.HttpReply}, which ends in
 * {@link #json} when nothing had to be streamed.
 */
public final class Replies {
    private Replies() {}

    /** Answers with {@code body} as JSON and {@code status}. */
    public static void json(Response response, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.bytes(body);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        try (OutputStream o = Content.Sink.asOutputStream(response)) {
            o.write(bytes);
        }
    }

    /** Answers with {@code status} and no body. */
    public static void empty(Response response, int status) throws IOException {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
        Content.Sink.asOutputStream(response).close();
    }
}
