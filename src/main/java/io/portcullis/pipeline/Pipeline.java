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

    /**
     * @param stages   the controls, in order
     * @param terminal the last stage: it answers the call (calls the upstream) and is given no next
     */
    public Pipeline(List<Stage> stages, Stage terminal) {
        this.stages = List.copyOf(stages);
        this.terminal = terminal;
        CallHandler next = call -> terminal.handle(call, END);
        for (int i = this.stages.size() - 1; i >= 0; i--) {
            Stage stage = this.stages.get(i);
            CallHandler rest = next;
            next = call -> stage.handle(call, rest);
        }
        this.chain = next;
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
        return chain.handle(call);
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
