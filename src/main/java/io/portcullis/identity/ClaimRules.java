package io.portcullis.identity;

import io.portcullis.identity.IdentityConfig.IssuerConfig;
import io.portcullis.identity.IdentityConfig.KindRule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The checks every token passes once its signature (or its introspection) vouched for its claims,
 * and the mapping of those claims to a {@link Principal}. Shared by the JWT and introspection
 * strategies so that both refuse the same things for the same reasons.
 */
final class ClaimRules {
    /** A token that passed every check: its principal plus what revocation checks need later. */
    record Verified(Principal principal, Instant issuedAt, Instant expiresAt) {}

    private final IdentityConfig config;
    private final IssuerConfig issuer;
    private final BiFunction<IssuerConfig, String, Set<String>> audiences;
    private final IdentityStore store;

    /**
     * @param audiences the audiences accepted for an issuer in an environment (the environment's
     *                  resource URL, RFC 8707, unless the issuer overrides it)
     */
    ClaimRules(IdentityConfig config, IssuerConfig issuer, BiFunction<IssuerConfig, String, Set<String>> audiences, IdentityStore store) {
        this.config = config;
        this.issuer = issuer;
        this.audiences = audiences;
        this.store = store;
    }

    IssuerConfig issuer() {
        return issuer;
    }

    Duration skew() {
        return config.clockSkew();
    }

    /**
     * Checks the claims and maps them; {@code method} is {@code jwt} or {@code introspection}.
     *
     * @throws AuthException 401 for a token that is not (or no longer) good here, 403 for missing scopes
     */
    Verified check(Map<String, Object> claims, String environment, String method, Instant now) throws AuthException {
        Object iss = claims.get("iss");
        if (iss != null && !issuer.issuer().equals(iss.toString())) {
            throw AuthException.invalid("the token's issuer " + iss + " is not " + issuer.issuer());
        }
        List<String> aud = strings(claims.get("aud"));
        Set<String> accepted = audiences.apply(issuer, environment);
        if (aud.stream().noneMatch(accepted::contains)) {
            // No token passthrough: a token minted for another resource is never accepted here.
            throw AuthException.invalid("the token's audience " + aud + " is not this gateway (" + String.join(", ", accepted) + ")");
        }
        Duration skew = config.clockSkew();
        Instant exp = instant(claims.get("exp"));
        Instant iat = instant(claims.get("iat"));
        Instant nbf = instant(claims.get("nbf"));
        if (exp == null) {
            throw AuthException.invalid("the token has no expiry (exp)");
        }
        if (now.isAfter(exp.plus(skew))) {
            throw AuthException.invalid("the token expired at " + exp);
        }
        if (nbf != null && now.plus(skew).isBefore(nbf)) {
            throw AuthException.invalid("the token is not valid before " + nbf);
        }
        if (iat == null) {
            throw AuthException.invalid("the token has no issue time (iat); its lifetime cannot be checked");
        }
        if (now.plus(skew).isBefore(iat)) {
            throw AuthException.invalid("the token claims to be issued in the future (" + iat + ")");
        }
        Duration lifetime = Duration.between(iat, exp);
        if (lifetime.compareTo(config.maxTokenLifetime()) > 0) {
            throw AuthException.invalid("the token's lifetime " + lifetime.toSeconds() + "s exceeds the maximum of "
                    + config.maxTokenLifetime().toSeconds() + "s (C1.3: short-lived tokens)");
        }
        for (String c : issuer.requiredClaims()) {
            if (claim(claims, c) == null) {
                throw AuthException.invalid("the token lacks the required claim '" + c + "'");
            }
        }
        Principal p = principal(claims, environment, method, exp);
        revocation(p, iat);
        List<String> required = issuer.scopesFor(environment);
        if (!p.scopes().containsAll(required)) {
            throw AuthException.insufficientScope(required, "environment " + environment + " requires scope(s) "
                    + String.join(" ", required) + "; the token has " + (p.scopes().isEmpty() ? "none" : String.join(" ", p.scopes())));
        }
        return new Verified(p, iat, exp);
    }

