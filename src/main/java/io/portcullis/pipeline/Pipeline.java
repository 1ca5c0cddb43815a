package io.portcullis.pipeline;

import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Stage;
import java.util.LinkedHashMap;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * One chain (C3.1): the ordered controls of a kind of request, then the stage that calls the
 * upstream as the last one (#12 item 2: the terminal is a stage too). The chains are declared in
 * one place, {@code Chains} (root package), with the reason for their order, and built once per
 * applied config, never per call.
 */
public final class Pipeline {
    private final List<Stage> stages;
    private final Stage terminal;
    private final CallHandler chain;
    /** #18 item 2: the MCP method the chain serves (span names), its tracing, and the chain with a span per stage (null when off). */
    private final String method;
    private final io.portcullis.call.CallTracing tracing;
    private final CallHandler traced;
    /** #18 (session 9): where the tracing's own time goes (metrics on), else NONE. */
    private final io.portcullis.call.CallObserver clock;

    /**
     * @param stages   the controls, in order
     * @param terminal the last stage: it answers the call (calls the upstream) and is given no next
     */
    public Pipeline(List<Stage> stages, Stage terminal) {
        this(null, stages, terminal, io.portcullis.call.CallTracing.OFF);
    }

    /**
     * A chain of {@code method} whose calls are traced by {@code tracing} (#18 item 2): a SERVER
     * span per call, a span per stage, a CLIENT span for the last stage. Tracing off builds the
     * plain chain alone: no span, no wrapper per call.
     */
    public Pipeline(String method, List<Stage> stages, Stage terminal, io.portcullis.call.CallTracing tracing) {
        this(method, stages, terminal, tracing, io.portcullis.call.CallObserver.NONE);
    }

    /**
     * The same, with the tracing's own time told to {@code clock} as the control {@code tracing} (#18 session 9,
     * {@link io.portcullis.call.TracingTimer}) when metrics are on ({@code clock} is not NONE).
     */
    public Pipeline(String method, List<Stage> stages, Stage terminal, io.portcullis.call.CallTracing tracing,
                    io.portcullis.call.CallObserver clock) {
        this.stages = List.copyOf(stages);
        this.terminal = terminal;
        this.method = method;
        this.tracing = tracing;
        this.clock = clock;
        this.chain = compose(this.stages, terminal);
        this.traced = tracing.on() ? compose(this.stages.stream()
                        .map(s -> io.portcullis.call.TracingTimer.span(tracing.traced(method, s, false), clock)).toList(),
                io.portcullis.call.TracingTimer.span(tracing.traced(method, terminal, true), clock)) : null;
    }

    private static CallHandler compose(List<Stage> stages, Stage terminal) {
        CallHandler next = call -> terminal.handle(call, END);
        for (int i = stages.size() - 1; i >= 0; i--) {
            Stage stage = stages.get(i);
            CallHandler rest = next;
            next = call -> stage.handle(call, rest);
        }
        return next;
    }

    /** A chain whose last stage is {@code terminal}, a handler that answers the call (tests, benchmarks). */
    public Pipeline(List<Stage> stages, CallHandler terminal) {
        this(stages, new Stage() {
            @Override
            public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
                return terminal.handle(call);
            }

            @Override
            public String name() {
                return "upstream";
            }
        });
    }

    /** What the last stage gets as its next: there is nothing after it. */
    private static final CallHandler END = call -> {
        throw new IllegalStateException("the last stage of a chain must answer the call itself");
    };

    /**
     * Runs the call through every stage and the upstream.
     *
     * @return the result to send to the client
     * @throws GatewayException when a stage refuses or the upstream fails
     */
    public ObjectNode call(CallContext call) throws GatewayException {
        return traced == null ? chain.handle(call)
                : io.portcullis.call.TracingTimer.serve(call, clock, method, c -> tracing.serve(method, c, traced, chain));
    }

    /**
     * Each control's name and the checklist lines it enforces, in chain order (the upstream call
     * is not a control): what the readiness report evaluates lines such as C3.1, C4.1 and C6.3
     * against (#11 item 22).
     */
    public LinkedHashMap<String, List<String>> controls() {
        LinkedHashMap<String, List<String>> out = new LinkedHashMap<>();
        stages.forEach(s -> out.put(s.name(), List.copyOf(s.checklist())));
        return out;
    }

    /** The names of every stage in order, the last stage (the upstream call) included. */
    public List<String> stageNames() {
        List<String> names = new java.util.ArrayList<>(stages.stream().map(Stage::name).toList());
        names.add(terminal.name());
        return List.copyOf(names);
    }
}
