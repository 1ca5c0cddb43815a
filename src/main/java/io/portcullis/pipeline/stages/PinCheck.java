package io.portcullis.pipeline.stages;

import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Stage;
import io.portcullis.catalog.Catalog;
import tools.jackson.databind.node.ObjectNode;

/**
 * #15 item 1, rug-pull protection: a tool whose upstream serves a definition that is not the pinned
 * one (or whose pin cannot be read: fail closed) is refused, the reason naming the control
 * {@code pin} and the review that releases it. The snapshot's catalog carries the quarantine,
 * worked out when the catalog was built (pin.Pins), so nothing is read per call. The step is
 * {@link Admission#pin} (#12 item 3), which {@code tools/list} runs too.
 */
public final class PinCheck implements Stage {
    private final Catalog catalog;

    public PinCheck(Catalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
        var refused = Admission.pin(catalog, call.toolName());
        if (refused.isPresent()) {
            throw refused.get();
        }
        return next.handle(call);
    }

    @Override
    public String name() {
        return "pin";
    }

    @Override
    public java.util.List<String> checklist() {
        return java.util.List.of("C7.2");
    }
}