    /** Re-checked on every call, also for tokens served from the cache: revocation is immediate. */
    void revocation(Principal p, Instant issuedAt) throws AuthException {
        if (store.jtiRevoked(p.tokenId())) {
            throw AuthException.invalid("the token " + p.tokenId() + " was revoked");
        }
        Instant cut = store.subjectRevokedAt(p.issuer(), p.subject());
        // #11 item 15: a token may claim an iat up to the skew ahead of our clock (accepted above);
        // one minted just before the revocation by a clock that runs ahead must not slip through,
        // so the cut is moved forward by the skew. Cost: for one skew after a revocation, new tokens
        // of that subject are refused as well.
        if (cut != null && (issuedAt == null || !issuedAt.isAfter(cut.plus(skew())))) {
            throw AuthException.invalid("tokens of " + p.subject() + " issued before " + cut + " were revoked");
        }
    }

    private Principal principal(Map<String, Object> claims, String env, String method, Instant exp) throws AuthException {
        var m = issuer.claims();
        String subject = first(claims, m.subject());
        if (subject == null || subject.isBlank()) {
            throw AuthException.invalid("the token has no subject (" + String.join("/", m.subject()) + ")");
        }
        String client = first(claims, m.clientId());
        Principal.Kind kind = issuer.kind() == KindRule.USER ? Principal.Kind.USER
                : issuer.kind() == KindRule.SERVICE ? Principal.Kind.SERVICE
                : machineToken(claims, subject, client) ? Principal.Kind.SERVICE : Principal.Kind.USER;
        Set<String> roles = new LinkedHashSet<>();
        for (String c : m.roles()) {
            roles.addAll(strings(claim(claims, c)));
        }
        List<String> scopes = new ArrayList<>();
        for (String c : m.scopes()) {
            Object v = claim(claims, c);
            if (v != null) {
                scopes.addAll(strings(v));
                break;
            }
        }
        Object jti = claims.get("jti");
        return new Principal(subject, kind, first(claims, m.displayName()), List.copyOf(roles), client, env, method,
                jti == null ? null : jti.toString(), exp, issuer.issuer(), first(claims, m.email()), scopes);
    }

    /**
     * Whether a token was obtained by a machine for itself (client credentials): its subject is the
     * client, or the issuer says so (Auth0 {@code gty}, Entra ID {@code idtyp}). Issuers that say
     * neither should be configured with {@code kind: service} when they only serve machines.
     */
    static boolean machineToken(Map<String, Object> claims, String subject, String client) {
        return subject.equals(client) || "client-credentials".equals(claims.get("gty")) || "app".equals(claims.get("idtyp"));
    }

    private static String first(Map<String, Object> claims, List<String> names) {
        for (String n : names) {
            Object v = claim(claims, n);
            if (v != null && !(v instanceof Collection<?>) && !(v instanceof Map<?, ?>)) {
                return v.toString();
            }
        }
        return null;
    }

    /** A claim by name; dots reach into nested objects ({@code realm_access.roles}). */
    static Object claim(Map<String, Object> claims, String name) {
        Object direct = claims.get(name);
        if (direct != null || name.indexOf('.') < 0) {
            return direct;
        }
        Object cur = claims;
        for (String part : name.split("\\.")) {
            if (!(cur instanceof Map<?, ?> map)) {
                return null;
            }
            cur = map.get(part);
        }
        return cur;
    }

    /** A claim as a list of strings: a JSON array, or a space-separated string (OAuth's scope format). */
    static List<String> strings(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof Collection<?> c) {
            c.forEach(x -> out.add(String.valueOf(x)));
        } else if (v != null) {
            for (String s : v.toString().split(" ")) {
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    private static Instant instant(Object v) {
        return switch (v) {
            case null -> null;
            case Date d -> d.toInstant();
            case Number n -> Instant.ofEpochSecond(n.longValue());
            case Instant i -> i;
            default -> {
                try {
                    yield Instant.ofEpochSecond(Long.parseLong(v.toString()));
                } catch (NumberFormatException e) {
                    yield null;
                }
            }
        };
    }
}
