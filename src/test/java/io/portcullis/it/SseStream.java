package io.portcullis.it;

import io.portcullis.protocol.Json;
import io.portcullis.protocol.SseReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.node.ObjectNode;

/**
 * An HTTP answer read as it streams: SSE events are parsed (with {@link SseReader}) on a virtual
 * thread into a queue, so a test can wait for the next one with a time limit. A JSON answer
 * shows up as one event without id.
 */
public final class SseStream implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final SseReader.Event END = new SseReader.Event(null, null, null);

    private final int status;
    private final HttpHeaders headers;
    private final InputStream body;
    private final BlockingQueue<SseReader.Event> events = new LinkedBlockingQueue<>();
    private final List<String> primed = new java.util.concurrent.CopyOnWriteArrayList<>();

    SseStream(int status, HttpHeaders headers, InputStream body) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        boolean sse = headers.firstValue("Content-Type").orElse("").startsWith("text/event-stream");
        Thread.ofVirtual().name("sse-test-reader").start(() -> read(sse));
    }

    private void read(boolean sse) {
        try (InputStream in = body) {
            if (!sse) {
                String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                if (!text.isEmpty()) {
                    events.add(new SseReader.Event(null, null, text));
                }
                return;
            }
            SseReader r = new SseReader(in);
            SseReader.Event e;
            while ((e = r.next()) != null) {
                if (!e.data().isBlank()) {
                    events.add(e);
                } else if (e.id() != null) {
                    primed.add(e.id());
                }
            }
        } catch (IOException e) {
            // closed by the test or by the server: the end of the stream
        } finally {
            events.add(END);
        }
    }

    /** The ids of the priming events (an id with empty data, 2025-11-25) seen so far, in order. */
    public List<String> primed() {
        return primed;
    }

    public int status() {
        return status;
    }

    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }

    /** The next event; fails the test if none comes within 30 s or the stream ends first. */
    public SseReader.Event next() throws InterruptedException {
        return poll(WAIT).orElseThrow(() -> new AssertionError("the stream ended (or nothing came within " + WAIT + ")"));
    }

    /** The next event within {@code wait}, or empty when the stream ended or nothing came. */
    public Optional<SseReader.Event> poll(Duration wait) throws InterruptedException {
        SseReader.Event e = events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (e == END) {
            events.add(END); // stays ended for later calls
            return Optional.empty();
        }
        return Optional.ofNullable(e);
    }

    /** The next event's JSON-RPC message. */
    public ObjectNode nextMessage() throws InterruptedException {
        return (ObjectNode) Json.parse(next().data());
    }

    /** Whether the stream ends within {@code wait} with no further event. */
    public boolean endsWithin(Duration wait) throws InterruptedException {
        SseReader.Event e = events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (e == END) {
            events.add(END);
            return true;
        }
        if (e != null) {
            throw new AssertionError("expected the end of the stream, got " + e);
        }
        return false;
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
