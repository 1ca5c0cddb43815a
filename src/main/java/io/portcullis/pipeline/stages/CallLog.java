package io.portcullis.pipeline.stages;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.portcullis.identity.Principal;
import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Stage;
import io.portcullis.redact.Sanitizer;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One structured line per call, allowed or refused: who (the principal's fields), where, which
 * tool, the outcome, the control that refused, and how long it took. Logger {@code portcullis.calls}.
 */
public final class CallLog implements Stage {
    private static final Logger LOG = LoggerFactory.getLogger("portcullis.calls");
    private final io.portcullis.call.CallObserver observer;

    /** A call log that tells nobody else (the task-result and read chains). */
    public CallLog() {
        this(io.portcullis.call.CallObserver.NONE);
    }

    /** @param observer told of every finished call after its line is logged (#18 item 1: the metrics) */
    public CallLog(io.portcullis.call.CallObserver observer) {
        this.observer = observer;
    }
    /** #11 item 8: an error can quote argument values; logged through the same sanitizer as the audit log. */
    private static final Sanitizer ERRORS = Sanitizer.forRecords(java.util.List.of(), 2000);

    @Override
    public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
        String outcome = "ok";
        String control = null;
        String error = null;
        try {
            ObjectNode result = next.handle(call);
            if (result.path("isError").asBoolean(false)) {
                outcome = "tool_error";
            }
            return result;
        } catch (GatewayException e) {
            outcome = e instanceof GatewayException.Refused || e instanceof GatewayException.UnknownTool ? "refused" : "failed";
            control = e.control();
            error = e.getMessage();
            throw e;
        } catch (RuntimeException e) {
            outcome = "failed";
            control = "gateway";
            error = e.toString();
            throw e;
        } finally {
            Duration took = Duration.between(call.started(), Instant.now());
            Principal p = call.principal();
            // #11 item 19: one placeholder per value (15), so the refusal reason (error) is on the line
            LOG.info("call {} {} {} {} {} {} {} {} {} {} {} {} {} {} {}",
                    kv("call_id", call.callId()),
                    kv("tool", call.toolName()),
                    kv("upstream", call.trail().upstream()),
                    kv("env", call.environment()),
                    kv("subject", p.subject()),
                    kv("principal_kind", p.kind().name().toLowerCase()),
                    kv("client", p.clientId()),
                    kv("auth", p.authMethod()),
                    kv("token_id", p.tokenId()),
                    kv("issuer", p.issuer()),
                    kv("session", call.sessionId()),
                    kv("outcome", outcome),
                    kv("control", control),
                    kv("ms", took.toMillis()),
                    error == null ? kv("error", null) : kv("error", ERRORS.text(error)));
            observer.completed(call, outcome, control, took);
        }
    }

    @Override
    public String name() {
        return "call-log";
    }
}
