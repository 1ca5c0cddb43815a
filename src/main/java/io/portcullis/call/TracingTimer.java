package io.portcullis.call;

import tools.jackson.databind.node.ObjectNode;

/**
 * #18 "Overhead" (session 9): the tracing's own time on the call path, told to the {@link CallObserver} as
 * the control {@code tracing} of {@code portcullis_control_duration_seconds} (one record per call), so the
 * bench's "time each control spent" table has it beside the controls. Its time is the SERVER span's work
 * around the chain ({@link #serve}: span start and end, context, MDC, trail ids) plus, when the call is
 * sampled, each stage span's work ({@link #span}: its time less the stage's own timer), which the stage
 * before it would otherwise count as its own. Built only when both metrics and tracing are on ({@code
 * pipeline.Pipeline}); two {@code System.nanoTime()} reads per span, nothing allocated per call.
 */
public final class TracingTimer {
    /** The control name of the tracing's time. */
    public static final String CONTROL = "tracing";

    private TracingTimer() {}

    /** A stage's span wrapper, timed: its own time goes to the call's tracing time, not to the stage around it. */
    public static Stage span(Stage wrapper, CallObserver observer) {
        if (observer == CallObserver.NONE) {
            return wrapper;
        }
        return new Stage() {
            @Override
            public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
                CallTrail trail = call.trail();
                long outer = trail.innerNanos;
                trail.innerNanos = 0;
                long start = System.nanoTime();
                try {
                    return wrapper.handle(call, next);
                } finally {
                    long took = System.nanoTime() - start;
                    long own = took - trail.innerNanos;
                    trail.tracingNanos += own < 0 ? 0 : own;
                    trail.innerNanos = outer + took; // the stage around it does not count it as its own
                }
            }

            @Override
            public String name() {
                return wrapper.name();
            }
        };
    }

    /**
     * Runs {@code traced} (the tracing's serve of the whole chain) and tells the observer the tracing's
     * time: the serve's time less the chain's, plus the stage spans' ({@link #span}).
     */
    public static ObjectNode serve(CallContext call, CallObserver observer, String method, CallHandler traced)
            throws GatewayException {
        if (observer == CallObserver.NONE) {
            return traced.handle(call);
        }
        CallTrail trail = call.trail();
        long outer = trail.innerNanos;
        long outerSpans = trail.tracingNanos;
        trail.innerNanos = 0;
        trail.tracingNanos = 0;
        long start = System.nanoTime();
        try {
            return traced.handle(call);
        } finally {
            long took = System.nanoTime() - start;
            long own = took - trail.innerNanos + trail.tracingNanos;
            trail.innerNanos = outer + took;
            trail.tracingNanos = outerSpans;
            observer.stageTook(call.environment(), method, CONTROL, own < 0 ? 0 : own);
        }
    }
}
