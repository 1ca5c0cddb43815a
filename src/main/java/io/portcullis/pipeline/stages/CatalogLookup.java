package io.portcullis.pipeline.stages;

import io.portcullis.catalog.Catalog;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.pipeline.CallContext;
import io.portcullis.pipeline.CallHandler;
import io.portcullis.pipeline.GatewayException;
import io.portcullis.pipeline.Stage;
import java.util.function.Supplier;
import tools.jackson.databind.node.ObjectNode;

/** C2.1: a tool that is not in the aggregated catalog is refused; a known one is attached to the call. */
public final class CatalogLookup implements Stage {
    private final Supplier<Catalog> catalog;

    public CatalogLookup(Supplier<Catalog> catalog) {
        this.catalog = catalog;
    }

    @Override
    public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
        ToolEntry entry = catalog.get().tool(call.toolName())
                .orElseThrow(() -> new GatewayException.UnknownTool(call.toolName()));
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
