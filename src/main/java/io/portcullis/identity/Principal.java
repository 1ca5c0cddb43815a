package io.portcullis.identity;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The effective identity of one call (checklist C1.1): who (a human user or a service role),
 * through which client, in which environment, authenticated how. Immutable; policy decides on it
 * and the audit log records all of it.
 *
 * @param subject     stable id of the caller (the token's {@code sub}, an API key's role, ...)
 * @param kind        a human user or a service role; an API key never yields {@link Kind#USER}
 * @param displayName a name for people reading logs; may equal the subject
 * @param roles       roles and groups, as mapped from the credential
 * @param clientId    the OAuth client / MCP client the call came through
 * @param environment the environment the call is made in (from the route)
 * @param authMethod  how the caller was authenticated ("none" when the deployment runs open)
 * @param tokenId     the credential's id ({@code jti}, key prefix), or null
 * @param expiresAt   when the credential expires, or null
 */
public record Principal(
        String subject,
        Kind kind,
        String displayName,
        List<String> roles,
        String clientId,
        String environment,
        String authMethod,
        String tokenId,
        Instant expiresAt) {

    public enum Kind { USER, SERVICE, ANONYMOUS }

    public Principal {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(authMethod, "authMethod");
        roles = roles == null ? List.of() : List.copyOf(roles);
        displayName = displayName == null ? subject : displayName;
    }

    /** The caller of a deployment that has no authentication configured (the demo). */
    public static Principal anonymous(String environment, String clientId) {
        return new Principal("anonymous", Kind.ANONYMOUS, "anonymous", List.of(), clientId, environment, "none", null, null);
    }

    public Principal withClientId(String client) {
        return new Principal(subject, kind, displayName, roles, client, environment, authMethod, tokenId, expiresAt);
    }
}
