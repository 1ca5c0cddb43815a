package io.portcullis.pipeline.stages;

import io.portcullis.call.CallContext;
import io.portcullis.call.CallHandler;
import io.portcullis.call.GatewayException;
import io.portcullis.call.Stage;
import io.portcullis.ratelimit.RateLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * C6.3 (#14 item 3): the loop breaker, the token buckets and the concurrency limit of the call's
 * environment ({@link RateLimits}). After the catalog stage, so the tool's risk class is known; a
 * refusal names the control {@code rate-limit}, the rule and the seconds until a retry may pass.
 * A limiter that fails in an unexpected way refuses (fail closed).
 */
public final class RateLimit implements Stage {
    private static final Logger LOG = LoggerFactory.getLogger(RateLimit.class);
    private final RateLimits limits;

    /** @param limits the gateway's limiter; null refuses every call (fail closed) */
    public RateLimit(RateLimits limits) {
        this.limits = limits;
    }

    @Override
    public ObjectNode handle(CallContext call, CallHandler next) throws GatewayException {
        if (limits == null) {
            throw new GatewayException.Refused(name(), "the rate limiter is not available, so the call is refused (fail closed)");
        }
        RateLimits.Permit permit;
        try {
            permit = limits.admit(call.principal(), call.environment(), call.requireTool(), call.arguments());
        } catch (RuntimeException e) {
            LOG.warn("call {}: the rate limiter failed: {}", call.callId(), e.toString());
            throw new GatewayException.Refused(name(), "the rate limiter failed, so the call is refused (fail closed)");
        }
        try (permit) {
            return next.handle(call);
        }
    }

    @Override
    public String name() {
        return RateLimits.CONTROL;
    }

    @Override
    public java.util.List<String> checklist() {
        return java.util.List.of("C6.3");
    }
}
