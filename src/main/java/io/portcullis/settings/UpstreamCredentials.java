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
 * @param authMethod    oauth (issue 17): how the gateway's client authenticates at the token endpoint
 *                      (client_secret_basic, client_secret_post), or null to pick from what the server offers;
 *                      oauth also uses clientId (null: dynamic registration), clientSecret, scope (added to what the
 *                      upstream asks for) and usersReason, as service does
 * @param privateKey    oauth: the PKCS#8 PEM key of a private_key_jwt client (RFC 7523) instead of a secret, or null
 * @param privateKeyAlg oauth: its JWS algorithm (ES256 when not set)
 * @param maxUserSessions token_exchange, user_oauth (#16): the most per-user upstream connections (one upstream session
 *                      each) kept open at once; over it the least recently used idle one is closed, and a new user is
 *                      refused (control {@code credentials}) while none is idle
 * @param userSessionIdle token_exchange, user_oauth (#16): a per-user upstream connection unused this long is closed
 *                      (its upstream session ended with DELETE)
 * @param clientMetadataUrl user_oauth without endpoints (issue 17, task h3): the https URL of the gateway's client ID
 *                      metadata document, used as client_id where the authorization server supports them; or null
 */
public record UpstreamCredentials(Mode mode, String audience, URI tokenEndpoint, String clientId,
                                  UpstreamConfig.HeaderSource clientSecret, String scope, Duration refreshBefore,
                                  UpstreamConfig.HeaderSource token, String usersReason, URI authorizationEndpoint,
                                  String authMethod, java.nio.file.Path privateKey, String privateKeyAlg,
                                  int maxUserSessions, Duration userSessionIdle, URI clientMetadataUrl) {

    /**
     * {@code none}, {@code token_exchange}, {@code service}, {@code user_oauth} (#16 item 1); {@code oauth}
     * (issue 17): the gateway's own OAuth client (client-credentials grant) at the upstream's authorization
     * server, found from the upstream's 401, on the whole connection.
     */
    public enum Mode {
        NONE, TOKEN_EXCHANGE, SERVICE, USER_OAUTH, OAUTH;

        /** The name in the config and the audit record. */
        public String id() {
            return name().toLowerCase();
        }
    }

    public static final Duration DEFAULT_REFRESH_BEFORE = Duration.ofSeconds(30);

    /** {@code credentials: {mode: none}}: the upstream gets no credential of the caller's or the gateway's. */
    public static final UpstreamCredentials NONE = new UpstreamCredentials(Mode.NONE, null, null, null, null, null, null, null, null, null, null);

    /** #16: the default cap on per-user upstream connections of one upstream. */
    public static final int DEFAULT_MAX_USER_SESSIONS = 100;
    /** #16: the default idle time after which a per-user upstream connection is closed. */
    public static final Duration DEFAULT_USER_SESSION_IDLE = Duration.ofMinutes(10);

    public UpstreamCredentials {
        refreshBefore = refreshBefore == null ? DEFAULT_REFRESH_BEFORE : refreshBefore;
        maxUserSessions = maxUserSessions <= 0 ? DEFAULT_MAX_USER_SESSIONS : maxUserSessions;
        userSessionIdle = userSessionIdle == null ? DEFAULT_USER_SESSION_IDLE : userSessionIdle;
    }

    /** The shape before user_oauth discovered its endpoints (issue 17, task h3): no client ID metadata document. */
    public UpstreamCredentials(Mode mode, String audience, URI tokenEndpoint, String clientId, UpstreamConfig.HeaderSource clientSecret,
                               String scope, Duration refreshBefore, UpstreamConfig.HeaderSource token, String usersReason,
                               URI authorizationEndpoint, String authMethod, java.nio.file.Path privateKey, String privateKeyAlg,
                               int maxUserSessions, Duration userSessionIdle) {
        this(mode, audience, tokenEndpoint, clientId, clientSecret, scope, refreshBefore, token, usersReason, authorizationEndpoint,
                authMethod, privateKey, privateKeyAlg, maxUserSessions, userSessionIdle, null);
    }

    /**
     * Issue 17 (task h3): {@code user_oauth} without configured endpoints discovers them from the upstream and
     * registers itself (the shared OAuth client, {@code io.portcullis.oauthclient.ConsentClient}).
     */
    public boolean discovered() {
        return mode == Mode.USER_OAUTH && authorizationEndpoint == null;
    }

    /** The shape of per-user upstream connections (#16), without a private key: the cap and idle time given. */
    public UpstreamCredentials(Mode mode, String audience, URI tokenEndpoint, String clientId, UpstreamConfig.HeaderSource clientSecret,
                               String scope, Duration refreshBefore, UpstreamConfig.HeaderSource token, String usersReason,
                               URI authorizationEndpoint, String authMethod, int maxUserSessions, Duration userSessionIdle) {
        this(mode, audience, tokenEndpoint, clientId, clientSecret, scope, refreshBefore, token, usersReason, authorizationEndpoint,
                authMethod, null, null, maxUserSessions, userSessionIdle);
    }

    /** The shape of {@code oauth} with private_key_jwt (#17), without per-user connections: the default cap and idle time. */
    public UpstreamCredentials(Mode mode, String audience, URI tokenEndpoint, String clientId, UpstreamConfig.HeaderSource clientSecret,
                               String scope, Duration refreshBefore, UpstreamConfig.HeaderSource token, String usersReason,
                               URI authorizationEndpoint, String authMethod, java.nio.file.Path privateKey, String privateKeyAlg) {
        this(mode, audience, tokenEndpoint, clientId, clientSecret, scope, refreshBefore, token, usersReason, authorizationEndpoint,
                authMethod, privateKey, privateKeyAlg, 0, null);
    }

    /**
     * #16: whether the upstream is reached with each user's own token (token_exchange, user_oauth), so the
     * gateway keeps one upstream connection per user, every request of it carrying that user's token.
     */
    public boolean perUser() {
        return mode == Mode.TOKEN_EXCHANGE || mode == Mode.USER_OAUTH;
    }

    /** The shape before {@code oauth} had private_key_jwt and before per-user connections: neither. */
    public UpstreamCredentials(Mode mode, String audience, URI tokenEndpoint, String clientId, UpstreamConfig.HeaderSource clientSecret,
                               String scope, Duration refreshBefore, UpstreamConfig.HeaderSource token, String usersReason,
                               URI authorizationEndpoint, String authMethod) {
        this(mode, audience, tokenEndpoint, clientId, clientSecret, scope, refreshBefore, token, usersReason, authorizationEndpoint,
                authMethod, null, null, 0, null);
    }

    /** The shape before {@code oauth}: no token endpoint auth method. */
    public UpstreamCredentials(Mode mode, String audience, URI tokenEndpoint, String clientId, UpstreamConfig.HeaderSource clientSecret,
                               String scope, Duration refreshBefore, UpstreamConfig.HeaderSource token, String usersReason,
                               URI authorizationEndpoint) {
        this(mode, audience, tokenEndpoint, clientId, clientSecret, scope, refreshBefore, token, usersReason, authorizationEndpoint, null,
                0, null);
    }

    /** The shape before {@code user_oauth}: no authorization endpoint. */
    public UpstreamCredentials(Mode mode, String audience, URI tokenEndpoint, String clientId, UpstreamConfig.HeaderSource clientSecret,
                               String scope, Duration refreshBefore, UpstreamConfig.HeaderSource token, String usersReason) {
        this(mode, audience, tokenEndpoint, clientId, clientSecret, scope, refreshBefore, token, usersReason, null, null, 0, null);
    }

    /** The scope as stored with a grant (the empty string for none). */
    public String scopeKey() {
        return scope == null ? "" : scope;
    }

    /** Whether interactive (user) principals may use a {@code service} (or {@code oauth}) credential: only by an explicit exception. */
    public boolean usersAllowed() {
        return usersReason != null;
    }
}
