package io.portcullis.protocol;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Reads Server-Sent Events from a stream (the subset MCP uses: id, event, data, comments). */
public final class SseReader implements AutoCloseable {

    /** One event; {@code data} joins multi-line data with newlines. */
    public record Event(String id, String event, String data) {}

    private final BufferedReader in;

    public SseReader(InputStream stream) {
        this.in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
    }

    /** The next event with data, or null at the end of the stream. */
    public Event next() throws IOException {
        String id = null;
        String event = null;
        StringBuilder data = null;
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    return new Event(id, event, data.toString());
                }
                id = null;
                event = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "id" -> id = value;
                case "event" -> event = value;
                case "data" -> {
                    if (data == null) {
                        data = new StringBuilder(value);
                    } else {
                        data.append('\n').append(value);
                    }
                }
                default -> { }
            }
        }
        return data == null ? null : new Event(id, event, data.toString());
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
