package io.portcullis.audit;

import io.portcullis.catalog.RiskClass;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.call.CallContext;

/**
 * A call's risk class as the audit log records it, and whether its intent must be durable before
 * the upstream is called (C4.2).
 *
 * @param riskClass the catalog's class id ({@code read_only}, {@code state_changing}, {@code irreversible}),
 *                  or {@code unknown} for a tool that is not in the catalog
 * @param source    {@code catalog} or {@code annotations} (derived from the upstream's untrusted
 *                  hints), as the catalog says; {@code unknown} for a tool that is not in the catalog
 */
record Risk(String riskClass, String source) {

    static Risk of(CallContext call) {
        ToolEntry t = call.trail().tool();
        if (t == null) {
            return new Risk("unknown", "unknown");
        }
        return new Risk(t.risk().id(), t.riskSource());
    }

    /**
     * Whether an allowed call must have an intent record before the upstream is called: every
     * call whose catalog class is not read-only (and any call of a tool the catalog does not know).
     */
    static boolean needsIntent(CallContext call) {
        ToolEntry t = call.trail().tool();
        return t == null || t.risk() != RiskClass.READ_ONLY;
    }
}
