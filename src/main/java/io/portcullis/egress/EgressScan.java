package io.portcullis.egress;

import io.portcullis.catalog.ArgumentCheck;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Relay;
import io.portcullis.call.Stage;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The egress control (C5.1, C5.2; #13 items 1–3): what comes back from an upstream is scanned by
 * the detectors in force and each find gets its class's action (redact, mask, pseudonymize,
 * block, label) before the client sees it. It wraps {@code result-limit}, so a result is held to
 * its size limit (cut or refused) before it is scanned.
 *
 * <p>The call's record gets one entry per class and JSON pointer ({@code pii.email x2 at
 * /content/0/text: redact}): the class, count, place and action, never the value. A blocked
 * result becomes an {@code isError} naming the control {@code egress} and the classes. A result
 * whose redacted {@code structuredContent} no longer satisfies the tool's {@code outputSchema} is
 * blocked too, rather than sent invalid. Anything that goes wrong while scanning blocks (fail closed).
 */
public final class EgressScan implements Stage {
    private final EgressConfig config;

    public EgressScan(EgressConfig config) {
        this.config = config;
    }

    @Override
    public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
        EgressConfig cfg = config;
        if (cfg == null) { // fail closed: a chain built without egress settings never lets a result through unscanned
            throw new GatewayException.Refused(name(), "no egress settings are in force, so the call is refused");
        }
        if (!cfg.enabled()) {
            return next.handle(call);
        }
        ToolEntry tool = call.tool();
        String upstream = tool != null ? tool.upstream() : call.trail().upstream();
        ResultFilter.Where where = new ResultFilter.Where(call.environment(), tool != null ? tool.name() : call.toolName(),
                upstream, scopeKey(call, cfg));
        CallContext scanned = EgressArguments.apply(call, cfg, where);
        if (call.relay() != Relay.NONE) {
            // #13 item 2: logging, progress, sampling and elicitation of the upstream pass the same scan
            scanned = scanned.withRelay(new EgressRelay(call.relay(), cfg, where, call.trail()));
        }
        ObjectNode result;
        try {
            result = next.handle(scanned);
        } catch (GatewayException.UpstreamError e) {
            throw EgressArguments.upstreamError(e, cfg, where, call.trail(), upstream);
        }
        if (result == null) {
            return null;
        }
        ResultFilter.Outcome out;
        try {
            out = ResultFilter.apply(result, cfg, where);
        } catch (RuntimeException | StackOverflowError e) {
            call.trail().note("egress scan failed: " + e.getClass().getSimpleName());
            throw new GatewayException.Refused(name(), "the result could not be checked for sensitive data, so it is withheld");
        }
        out.detections().forEach(d -> {
            call.trail().redaction(d.describe());
            call.trail().detected(d.classId()); // #13 item 4: the conversation's labels
        });
        if (!out.blocking().isEmpty()) {
            throw new GatewayException.Refused(name(), "the result was withheld: it contains data of class "
                    + String.join(", ", new TreeSet<>(out.blocking())) + ", which this tool may not return here");
        }
        if (out.reason() != null) {
            throw new GatewayException.Refused(name(), "the result was withheld: " + out.reason());
        }
        if (out.structuredChanged() && tool != null) {
            JsonNode schema = tool.definition().get("outputSchema");
            if (schema != null && schema.isObject()) {
                Optional<String> invalid = ArgumentCheck.schemaViolation(schema, out.result().get("structuredContent"));
                if (invalid.isPresent()) {
                    call.trail().note("egress: the redacted structuredContent violates the outputSchema: " + invalid.get());
                    throw new GatewayException.Refused(name(), "the result was withheld: its structuredContent holds data of class "
                            + classes(out) + " and, with that data redacted, it would no longer satisfy the tool's outputSchema");
                }
            }
        }
        return out.result();
    }

    private static String classes(ResultFilter.Outcome out) {
        return String.join(", ", new TreeSet<>(out.detections().stream()
                .filter(d -> d.pointer().startsWith("/structuredContent") && d.action() != Action.LABEL)
                .map(ResultFilter.Detection::classId).toList()));
    }

    /** The pseudonym scope of this call: its session (or, without one, its principal and client), its principal, or nothing. */
    static String scopeKey(CallContext call, EgressConfig cfg) {
        String subject = call.principal() == null ? "" : call.principal().subject() + "|" + call.principal().clientId();
        return switch (cfg.pseudonyms().scope()) {
            case SESSION -> call.sessionId() != null ? "s:" + call.sessionId() : "p:" + subject;
            case PRINCIPAL -> "p:" + subject;
            case GLOBAL -> "";
        };
    }

    @Override
    public String name() {
        return "egress";
    }

    @Override
    public List<String> checklist() {
        return List.of("C5.1", "C5.2");
    }
}
