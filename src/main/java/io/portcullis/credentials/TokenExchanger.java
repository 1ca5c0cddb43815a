package io.portcullis.credentials;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import com.nimbusds.oauth2.sdk.token.TypelessToken;
import com.nimbusds.oauth2.sdk.tokenexchange.TokenExchangeGrant;
import io.portcullis.call.Delegation;
import io.portcullis.identity.Principal;
import io.portcullis.identity.SubjectToken;
import io.portcullis.settings.UpstreamCredentials;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * #16 item 1 (C1.2), mode {@code token_exchange}: exchanges the caller's verified token at the IdP
 * (RFC 8693, Nimbus {@link TokenExchangeGrant}) for a token whose audience is the upstream, and
 * keeps it per user (and per token they present) until {@code refresh_before} before it expires,
 * never past the caller's own token. Nothing here logs or returns a token in a message.
 */
public final class TokenExchanger {
    /** An exchanged token the IdP gives no lifetime for is used this long at most. */
    static final long DEFAULT_LIFETIME_S = 300;
    private static final int MAX_ENTRIES = 10_000;

    /** Why an exchange failed: one line, without any token. */
    public static final class ExchangeFailed extends Exception {
        ExchangeFailed(String message) {
            super(message, null, false, false);
        }
    }

    private record Key(String issuer, String subject, Principal.Kind kind, String upstream, String audience, String subjectToken) {}

    private record Entry(Delegation delegation, Instant useUntil) {}

    private final Clock clock;
    private final Map<Key, Entry> cache = new ConcurrentHashMap<>();

    public TokenExchanger(Clock clock) {
        this.clock = clock;
    }

    /**
     * The delegation of {@code caller} to {@code upstream}: from the cache, or exchanged now.
     *
     * @param timeout how long the IdP may take to connect and to answer, each (the upstream's call timeout)
     * @throws ExchangeFailed when the caller has no token to exchange, the IdP refuses or cannot be reached
     */
    public Delegation delegation(String upstream, UpstreamCredentials c, Principal caller, java.time.Duration timeout)
            throws ExchangeFailed {
        SubjectToken token = caller.subjectToken();
        if (token == null) {
            throw new ExchangeFailed("the caller (auth " + caller.authMethod() + ") has no OAuth token to exchange for upstream "
                    + upstream);
        }
        Key key = new Key(caller.issuer(), caller.subject(), caller.kind(), upstream, c.audience(), token.hashPrefix());
        Instant now = clock.instant();
        Entry hit = cache.get(key);
        if (hit != null && now.isBefore(hit.useUntil())) {
            return hit.delegation();
        }
        Entry fresh = exchange(upstream, c, caller, token, now, (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())));
        if (cache.size() >= MAX_ENTRIES) {
            cache.values().removeIf(e -> !now.isBefore(e.useUntil()));
        }
        if (cache.size() < MAX_ENTRIES && now.isBefore(fresh.useUntil())) {
            cache.put(key, fresh);
        }
        return fresh.delegation();
    }

    /** Cached exchanged tokens (for tests and the admin view). */
    public int cached() {
        return cache.size();
    }

    private Entry exchange(String upstream, UpstreamCredentials c, Principal caller, SubjectToken token, Instant now,
                           int timeoutMs) throws ExchangeFailed {
        TokenExchangeGrant grant = new TokenExchangeGrant(new TypelessToken(token.reveal()), TokenTypeURI.ACCESS_TOKEN,
                null, null, TokenTypeURI.ACCESS_TOKEN, List.of(new Audience(c.audience())));
        Scope scope = c.scope() == null ? null : Scope.parse(c.scope());
        TokenRequest request;
        try {
            request = c.clientSecret() == null
                    ? new TokenRequest(c.tokenEndpoint(), new ClientID(c.clientId()), grant, scope)
                    : new TokenRequest(c.tokenEndpoint(), new ClientSecretBasic(new ClientID(c.clientId()),
                            new Secret(c.clientSecret().resolve())), grant, scope);
        } catch (IllegalStateException e) {
            throw new ExchangeFailed("the client secret for the token exchange of upstream " + upstream + " is missing: "
                    + e.getMessage());
        }
        TokenResponse response;
        try {
            HTTPRequest http = request.toHTTPRequest();
            http.setConnectTimeout(timeoutMs);
            http.setReadTimeout(timeoutMs);
            http.setFollowRedirects(false);
            response = TokenResponse.parse(http.send());
        } catch (Exception e) {
            throw new ExchangeFailed("the token exchange for upstream " + upstream + " failed: the IdP at "
                    + c.tokenEndpoint().getHost() + " could not be reached or answered garbage (" + e.getClass().getSimpleName() + ")");
        }
        if (!response.indicatesSuccess()) {
            ErrorObject err = ((TokenErrorResponse) response).getErrorObject();
            String code = err == null || err.getCode() == null ? "HTTP " + (err == null ? "?" : err.getHTTPStatusCode()) : err.getCode();
            throw new ExchangeFailed("the IdP refused the token exchange for upstream " + upstream + " (" + code + ")");
        }
        AccessToken access = ((AccessTokenResponse) response).getTokens().getAccessToken();
        String value = access.getValue();
        Delegation d;
        Instant expires = null;
        try {
            JWTClaimsSet claims = JWTParser.parse(value).getJWTClaimsSet(); // as the IdP issued it: described, not verified
            Object act = claims.getClaim("act");
            String actor = act instanceof Map<?, ?> m && m.get("sub") != null ? m.get("sub").toString() : null;
            d = new Delegation(UpstreamCredentials.Mode.TOKEN_EXCHANGE.id(), upstream, caller.subject(), claims.getSubject(),
                    claims.getAudience() == null ? null : String.join(",", claims.getAudience()), actor, claims.getJWTID(),
                    SubjectToken.hashPrefix(value), "Bearer " + value);
            expires = claims.getExpirationTime() == null ? null : claims.getExpirationTime().toInstant();
            if (claims.getAudience() == null || !claims.getAudience().contains(c.audience())) {
                // #16 item 6: a token for another audience is not sent (the upstream would be a confused deputy's target)
                throw new ExchangeFailed("the IdP returned a token for the wrong audience " + claims.getAudience()
                        + " for upstream " + upstream + " (expected " + c.audience() + ")");
            }
        } catch (java.text.ParseException | RuntimeException opaque) {
            d = new Delegation(UpstreamCredentials.Mode.TOKEN_EXCHANGE.id(), upstream, caller.subject(), null, c.audience(),
                    null, null, SubjectToken.hashPrefix(value), "Bearer " + value);
        }
        if (access.getLifetime() > 0) {
            expires = now.plusSeconds(access.getLifetime());
        } else if (expires == null) {
            expires = now.plusSeconds(DEFAULT_LIFETIME_S);
        }
        Instant until = expires.minus(c.refreshBefore());
        if (caller.expiresAt() != null && caller.expiresAt().isBefore(until)) {
            until = caller.expiresAt(); // never beyond the caller's own token
        }
        return new Entry(d, until);
    }
}
