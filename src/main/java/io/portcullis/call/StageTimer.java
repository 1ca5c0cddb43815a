package io.portcullis.call;

import tools.jackson.databind.node.ObjectNode;

/**
 * #18 item 1 "per control: decisions and durations": a stage decorator that measures the stage's
 * OWN time, its time less the rest of the chain's, and tells the {@link CallObserver} of it. A stage
 * is a decorator (it calls {@code next}), so its own time is what it did before and after: the
 * inner stages, each timed by their own {@code StageTimer}, add their whole time to the call's
 * trail ({@link CallTrail#innerNanos}), and the outer one subtracts it. Two {@code System.nanoTime()}
 * calls and two plain field accesses per stage; nothing is allocated per call.
 *
 * <p>{@code Chains} wraps the tool chain's stages with it only when metrics are on ({@code metrics:
 * enabled}); with metrics off no stage is wrapped and nothing is measured.
 */
public final class StageTimer implements Stage {
    /** The method of the chain a stage is timed in when none is named. */
    public static final String TOOL_CALL = "tools/call";
    private final Stage stage;
    private final String name;
    private final String method;
    private final CallObserver observer;

    private StageTimer(Stage stage, CallObserver observer, String method) {
        this.stage = stage;
        this.name = stage.name();
        this.method = method;
        this.observer = observer;
    }

    /** {@code stage} timed, its own time told to {@code observer}; {@code stage} itself when the observer is {@link CallObserver#NONE}. */
    public static Stage timed(Stage stage, CallObserver observer) {
        return timed(stage, observer, TOOL_CALL);
    }

    /**
     * #18 item 1 (leftover: the read chains are timed too): {@code stage} of the chain of {@code method}
     * (a fixed set: {@code Chains}), timed; {@code stage} itself when the observer is {@link CallObserver#NONE}.
     */
    public static Stage timed(Stage stage, CallObserver observer, String method) {
        return observer == CallObserver.NONE ? stage : new StageTimer(stage, observer, method);
    }

    @Override
    public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
        CallTrail trail = call.trail();
        long outer = trail.innerNanos; // what this stage's caller has counted of its inner stages so far
        trail.innerNanos = 0;
        long start = System.nanoTime();
        try {
            return stage.handle(call, next);
        } finally {
            long took = System.nanoTime() - start;
            long own = took - trail.innerNanos;
            trail.innerNanos = outer + took; // a stage that calls next twice (a retry) is counted both times
            observer.stageTook(call.environment(), method, name, own < 0 ? 0 : own);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public java.util.List<String> checklist() {
        return stage.checklist();
    }
}
