package io.portcullis.identity;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The effective identity of one call (checklist C1.1): who (a human user or a service role),
 * through which client, in which environment, authenticated how. Immutable; policy decides on it
 * and the audit log records all of it.
 *
 * @param subject     stable id of the caller (the token's {@code sub}, an API key's name, a certificate's mapped subject)
 * @param kind        a human user or a service role; an API key never yields {@link Kind#USER}
 * @param displayName a name for people reading logs; may equal the subject
 * @param roles       roles and groups, as mapped from the credential
 * @param clientId    the OAuth client / MCP client the call came through
 * @param environment the environment the call is made in (from the route)
 * @param authMethod  how the caller was authenticated: {@code jwt}, {@code introspection}, {@code api_key},
 *                    {@code mtls}, {@code local} (stdio), or {@code none} when the deployment runs open
 * @param tokenId     the credential's id ({@code jti}, API key prefix, certificate serial), or null
 * @param expiresAt   when the credential expires, or null
 * @param issuer      who vouches for the subject (token issuer, certificate issuer DN, {@code portcullis}
 *                    for API keys, {@code local} for stdio); subjects are unique only per issuer
 * @param email       the caller's e-mail address when the credential carries one, or null
 * @param scopes      the OAuth scopes the credential grants (empty for other credentials)
 * @param subjectToken the verified bearer token itself (JWT or introspected), kept only in memory for the token
 *                    exchange to upstreams (#16 item 1); null for other credentials. It never prints ({@link SubjectToken})
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
        Instant expiresAt,
        String issuer,
        String email,
        List<String> scopes,
        SubjectToken subjectToken) {

    public enum Kind { USER, SERVICE, ANONYMOUS }

    public Principal {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(authMethod, "authMethod");
        roles = roles == null ? List.of() : List.copyOf(roles);
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
        displayName = displayName == null ? subject : displayName;
    }

    /** A principal without a subject token (API keys, certificates, stdio, tests). */
    public Principal(String subject, Kind kind, String displayName, List<String> roles, String clientId, String environment,
                     String authMethod, String tokenId, Instant expiresAt, String issuer, String email, List<String> scopes) {
        this(subject, kind, displayName, roles, clientId, environment, authMethod, tokenId, expiresAt, issuer, email, scopes, null);
    }

    /** The same principal, holding the bearer token it was verified from (#16 item 1: for the token exchange). */
    public Principal withSubjectToken(SubjectToken token) {
        return new Principal(subject, kind, displayName, roles, clientId, environment, authMethod, tokenId, expiresAt,
                issuer, email, scopes, token);
    }

    /** The original shape (before issuer, email and scopes were added); those three stay empty. */
    public Principal(String subject, Kind kind, String displayName, List<String> roles, String clientId,
                     String environment, String authMethod, String tokenId, Instant expiresAt) {
        this(subject, kind, displayName, roles, clientId, environment, authMethod, tokenId, expiresAt, null, null, List.of());
    }

    /** The caller of a deployment that has no authentication configured (the demo). */
    public static Principal anonymous(String environment, String clientId) {
        return new Principal("anonymous", Kind.ANONYMOUS, "anonymous", List.of(), clientId, environment, "none", null, null);
    }

    public Principal withClientId(String client) {
        return new Principal(subject, kind, displayName, roles, client, environment, authMethod, tokenId, expiresAt,
                issuer, email, scopes, subjectToken);
    }

    /**
     * Whether {@code other} is the same caller: same issuer, subject and kind. A session opened by
     * one caller is refused to every other caller, even one holding a valid credential of its own.
     */
    public boolean sameCaller(Principal other) {
        return other != null && subject.equals(other.subject) && kind == other.kind
                && Objects.equals(issuer, other.issuer);
    }
}
