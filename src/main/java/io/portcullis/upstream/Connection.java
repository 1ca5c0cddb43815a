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

        /** The connection is gone (process exited, session expired); {@code why} says what happened. */
        void closed(String why);
    }

    /** Opens the transport; messages then flow to {@code sink}. */
    void open(Sink sink) throws IOException;

    /**
     * Sends one message. Must not block for the upstream's answer: answers come through the sink.
     *
     * @param requestId our id when the message is a request, else null
     */
    void send(ObjectNode message, Long requestId) throws IOException;

    /** Tells the transport which protocol version was negotiated (HTTP sends it as a header). */
    default void negotiated(String protocolVersion) {}

    @Override
    void close();
}
