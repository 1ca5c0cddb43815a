package io.portcullis.call;

import tools.jackson.databind.node.ObjectNode;

/**
 * The way back to the client session that made a call: notifications about the call (progress,
 * logging) and server-to-client requests (sampling, elicitation, roots) that the upstream makes
 * while serving it.
 */
public interface Relay {

    /** Sends a notification message (already addressed to the client's ids and tokens). */
    void notify(ObjectNode notification);

    /**
     * Sends a request to the client and waits for its answer.
     *
     * @return the client's response message ({@code result} or {@code error})
     * @throws GatewayException.UpstreamFailure when the client cannot be reached or does not answer in time
     */
    ObjectNode request(String method, ObjectNode params) throws GatewayException;

    /**
     * Called once the request is on its way upstream, with the way to cancel it; the client
     * session keeps it so that the client's {@code notifications/cancelled} reaches the upstream.
     */
    default void attach(Runnable canceller) {}

    /**
     * Called as a request of this relay's call is about to be sent to {@code upstream}: the client session
     * is then one of that upstream's sessions, which get its log messages that are tied to no
     * call (#11 item 21).
     */
    default void reached(String upstream) {}

    /**
     * Who is on the other end (the client session): when an upstream cannot say which call a
     * request of its belongs to, it may be guessed onto a call of the same owner, never of another.
     * A relay that names no session is nobody's ({@link ClientKey#NONE}): never guessed onto (#12 item 5).
     */
    default ClientKey owner() {
        return ClientKey.NONE;
    }

    /** A relay for calls with no client to talk back to: notifications are dropped, requests refused. */
    Relay NONE = new Relay() {
        @Override
        public void notify(ObjectNode notification) {}

        @Override
        public ObjectNode request(String method, ObjectNode params) throws GatewayException {
            throw new GatewayException.Refused("relay", "no client session to relay " + method + " to");
        }
    };
}
