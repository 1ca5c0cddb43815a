package io.portcullis.pipeline;

import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * The single enforcement point (C3.1): every {@code tools/call} of every transport runs through
 * one ordered list of stages and then the terminal handler that calls the upstream. The list is
 * declared in exactly one place, {@link Stages#standard}, with the reason for its order.
 */
public final class Pipeline {
    private final List<Stage> stages;
    private final CallHandler chain;

    public Pipeline(List<Stage> stages, CallHandler terminal) {
        this.stages = List.copyOf(stages);
        CallHandler next = terminal;
        for (int i = this.stages.size() - 1; i >= 0; i--) {
            Stage stage = this.stages.get(i);
            CallHandler rest = next;
            next = call -> stage.handle(call, rest);
        }
        this.chain = next;
    }

    /**
     * Runs the call through every stage and the upstream.
     *
     * @return the {@code tools/call} result to send to the client
     * @throws GatewayException when a stage refuses or the upstream fails
     */
    public ObjectNode call(CallContext call) throws GatewayException {
        return chain.handle(call);
    }

    /**
     * Each stage's name and the checklist lines it enforces, in pipeline order: what the readiness
     * report evaluates lines such as C3.1, C4.1 and C6.3 against (#11 item 22).
     */
    public java.util.LinkedHashMap<String, List<String>> controls() {
        java.util.LinkedHashMap<String, List<String>> out = new java.util.LinkedHashMap<>();
        stages.forEach(s -> out.put(s.name(), List.copyOf(s.checklist())));
        return out;
    }

    /** The stage names in order, for logs and the readiness report. */
    public List<String> stageNames() {
        return stages.stream().map(Stage::name).toList();
    }
}
