package io.portcullis.pipeline.stages;

import io.portcullis.catalog.RiskClass;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Stage;
import io.portcullis.config.ReadinessConfig;
import io.portcullis.readiness.Report;
import tools.jackson.databind.node.ObjectNode;

/**
 * G1: "If you can't pass items 1–4, don't ship state-changing tools." While the readiness report
 * shows a failing line of sections 1–4 in the call's environment, a tool whose catalog risk is not
 * {@code read_only} is refused (control {@code readiness-gate}) with the failing line ids. The
 * report is the snapshot's, evaluated when the config was applied; a missing report refuses (fail
 * closed). The step is {@link Admission#gate} (#12 item 3).
 */
public final class ReadinessGate implements Stage {
    private final Report report;

    /** @param report the report of the snapshot this chain was built from (#12 item 1); null refuses (fail closed) */
    public ReadinessGate(Report report) {
        this.report = report;
    }

    @Override
    public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
        var refused = Admission.gate(call.requireTool(), report, call.environment());
        if (refused.isPresent()) {
            throw refused.get();
        }
        return next.handle(call);
    }

    /**
     * The definition {@code tools/list} shows: unchanged unless the gate refuses the tool, else a
     * copy whose description starts with the refusal and whose {@code _meta["io.portcullis/gate"]}
     * names the failing lines.
     */
    public static ObjectNode marked(ObjectNode definition, ToolEntry tool, Report.Gate gate) {
        if (tool.risk() == RiskClass.READ_ONLY || !gate.closed()) {
            return definition;
        }
        ObjectNode d = definition.deepCopy();
        String desc = d.path("description").asString("");
        d.put("description", "[refused until readiness lines " + String.join(", ", gate.failing()) + " pass] " + desc);
        ObjectNode meta = d.get("_meta") instanceof ObjectNode m ? m : d.putObject("_meta");
        ObjectNode g = meta.putObject("io.portcullis/gate").put("refused", true);
        gate.failing().forEach(g.putArray("failing")::add);
        return d;
    }

    @Override
    public String name() {
        return "readiness-gate";
    }

    @Override
    public java.util.List<String> checklist() {
        return java.util.List.of("G1");
    }
}
