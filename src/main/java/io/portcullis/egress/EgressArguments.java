package io.portcullis.egress;

import io.portcullis.call.CallContext;
import io.portcullis.call.CallTrail;
import io.portcullis.call.GatewayException;
import io.portcullis.catalog.ToolEntry;
import io.portcullis.protocol.Json;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Two more directions of #13 item 2 (C5.1, C5.2), beside results ({@link ResultFilter}) and what an
 * upstream sends during a call ({@link EgressRelay}):
 * <ul>
 *   <li>the arguments of a call to a tool labelled {@code egress} (data leaving through a tool is
 *       exfiltration too): scanned before the upstream sees them, with the tool's actions; a
 *       {@code block} class refuses the call, naming the control and the classes;</li>
 *   <li>an upstream's JSON-RPC error (its {@code message} and {@code data}): redacted like a
 *       result, or, when a class blocks or the scan fails, replaced by a refusal of the control
 *       {@code egress}.</li>
 * </ul>
 * Detections go into the call's trail (class, count, place, action; never the value, #13 item 6).
 */
final class EgressArguments {
    /** The catalog label that makes a tool's arguments a way out (#13 item 2). */
    static final String LABEL = "egress";

    private EgressArguments() {}

    /** The call with its arguments scanned when its tool is labelled {@code egress}; the call itself otherwise. */
    static CallContext apply(CallContext call, EgressConfig cfg, ResultFilter.Where where) throws GatewayException {
        ToolEntry tool = call.tool();
        if (tool == null || !tool.labels().contains(LABEL) || !(call.params().get("arguments") instanceof ObjectNode args)) {
            return call;
        }
        ObjectNode envelope = Json.object();
        envelope.set("arguments", args);
        ResultFilter.Outcome out;
        try {
            out = ResultFilter.apply(envelope, cfg, where);
        } catch (RuntimeException | StackOverflowError e) {
            call.trail().note("egress: the arguments could not be scanned: " + e.getClass().getSimpleName());
            throw new GatewayException.Refused("egress", "the arguments of " + tool.name()
                    + " (labelled egress) could not be checked for sensitive data, so the call is refused");
        }
        out.detections().forEach(d -> call.trail().redaction("arguments " + d.describe()));
        if (!out.blocking().isEmpty()) {
            throw new GatewayException.Refused("egress", "the call was refused: its arguments hold data of class "
                    + String.join(", ", new TreeSet<>(out.blocking())) + ", which may not leave through " + tool.name()
                    + " (labelled egress)");
        }
        if (out.reason() != null) {
            throw new GatewayException.Refused("egress", "the call was refused: its arguments could not be scanned ("
                    + out.reason() + ")");
        }
        JsonNode clean = out.result().get("arguments");
        if (clean == args) {
            return call;
        }
        ObjectNode params = call.params().deepCopy();
        params.set("arguments", clean);
        return call.withParams(params);
    }

    /** What the client may see of an upstream's JSON-RPC error. */
    static GatewayException upstreamError(GatewayException.UpstreamError e, EgressConfig cfg, ResultFilter.Where where,
                                          CallTrail trail, String upstream) {
        if (!(e.error() instanceof ObjectNode error)) {
            return e;
        }
        ObjectNode envelope = Json.object();
        envelope.set("error", error);
        ResultFilter.Outcome out;
        try {
            out = ResultFilter.apply(envelope, cfg, where);
        } catch (RuntimeException | StackOverflowError x) {
            trail.note("egress: the upstream's error could not be scanned: " + x.getClass().getSimpleName());
            return new GatewayException.Refused("egress", "the upstream's error could not be checked for sensitive data, so it is withheld");
        }
        out.detections().forEach(d -> trail.redaction("error " + d.describe()));
        if (!out.blocking().isEmpty()) {
            return new GatewayException.Refused("egress", "the upstream's error was withheld: it contains data of class "
                    + String.join(", ", new TreeSet<>(out.blocking())));
        }
        if (out.reason() != null) {
            return new GatewayException.Refused("egress", "the upstream's error was withheld: " + out.reason());
        }
        JsonNode clean = out.result().get("error");
        return clean == error ? e : new GatewayException.UpstreamError(upstream, clean);
    }
}
