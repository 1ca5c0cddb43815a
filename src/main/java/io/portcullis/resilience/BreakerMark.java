package io.portcullis.resilience;

import tools.jackson.databind.node.ObjectNode;

/**
 * #14 item 1: while an upstream's breaker is open, {@code tools/list} keeps listing its tools,
 * marked the way the readiness gate (G1) marks a refused tool: the description starts with the
 * reason, and {@code _meta["io.portcullis/breaker"]} says when it will be tried again.
 */
public final class BreakerMark {
    private BreakerMark() {}

    /** The definition as listed: unchanged unless the breaker is open, else a marked copy. */
    public static ObjectNode marked(ObjectNode definition, String upstream, Protection protection) {
        if (protection == null || !protection.breakerOpen()) {
            return definition;
        }
        long after = protection.retryAfterSeconds();
        ObjectNode d = definition.deepCopy();
        d.put("description", "[upstream " + upstream + " is failing (circuit breaker open), tried again in " + after + " s] "
                + d.path("description").asString(""));
        ObjectNode meta = d.get("_meta") instanceof ObjectNode m ? m : d.putObject("_meta");
        meta.putObject("io.portcullis/breaker").put("upstream", upstream).put("state", "open").put("retryAfter", after);
        return d;
    }
}
