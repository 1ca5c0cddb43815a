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
 * @param sessionLabels data labels seen earlier in the conversation, e.g. {@code "customer-data"} (CEL:
 *                      {@code session.labels}); null is taken as empty
 * @param sessionTools  the tools called earlier in the conversation (CEL: {@code session.tools}, #13 item 5); null is empty
 * @param sessionCalls  how many calls the conversation had (CEL: {@code session.calls}, #13 item 5)
 */
public record PolicyRequest(Principal principal, String environment, ToolFacts tool, ObjectNode arguments,
        Set<String> sessionLabels, java.util.List<String> sessionTools, long sessionCalls) {
    public PolicyRequest {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(tool, "tool");
        sessionLabels = sessionLabels == null ? Set.of() : Set.copyOf(sessionLabels);
        sessionTools = sessionTools == null ? java.util.List.of() : java.util.List.copyOf(sessionTools);
    }

    /** A request that knows the conversation's labels only (no tools, no calls). */
    public PolicyRequest(Principal principal, String environment, ToolFacts tool, ObjectNode arguments, Set<String> sessionLabels) {
        this(principal, environment, tool, arguments, sessionLabels, null, 0);
    }

    /** The same request with the arguments unknown: what {@link Policy#visible} takes. */
    public PolicyRequest withoutArguments() {
        return new PolicyRequest(principal, environment, tool, null, sessionLabels, sessionTools, sessionCalls);
    }
}
