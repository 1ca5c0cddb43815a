package io.portcullis.audit;

import io.portcullis.catalog.ToolEntry;
import io.portcullis.pipeline.CallContext;

/**
 * A call's risk class as the audit log records it, and whether its intent must be durable before
 * the upstream is called (C4.2).
 *
 * @param riskClass the class name
 * @param source    {@code catalog} when a stage classified the tool, {@code annotations} when it
 *                  was derived here from the upstream's (untrusted) hints, {@code unknown} for a
 *                  tool that is not in the catalog
 */
record Risk(String riskClass, String source) {
    static final String READ_ONLY = "read-only";

    static Risk of(CallContext call) {
        if (call.trail().riskClass() != null) {
            return new Risk(call.trail().riskClass(), "catalog");
        }
        ToolEntry t = call.trail().tool();
        if (t == null) {
            return new Risk("unknown", "unknown");
        }
        if (t.annotations().path("readOnlyHint").asBoolean(false)) {
            return new Risk(READ_ONLY, "annotations");
        }
        // MCP: destructiveHint defaults to true for a tool that is not read-only
        return new Risk(t.annotations().path("destructiveHint").asBoolean(true) ? "destructive" : "state-changing",
                "annotations");
    }

    /**
     * Whether an allowed call must have an intent record before the upstream is called. The one
     * place that decides it: conservative until the catalog classifies tools (every tool needs an
     * intent record unless it is read-only); switch it to the catalog's class here.
     */
    static boolean needsIntent(CallContext call) {
        return !READ_ONLY.equals(of(call).riskClass());
    }
}
