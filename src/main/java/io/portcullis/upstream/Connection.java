package io.portcullis.upstream;

import java.io.IOException;
import tools.jackson.databind.node.ObjectNode;

/** A transport to one upstream MCP server: moves JSON-RPC messages, knows nothing of their meaning. */
interface Connection extends AutoCloseable {

    /** Receives what the upstream sends. */
    interface Sink {
        /**
         * @param message   a JSON-RPC message from the upstream (not yet validated)
         * @param relatedId the id of our request whose response stream carried it, or null
         */
        void receive(ObjectNode message, Long relatedId);

        /** Our request {@code requestId} could not be delivered or answered (HTTP failure). */
        void requestFailed(long requestId, String why);

        /**
         * Our request {@code requestId} was answered with an HTTP error status whose body is not
         * its JSON-RPC answer; {@code body} is the body when it is JSON, else null. The era probe
         * tells eras apart by these; everything else treats them as {@link #requestFailed}.
         */
        default void requestRefused(long requestId, int status, String body, String why) {
            requestFailed(requestId, why);
        }

        /** The connection is gone (process exited, session expired); {@code why} says what happened. */
        void closed(String why);

        /**
         * The upstream wrote something that is not a JSON-RPC message where the wire cannot say
         * which call it belonged to (stdio): the client calls in flight fail at once with
         * {@code why} instead of waiting for their timeouts (issue #11 item 21).
         */
        default void violation(String why) {}

        /**
         * Our request {@code requestId} was handed to the network (#21 item 4): from now on the
         * upstream may act on it, whatever happens to the call.
         */
        default void sent(long requestId) {}

        /**
         * The answer to our request {@code requestId} was over {@code limit} bytes and was cut off
         * unread (#21 item 7).
         */
        default void tooLarge(long requestId, long limit) {
            requestFailed(requestId, "the answer is over " + limit + " bytes");
        }
    }

    /** Opens the transport; messages then flow to {@code sink}. */
    void open(Sink sink) throws IOException;

    /**
     * Sends one message. Must not block for the upstream's answer: answers come through the sink.
     *
     * @param requestId our id when the message is a request, else null
     */
    void send(ObjectNode message, Long requestId) throws IOException;

    /**
     * Sends one message with per-message headers (the 2026-07-28 {@code Mcp-Method},
     * {@code Mcp-Name}, ... over HTTP); transports without headers ignore them.
     */
    default void send(ObjectNode message, Long requestId, java.util.Map<String, String> headers) throws IOException {
        send(message, requestId);
    }

    /**
     * As {@link #send(ObjectNode, Long, java.util.Map)}, for a request that must not be sent after
     * {@code deadlineNanos} ({@link System#nanoTime()}): a transport that queues requests checks
     * the deadline when it takes one from its queue, and drops it when it has passed (#21 item 4).
     */
    default void send(ObjectNode message, Long requestId, java.util.Map<String, String> headers, long deadlineNanos)
            throws IOException {
        send(message, requestId, headers);
    }

    /**
     * The call of our request {@code requestId} ended (answered, timed out, cancelled): whatever
     * the transport still holds open for it (an SSE answer that goes on, a request still queued)
     * is let go now (#21 item 2).
     */
    default void release(long requestId) {}

    /**
     * Gives up our request {@code requestId} on the wire where the transport can (HTTP: the POST
     * is aborted, which is how a stateless 2026-07-28 server learns that a call is cancelled).
     */
    default void abort(long requestId) {}

    /**
     * Tells the transport which protocol version was negotiated. HTTP sends a legacy version as a
     * header on every message and opens the GET stream; with 2026-07-28 it keeps no session and no
     * GET stream (each request carries its own headers).
     */
    default void negotiated(String protocolVersion) {}

    /**
     * Why the connection is broken although nothing reported it (a reader thread that died, a
     * child that exited, a child that stopped reading its input), or null while it looks alive.
     * The supervisor polls this and restarts a broken connection (issue #21 item 1).
     */
    default String failure() {
        return null;
    }

    @Override
    void close();
}
