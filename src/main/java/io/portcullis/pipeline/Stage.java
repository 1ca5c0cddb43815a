package io.portcullis.pipeline;

import tools.jackson.databind.node.ObjectNode;

/**
 * One control of the single enforcement point (C3.1). A stage sees the call and the rest of the
 * pipeline as {@code next}: it may refuse (throw), pass on (possibly with a richer context),
 * or wrap the rest (time it, record it, filter its result). A stage never knows which stage comes
 * next; the order is declared once, in {@link Pipeline}.
 */
@FunctionalInterface
public interface Stage {

    ObjectNode handle(CallContext call, CallHandler next) throws GatewayException;

    /** A short name, used in logs as the control that refused. */
    default String name() {
        return getClass().getSimpleName();
    }
}
