package io.portcullis.identity;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.jwt.JWTParser;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer tokens that are not verified locally: opaque tokens, and JWTs of issuers configured with
 * introspection only. Each goes to the issuer's RFC 7662 endpoint (a JWT to the issuer it names;
 * an opaque token to each introspecting issuer in turn until one says it is active). The answer is
 * cached by token hash for the issuer's {@code cache} time, never past the token's expiry.
 */
final class IntrospectionAuthenticator implements Authenticator {
    private static final Logger LOG = LoggerFactory.getLogger(IntrospectionAuthenticator.class);

    private final List<ClaimRules> issuers;
    private final TokenCache cache;
    private final Clock clock;

    IntrospectionAuthenticator(List<ClaimRules> issuers, TokenCache cache, Clock clock) {
        this.issuers = List.copyOf(issuers);
        this.cache = cache;
        this.clock = clock;
    }

    @Override
    public Principal authenticate(Credentials in, String environment) throws AuthException {
        String token = in.bearer();
        if (token == null || issuers.isEmpty()) {
            throw new AuthException.NotMine("");
        }
        Instant now = clock.instant();
        TokenCache.Key key = TokenCache.key(token, environment);
        TokenCache.Entry hit = cache.get(key, now);
        if (hit != null) {
            return hit.recheck(now);
        }
        List<ClaimRules> candidates = issuers;
        String named = issuerNamed(token);
        if (named != null) {
            candidates = issuers.stream().filter(r -> r.issuer().issuer().equals(named)).toList();
            if (candidates.isEmpty()) {
                throw new AuthException.NotMine("no introspecting issuer is " + named);
            }
        }
        AuthException unavailable = null;
        for (ClaimRules r : candidates) {
            TokenIntrospectionSuccessResponse answer;
            try {
                answer = introspect(r, token);
            } catch (AuthException e) {
                unavailable = e;
                continue;
            }
            if (!answer.isActive()) {
                continue;
            }
            ClaimRules.Verified v = r.check(answer.toJSONObject(), environment, "introspection", now);
            cache.put(key, v, r, now, r.issuer().introspection().cacheTtl());
            return v.principal();
        }
        if (unavailable != null) {
            throw unavailable;
        }
        throw AuthException.invalid("the token is not active (introspection)");
    }

    private static TokenIntrospectionSuccessResponse introspect(ClaimRules r, String token) throws AuthException {
        var cfg = r.issuer().introspection();
        try {
            TokenIntrospectionRequest req = new TokenIntrospectionRequest(cfg.endpoint(),
                    new ClientSecretBasic(new ClientID(cfg.clientId()), new Secret(cfg.clientSecret().value())),
                    new BearerAccessToken(token));
            HTTPRequest http = req.toHTTPRequest();
            http.setConnectTimeout(5_000);
            http.setReadTimeout(5_000);
            TokenIntrospectionResponse resp = TokenIntrospectionResponse.parse(http.send());
            if (!resp.indicatesSuccess()) {
                LOG.warn("identity: introspection at {} failed: {}", cfg.endpoint(), resp.toErrorResponse().getErrorObject());
                throw AuthException.unavailable("the introspection endpoint of " + r.issuer().issuer() + " refused the gateway's request");
            }
            return resp.toSuccessResponse();
        } catch (IOException | ParseException | IllegalStateException e) {
            LOG.warn("identity: introspection at {} failed: {}", cfg.endpoint(), e.getMessage());
            throw AuthException.unavailable("the introspection endpoint of " + r.issuer().issuer() + " cannot be reached");
        }
    }

    /** The {@code iss} a JWT-shaped token names (unverified: it only picks the endpoint), or null. */
    private static String issuerNamed(String token) {
        if (!JwtAuthenticator.looksLikeJwt(token)) {
            return null;
        }
        try {
            return JWTParser.parse(token).getJWTClaimsSet().getIssuer();
        } catch (java.text.ParseException e) {
            return null;
        }
    }
}
