package io.portcullis.policy;

import io.portcullis.identity.Principal;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * One question to the policy: may this principal call this tool, in this environment, with these
 * arguments?
 *
 * @param principal     who is calling (CEL: {@code principal})
 * @param environment   the environment of the route the call came in on (CEL: {@code env})
 * @param tool          the catalog's facts about the tool (CEL: {@code tool})
 * @param arguments     the call's arguments (CEL: {@code args}); null means "unknown", which is how
 *                      {@link Policy#visible} asks about {@code tools/list} ({@link Policy#decide}
 *                      takes null as {@code {}}, a call without arguments)
 * @param sessionLabels data labels seen earlier in the session, e.g. {@code "sensitive"} (CEL:
 *                      {@code session.labels}); null is taken as empty
 */
public record PolicyRequest(Principal principal, String environment, ToolFacts tool, ObjectNode arguments,
        Set<String> sessionLabels) {
    public PolicyRequest {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(tool, "tool");
        sessionLabels = sessionLabels == null ? Set.of() : Set.copyOf(sessionLabels);
    }

    /** The same request with the arguments unknown: what {@link Policy#visible} takes. */
    public PolicyRequest withoutArguments() {
        return new PolicyRequest(principal, environment, tool, null, sessionLabels);
    }
}
