package io.portcullis.call;

import tools.jackson.databind.node.ObjectNode;

/**
 * One control of the single enforcement point (C3.1). A stage sees the call and the rest of the
 * pipeline as {@code next}: it may refuse (throw), pass on (possibly with a richer context),
 * or wrap the rest (time it, record it, filter its result). A stage never knows which stage comes
 * next; the order is declared once, in {@code Chains} (root package), and {@code pipeline.Pipeline} composes it.
 */
@FunctionalInterface
public interface Stage {

    ObjectNode handle(CallContext call, CallHandler next) throws GatewayException;

    /** A short name, used in logs as the control that refused. */
    default String name() {
        return getClass().getSimpleName();
    }

    /**
     * The checklist lines (C1.1 … C7.3, G1) this stage enforces for every call. The readiness
     * report reads them off the running pipeline (#11 item 22): a line whose control is not in
     * the pipeline fails, whatever the code base contains, and a new stage that enforces a line
     * makes it count by declaring it here.
     */
    default java.util.List<String> checklist() {
        return java.util.List.of();
    }
}
