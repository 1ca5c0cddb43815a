package io.portcullis.pipeline.stages;

import io.portcullis.pipeline.CallContext;
import io.portcullis.pipeline.CallHandler;
import io.portcullis.pipeline.GatewayException;
import io.portcullis.pipeline.Stage;
import tools.jackson.databind.node.ObjectNode;

/** C6.2: the per-tool switch from the config, per environment. A disabled tool is also hidden from lists. */
public final class ToolSwitch implements Stage {

    @Override
    public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
        if (!call.requireTool().settings().enabledIn(call.environment())) {
            throw new GatewayException.Refused(name(),
                    "tool " + call.toolName() + " is disabled in environment " + call.environment());
        }
        return next.handle(call);
    }

    @Override
    public String name() {
        return "tool-switch";
    }
}
