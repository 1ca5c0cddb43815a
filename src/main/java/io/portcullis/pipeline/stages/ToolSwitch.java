package io.portcullis.pipeline.stages;

import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Stage;
import tools.jackson.databind.node.ObjectNode;

/**
 * Whether the tool may run here at all: raw export without a documented need (C2.4), the catalog's
 * environments (C3.4), and the operational per-tool switch (C6.2). A tool refused here is also
 * hidden from lists. The step is {@link Admission#switches} (#12 item 3).
 */
public final class ToolSwitch implements Stage {

    @Override
    public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
        var refused = Admission.switches(call.requireTool(), call.environment());
        if (refused.isPresent()) {
            throw refused.get();
        }
        return next.handle(call);
    }

    @Override
    public String name() {
        return "tool-switch";
    }

    @Override
    public java.util.List<String> checklist() {
        return java.util.List.of("C2.4", "C6.2");
    }
}
