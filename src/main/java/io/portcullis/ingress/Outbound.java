package io.portcullis.ingress;

import tools.jackson.databind.node.ObjectNode;

/** Where messages related to one client request go while it is being handled (an SSE response, stdout, ...). */
@FunctionalInterface
public interface Outbound {
    /** Sends a notification or request to the client; never throws (a gone client is the transport's concern). */
    void send(ObjectNode message);

    Outbound DROP = message -> { };
}
