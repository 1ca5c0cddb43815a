package io.portcullis.pipeline.stages;

import io.portcullis.catalog.Catalog;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Stage;
import tools.jackson.databind.node.ObjectNode;

/**
 * C2.1: a tool that is not in the aggregated catalog is refused; a known one is attached to the
 * call. A tool of an upstream that has not listed its tools yet is refused by the upstream's own
 * "starting, retry in N s" (control {@code upstream}, issue #21 item 6), not as unknown. The step is
 * {@link Admission#lookup} (#12 item 3).
 */
public final class CatalogLookup implements Stage {
    private final Catalog catalog;

    /** @param catalog the catalog of the snapshot this chain was built from (#12 item 1), never looked up per call */
    public CatalogLookup(Catalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
        ToolEntry entry = Admission.lookup(catalog, call.toolName());
        call.trail().tool(entry); // the trail is the one mutable part of a call (#12 item 6)
        return next.handle(call.withTool(entry));
    }

    @Override
    public String name() {
        return "catalog";
    }

    @Override
    public java.util.List<String> checklist() {
        return java.util.List.of("C2.1");
    }
}
