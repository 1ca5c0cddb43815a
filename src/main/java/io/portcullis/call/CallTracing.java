package io.portcullis.call;

import tools.jackson.databind.node.ObjectNode;

/**
 * #18 item 2: how a chain's calls are traced, as the chain composition sees it ({@code pipeline}
 * depends on the call vocabulary alone, #12 item 4). The implementation is {@code tracing.Tracing}
 * (OpenTelemetry); {@link #OFF} makes no span, and a chain built with it has no wrapper at all.
 */
public interface CallTracing {

    /** No tracing. */
    CallTracing OFF = new CallTracing() {
        @Override
        public boolean on() {
            return false;
        }

        @Override
        public ObjectNode serve(String method, CallContext call, CallHandler traced, CallHandler plain) throws GatewayException {
            return plain.handle(call);
        }

        @Override
        public Stage traced(String method, Stage stage, boolean upstream) {
            return stage;
        }
    };

    /** Whether spans are made; asked once, when a chain is built. */
    boolean on();

    /** Runs one request's chain under its server span: {@code traced} when the span is recorded, else {@code plain}. */
    ObjectNode serve(String method, CallContext call, CallHandler traced, CallHandler plain) throws GatewayException;

    /** {@code stage} under a span of its own; {@code upstream} for the last stage (a client span). */
    Stage traced(String method, Stage stage, boolean upstream);
}
