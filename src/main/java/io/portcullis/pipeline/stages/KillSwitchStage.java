package io.portcullis.pipeline.stages;

import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Stage;
import io.portcullis.catalog.RiskClass;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.killswitch.KillSwitches;
import tools.jackson.databind.node.ObjectNode;

/**
 * #14 item 2 (C6.2): the run-time kill switches, right after the catalog lookup. A tool switched off
 * by name, by its upstream, or by its environment (everything, or all but {@code read_only} tools)
 * is refused with control {@code kill-switch}, the switch's scope, who set it and why. It reads the
 * node's in-memory view (never the store per call); a view the store has not refreshed for a while
 * refuses every tool that is not read-only (fail closed). A run-time switch wins over config: this
 * stage refuses whatever the config's {@code tools:} section says. {@code tools/list} hides the same
 * tools ({@link #listed}).
 */
public final class KillSwitchStage implements Stage {
    private final KillSwitches switches;

    /** @param switches the node's switches; null refuses every call (fail closed) */
    public KillSwitchStage(KillSwitches switches) {
        this.switches = switches;
    }

    @Override
    public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
        ToolEntry t = call.requireTool();
        if (switches == null) {
            throw new GatewayException.Refused(KillSwitches.CONTROL, "no kill switches are in force on this node, so "
                    + t.name() + " is refused (fail closed)");
        }
        var refused = switches.refusal("tool " + t.name(), t.name(), t.upstream(), t.risk() == RiskClass.READ_ONLY,
                call.environment());
        if (refused.isPresent()) {
            throw refused.get();
        }
        return next.handle(call);
    }

    /** Whether {@code tools/list} may show the tool in {@code environment}: what {@link #handle} would let through. */
    public static boolean listed(KillSwitches switches, ToolEntry t, String environment) {
        return switches != null && switches.refusal("tool " + t.name(), t.name(), t.upstream(),
                t.risk() == RiskClass.READ_ONLY, environment).isEmpty();
    }

    @Override
    public String name() {
        return KillSwitches.CONTROL;
    }

    @Override
    public java.util.List<String> checklist() {
        return java.util.List.of("C6.2");
    }
}
