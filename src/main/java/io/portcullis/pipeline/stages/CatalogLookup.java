package io.portcullis.pipeline.stages;

import io.portcullis.catalog.Catalog;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.pipeline.CallContext;
import io.portcullis.pipeline.CallHandler;
import io.portcullis.pipeline.GatewayException;
import io.portcullis.pipeline.Stage;
import java.util.function.Supplier;
import tools.jackson.databind.node.ObjectNode;

/**
 * C2.1: a tool that is not in the aggregated catalog is refused; a known one is attached to the
 * call. A tool of an upstream that has not listed its tools yet is refused by the upstream's own
 * "starting, retry in N s" (control {@code upstream}, issue #21 item 6), not as unknown.
 */
public final class CatalogLookup implements Stage {
    private final Supplier<Catalog> catalog;

    public CatalogLookup(Supplier<Catalog> catalog) {
        this.catalog = catalog;
    }

    @Override
    public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
        Catalog c = catalog.get();
        ToolEntry entry = c.tool(call.toolName()).orElse(null);
        if (entry == null) {
            var owner = c.notReadyOwner(call.toolName());
            if (owner.isPresent()) {
                throw owner.get().notReady();
            }
            throw new GatewayException.UnknownTool(call.toolName());
        }
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
