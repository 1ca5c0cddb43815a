package io.portcullis.pipeline.stages;

import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Stage;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * C2.3: the arguments must satisfy the upstream's inputSchema and the catalog's overlay
 * (allowlists, patterns, formats, lengths, ranges, path roots). A violation never reaches the
 * upstream; the client gets an {@code isError} result naming the argument and the constraint.
 * The step is {@link Admission#arguments} (#12 item 3).
 */
public final class Arguments implements Stage {

    @Override
    public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
        Optional<GatewayException.Refused> violation = Admission.arguments(call.requireTool(), call.arguments());
        if (violation.isPresent()) {
            call.trail().note("argument constraint: " + violation.get().getMessage());
            throw violation.get();
        }
        return next.handle(call);
    }

    @Override
    public String name() {
        return "arguments";
    }

    @Override
    public java.util.List<String> checklist() {
        return java.util.List.of("C2.3");
    }
}
