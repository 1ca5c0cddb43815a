package io.portcullis.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Bearer JWTs of the issuers whose keys are known (JWKS): the algorithm must be on the allowlist,
 * the signature must verify with the issuer's current keys, and then {@link ClaimRules} apply.
 * Verified tokens are cached by hash; a hit costs a SHA-256 and a map lookup, and revocation and
 * expiry are checked again on every hit.
 */
final class JwtAuthenticator implements Authenticator {
    private final Map<String, IssuerKeys> keys;
    private final Map<String, ClaimRules> rules;
    private final Set<String> algorithms;
    private final TokenCache cache;
    private final Clock clock;

    /** @param keys and {@code rules} by issuer, for the issuers verified locally */
    JwtAuthenticator(Map<String, IssuerKeys> keys, Map<String, ClaimRules> rules, Set<String> algorithms, TokenCache cache, Clock clock) {
        this.keys = Map.copyOf(keys);
        this.rules = Map.copyOf(rules);
        this.algorithms = Set.copyOf(algorithms);
        this.cache = cache;
        this.clock = clock;
    }

    @Override
    public Principal authenticate(Credentials in, String environment) throws AuthException {
        String token = in.bearer();
        if (token == null) {
            throw new AuthException.NotMine("");
        }
        if (!looksLikeJwt(token)) {
            throw new AuthException.NotMine("the bearer token is not a JWT");
        }
        Instant now = clock.instant();
        TokenCache.Key key = TokenCache.key(token, environment);
        TokenCache.Entry hit = cache.get(key, now);
        if (hit != null) {
            return hit.recheck(now);
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw AuthException.invalid("the token is not a well-formed JWT");
        }
        if (jwt instanceof PlainJWT) {
            throw AuthException.invalid("unsigned tokens (alg none) are refused");
        }
        if (jwt instanceof EncryptedJWT || !(jwt instanceof SignedJWT signed)) {
            throw AuthException.invalid("encrypted tokens are not accepted");
        }
        String alg = signed.getHeader().getAlgorithm().getName();
        if (!algorithms.contains(alg)) {
            throw AuthException.invalid("the token's algorithm " + alg + " is not allowed (allowed: " + String.join(", ", algorithms.stream().sorted().toList()) + ")");
        }
        String iss;
        try {
            iss = signed.getJWTClaimsSet().getIssuer();
        } catch (ParseException e) {
            throw AuthException.invalid("the token's claims are not valid JSON");
        }
        IssuerKeys issuerKeys = iss == null ? null : keys.get(iss);
        if (issuerKeys == null) {
            throw new AuthException.NotMine("the token's issuer " + iss + " is not trusted");
        }
        JWTClaimsSet claims;
        try {
            claims = issuerKeys.processor().process(signed, null);
        } catch (RateLimitReachedException e) {
            throw AuthException.invalid("no key of issuer " + iss + " matches the token's kid " + signed.getHeader().getKeyID());
        } catch (KeySourceException e) {
            throw AuthException.unavailable("the keys of issuer " + iss + " cannot be fetched: " + e.getMessage());
        } catch (BadJOSEException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            throw AuthException.invalid(m.contains("no matching key") || m.contains("No matching key")
                    ? "no key of issuer " + iss + " matches the token's kid " + signed.getHeader().getKeyID()
                    : m.contains("Invalid signature") ? "the token's signature is invalid" : "the token was rejected: " + m);
        } catch (JOSEException e) {
            throw AuthException.invalid("the token's signature cannot be verified: " + e.getMessage());
        }
        ClaimRules r = rules.get(iss);
        ClaimRules.Verified v = r.check(claims.toJSONObject(), environment, "jwt", now);
        cache.put(key, v, r, now, null);
        return v.principal();
    }

    /** Three base64url parts (a JWS); five would be a JWE, which {@link JWTParser} recognises and we refuse. */
    static boolean looksLikeJwt(String token) {
        int dots = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.') {
                dots++;
            } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '=')) {
                return false;
            }
        }
        return dots == 2 || dots == 4;
    }

    void close() {
        keys.values().forEach(IssuerKeys::close);
    }
}
