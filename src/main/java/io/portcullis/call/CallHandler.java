package io.portcullis.call;

import tools.jackson.databind.node.ObjectNode;

/** Handles a call and produces the {@code tools/call} result, or refuses with a {@link GatewayException}. */
@FunctionalInterface
public interface CallHandler {
    ObjectNode handle(CallContext call) throws GatewayException;
}
