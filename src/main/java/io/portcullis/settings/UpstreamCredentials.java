package io.portcullis.settings;

import java.net.URI;
import java.time.Duration;

/**
 * #16 item 1 (C1.2): how the gateway authenticates to one upstream on behalf of a caller
 * ({@code upstreams.<name>.credentials}). Secrets come from environment variables or files, never
 * from the config text.
 *
 * @param mode          which credential the upstream gets
 * @param audience      token_exchange: the audience asked for (RFC 8693 {@code audience}); the upstream's identifier at the IdP
 * @param tokenEndpoint token_exchange: the IdP's token endpoint
 * @param clientId      token_exchange: the gateway's client id at the IdP
 * @param clientSecret  token_exchange: the gateway's client secret (sent with HTTP Basic), or null for a public client
 * @param scope         token_exchange: the scope asked for, or null
 * @param refreshBefore token_exchange: an exchanged token is used until this long before it expires, then exchanged again
 * @param token         service: the static token (sent as {@code Authorization: Bearer ...})
 * @param usersReason   service: null when only service principals may use the credential; else why interactive users
 *                      may too (the config's explicit exception, shown by the readiness report)
 * @param authorizationEndpoint user_oauth: the third party's authorization endpoint (authorization code + PKCE);
 *                      user_oauth also uses tokenEndpoint, clientId, clientSecret, scope, refreshBefore and (optional)
 *                      audience, which a JWT access token must name
 */
public record UpstreamCredentials(Mode mode, String audience, URI tokenEndpoint, String clientId,
                                  UpstreamConfig.HeaderSource clientSecret, String scope, Duration refreshBefore,
                                  UpstreamConfig.HeaderSource token, String usersReason, URI authorizationEndpoint) {

    /** {@code none}, {@code token_exchange}, {@code service}, {@code user_oauth} (#16 item 1). */
    public enum Mode {
        NONE, TOKEN_EXCHANGE, SERVICE, USER_OAUTH;

        /** The name in the config and the audit record. */
        public String id() {
            return name().toLowerCase();
        }
    }

    public static final Duration DEFAULT_REFRESH_BEFORE = Duration.ofSeconds(30);

    /** {@code credentials: {mode: none}}: the upstream gets no credential of the caller's or the gateway's. */
    public static final UpstreamCredentials NONE = new UpstreamCredentials(Mode.NONE, null, null, null, null, null, null, null, null, null);

    public UpstreamCredentials {
        refreshBefore = refreshBefore == null ? DEFAULT_REFRESH_BEFORE : refreshBefore;
    }

    /** The shape before {@code user_oauth}: no authorization endpoint. */
    public UpstreamCredentials(Mode mode, String audience, URI tokenEndpoint, String clientId, UpstreamConfig.HeaderSource clientSecret,
                               String scope, Duration refreshBefore, UpstreamConfig.HeaderSource token, String usersReason) {
        this(mode, audience, tokenEndpoint, clientId, clientSecret, scope, refreshBefore, token, usersReason, null);
    }

    /** The scope as stored with a grant (the empty string for none). */
    public String scopeKey() {
        return scope == null ? "" : scope;
    }

    /** Whether interactive (user) principals may use a {@code service} credential: only by an explicit exception. */
    public boolean usersAllowed() {
        return usersReason != null;
    }
}
