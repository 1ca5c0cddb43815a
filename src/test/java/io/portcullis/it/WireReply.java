package io.portcullis.it;

import io.portcullis.protocol.Json;
import io.portcullis.protocol.SseReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** A complete HTTP answer from the gateway, with the JSON-RPC messages it carried (JSON or SSE). */
public record WireReply(int status, HttpHeaders headers, String body) {

    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }

    public boolean isSse() {
        return header("Content-Type") != null && header("Content-Type").startsWith("text/event-stream");
    }

    /** The body as JSON (a JSON answer, not SSE). */
    public JsonNode json() {
        return Json.parse(body);
    }

    /** The SSE events of an event-stream body, in order. */
    public List<SseReader.Event> events() {
        List<SseReader.Event> out = new ArrayList<>();
        try (SseReader r = new SseReader(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)))) {
            SseReader.Event e;
            while ((e = r.next()) != null) {
                if (!e.data().isBlank()) {
                    out.add(e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Every JSON-RPC message carried: the SSE events' data, or the JSON body (an array's elements). */
    public List<JsonNode> messages() {
        List<JsonNode> out = new ArrayList<>();
        if (isSse()) {
            events().forEach(e -> out.add(Json.parse(e.data())));
        } else if (!body.isEmpty()) {
            JsonNode j = json();
            if (j.isArray()) {
                j.forEach(out::add);
            } else {
                out.add(j);
            }
        }
        return out;
    }

    /** The last message carried: the response to a request. */
    public ObjectNode message() {
        List<JsonNode> all = messages();
        if (all.isEmpty()) {
            throw new AssertionError("no message in HTTP " + status + " answer: " + body);
        }
        return (ObjectNode) all.getLast();
    }

    /** The JSON-RPC error code of the answer, or null when it is not an error. */
    public Integer errorCode() {
        JsonNode code = message().path("error").path("code");
        return code.isNumber() ? code.asInt() : null;
    }

    @Override
    public String toString() {
        return "HTTP " + status + " " + headers.map() + "\n" + body;
    }
}
