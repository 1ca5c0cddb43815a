package io.portcullis.identity;

import java.util.List;

/**
 * An authentication refusal, saying how the transport must answer and why. Transports map it to
 * HTTP in one place (401 with {@code WWW-Authenticate: Bearer resource_metadata=...}, 403 with
 * {@code error="insufficient_scope"}, 503 when a key source is unreachable); the request never
 * reaches an upstream.
 */
public class AuthException extends Exception {
    /** The OAuth error code of RFC 6750 section 3.1, or null for a request that carried no credentials. */
    public enum Error {
        INVALID_REQUEST("invalid_request"),
        INVALID_TOKEN("invalid_token"),
        INSUFFICIENT_SCOPE("insufficient_scope"),
        UNAVAILABLE("temporarily_unavailable");

        public final String code;

        Error(String code) {
            this.code = code;
        }
    }

    private final int status;
    private final Error error;
    private final List<String> requiredScopes;

    public AuthException(int status, Error error, String reason, List<String> requiredScopes) {
        super(reason, null, false, false);
        this.status = status;
        this.error = error;
        this.requiredScopes = requiredScopes == null ? List.of() : List.copyOf(requiredScopes);
    }

    /** 401: the credential is missing, malformed, expired, revoked or not for this gateway. */
    public static AuthException invalid(String reason) {
        return new AuthException(401, Error.INVALID_TOKEN, reason, null);
    }

    /** 401 without an error code: the request carried no credentials at all (RFC 6750 section 3.1). */
    public static AuthException missing(String reason) {
        return new AuthException(401, null, reason, null);
    }

    /** 403: the credential is good but lacks scopes this environment requires. */
    public static AuthException insufficientScope(List<String> required, String reason) {
        return new AuthException(403, Error.INSUFFICIENT_SCOPE, reason, required);
    }

    /** 503: the credential could not be checked (JWKS or introspection endpoint unreachable). Never a grant. */
    public static AuthException unavailable(String reason) {
        return new AuthException(503, Error.UNAVAILABLE, reason, null);
    }

    /** The HTTP status: 401, 403 or 503. */
    public int status() {
        return status;
    }

    /** The RFC 6750 error code, or null when no credentials were presented. */
    public Error error() {
        return error;
    }

    /** For 403: the scopes the environment requires. */
    public List<String> requiredScopes() {
        return requiredScopes;
    }

    /** Why; safe to show the caller (never contains the credential). */
    public String reason() {
        return getMessage();
    }

    /**
     * Thrown by a strategy when the credentials are not of its kind (no bearer token, a token of
     * an issuer it does not serve...). {@link Authenticator#orElse} then asks the next strategy;
     * at the end of the chain it becomes a 401.
     */
    public static final class NotMine extends AuthException {
        public NotMine(String reason) {
            super(401, null, reason, null);
        }
    }
}
