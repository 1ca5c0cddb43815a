package io.portcullis.pipeline.stages;

import io.portcullis.catalog.ToolEntry;
import io.portcullis.pipeline.CallContext;
import io.portcullis.pipeline.CallHandler;
import io.portcullis.pipeline.GatewayException;
import io.portcullis.pipeline.Stage;
import tools.jackson.databind.node.ObjectNode;

/**
 * Whether the tool may run here at all: raw export without a documented need (C2.4), the catalog's
 * environments (C3.4), and the operational per-tool switch (C6.2). A tool refused here is also
 * hidden from lists.
 */
public final class ToolSwitch implements Stage {

    @Override
    public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
        ToolEntry tool = call.requireTool();
        if (tool.export() == ToolEntry.ExportStatus.DISABLED) {
            throw new GatewayException.Refused("raw-export", "tool " + call.toolName()
                    + " is a raw-export tool and its catalog entry documents no business need and approver (C2.4)");
        }
        if (!tool.catalogAllows(call.environment())) {
            throw new GatewayException.Refused("catalog", "tool " + call.toolName() + " is not enabled in environment "
                    + call.environment() + " by its catalog entry (enabled in " + tool.environments() + ")");
        }
        if (!tool.settings().enabledIn(call.environment())) {
            throw new GatewayException.Refused(name(),
                    "tool " + call.toolName() + " is disabled in environment " + call.environment());
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
