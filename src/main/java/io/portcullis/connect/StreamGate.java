package io.portcullis.connect;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Issue 17 item 5 (the {@code elicitation-sep1034-client-defaults} flake): a legacy server may send
 * a request of its own that is not tied to one of the client's requests on the session's GET
 * stream only, and drop it when no GET stream is open yet: the suite's scenario server (the
 * TypeScript SDK's server transport) does so with the elicitation/create it sends while a
 * tools/call runs. {@link Bridge} forwards each message on its own thread and opened the GET stream
 * after the 202 to notifications/initialized without waiting, so a tools/call could reach the
 * server first, and its elicitation was lost (the client's call timed out). Now what the client
 * writes after notifications/initialized waits until the GET stream's first answer is in (or it
 * is known there will be none), at most {@link #WAIT}.
 */
final class StreamGate {
    /** The longest a message waits for the GET stream; then it goes on without it (and says so). */
    static final Duration WAIT = Duration.ofSeconds(10);

    private final CountDownLatch open = new CountDownLatch(1);
    private boolean initializedSeen;

    static boolean initialized(JsonNode msg) {
        return "notifications/initialized".equals(msg.path("method").asString(null));
    }

    /** Whether {@code msg} must wait; called by the one thread that reads the client, in its order. */
    boolean gated(JsonNode msg) {
        boolean gated = initializedSeen;
        initializedSeen |= initialized(msg);
        return gated;
    }

    /** The GET stream answered (or failed, or will not be opened). */
    void open() {
        open.countDown();
    }

    void await(PrintStream log) {
        try {
            if (!open.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.println("portcullis connect: the server stream did not open within " + WAIT.toSeconds() + " s; going on without it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
