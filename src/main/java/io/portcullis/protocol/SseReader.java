package io.portcullis.protocol;


import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * Reads Server-Sent Events from a stream (the subset MCP uses: id, event, data, retry, comments).
 * As the SSE standard says, the last event id and the {@code retry} delay are kept across events
 * (an event with an id but no data still sets it): a stream that ends early is resumed from them.
 */
public final class SseReader implements AutoCloseable {

    /** One event; {@code data} joins multi-line data with newlines. */
    public record Event(String id, String event, String data) {}

    /** An event larger than the reader's bound: it was cut off unread (#21 item 7). */
    public static final class TooLarge extends IOException {
        private final long limit;

        TooLarge(long limit) {
            super("an event is over " + limit + " characters", null);
            this.limit = limit;
        }

        public long limit() {
            return limit;
        }
    }

    private final Reader in;
    private final char[] buf = new char[8192];
    private int pos;
    private int lim;
    private final long maxEventChars;
    private String lastEventId;
    private long retryMs = -1;
    private long eventChars;

    public SseReader(InputStream stream) {
        this(stream, Long.MAX_VALUE);
    }

    /** A reader that fails with {@link TooLarge} as soon as one event exceeds {@code maxEventChars}. */
    public SseReader(InputStream stream, long maxEventChars) {
        this.in = new InputStreamReader(stream, StandardCharsets.UTF_8);
        this.maxEventChars = maxEventChars;
    }

    /** The last event id the stream set, or null: what a resumption sends as {@code Last-Event-ID}. */
    public String lastEventId() {
        return lastEventId;
    }

    /** The reconnection delay the stream asked for with {@code retry}, in milliseconds, or -1. */
    public long retryMs() {
        return retryMs;
    }

    /**
     * One line (without its line ending), never longer than what is left of the event's bound;
     * null at the end of the stream. Read through a buffer of our own: a line of any length is
     * scanned in blocks, and one over the bound is refused before it is kept whole.
     */
    private String readLine() throws IOException {
        StringBuilder line = null;
        while (true) {
            if (pos == lim) {
                lim = in.read(buf, 0, buf.length);
                pos = 0;
                if (lim < 0) {
                    lim = 0;
                    return line == null ? null : strip(line);
                }
            }
            int i = pos;
            while (i < lim && buf[i] != '\n') {
                i++;
            }
            eventChars += i - pos;
            if (eventChars > maxEventChars) {
                throw new TooLarge(maxEventChars);
            }
            if (line == null) {
                line = new StringBuilder(Math.max(16, i - pos));
            }
            line.append(buf, pos, i - pos);
            if (i < lim) {
                pos = i + 1;
                return strip(line);
            }
            pos = lim;
        }
    }

    private static String strip(StringBuilder line) {
        int n = line.length();
        return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
    }

    /** The next event with data, or null at the end of the stream. */
    public Event next() throws IOException {
        String id = null;
        String event = null;
        StringBuilder data = null;
        String line;
        eventChars = 0;
        while ((line = readLine()) != null) {
            if (line.isEmpty()) {
                eventChars = 0;
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
                case "id" -> {
                    if (value.indexOf('\0') < 0) {
                        id = value;
                        lastEventId = value;
                    }
                }
                case "retry" -> {
                    if (!value.isEmpty() && value.length() < 10 && value.chars().allMatch(Character::isDigit)) {
                        retryMs = Long.parseLong(value);
                    }
                }
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
