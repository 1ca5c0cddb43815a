package io.portcullis.pipeline.stages;

import io.portcullis.catalog.RiskClass;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.pipeline.CallContext;
import io.portcullis.pipeline.CallHandler;
import io.portcullis.pipeline.GatewayException;
import io.portcullis.pipeline.Stage;
import io.portcullis.config.ReadinessConfig;
import io.portcullis.readiness.Report;
import java.util.function.Supplier;
import tools.jackson.databind.node.ObjectNode;

/**
 * G1: "If you can't pass items 1–4, don't ship state-changing tools." While the readiness report
 * shows a failing line of sections 1–4 in the call's environment, a tool whose catalog risk is not
 * {@code read_only} is refused (control {@code readiness-gate}) with the failing line ids. The
 * report is the one cached when the config was applied; a missing report refuses (fail closed).
 */
public final class ReadinessGate implements Stage {
    private final Supplier<Report> report;

    public ReadinessGate(Supplier<Report> report) {
        this.report = report;
    }

    @Override
    public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
        ToolEntry tool = call.requireTool();
        if (tool.risk() == RiskClass.READ_ONLY) {
            return next.handle(call);
        }
        Report r = report.get();
        Report.Gate gate = r == null ? new Report.Gate(true, java.util.List.of("readiness"), true, null)
                : r.gate(call.environment());
        if (gate.closed()) {
            throw new GatewayException.Refused(name(), gate.refusal(call.toolName(), call.environment()));
        }
        return next.handle(call);
    }

    /**
     * Whether {@code tools/list} keeps a tool: a tool the gate refuses is dropped in
     * {@code list: hide} mode and kept (to be {@link #marked}) in {@code list: mark} mode.
     */
    public static boolean listed(ToolEntry tool, Report.Gate gate, ReadinessConfig.ListMode mode) {
        return tool.risk() == RiskClass.READ_ONLY || !gate.closed() || mode == ReadinessConfig.ListMode.MARK;
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
