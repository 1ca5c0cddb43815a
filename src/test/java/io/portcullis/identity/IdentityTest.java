package io.portcullis.identity;

import io.portcullis.testing.ManualTicker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.config.ConfigReader;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The authenticator chain in-process, against a local JWKS endpoint and a mutable clock. */
class IdentityTest {
    static final String ISS = "https://sso.example.com";
    static final String AUD = "http://127.0.0.1:8080/mcp";

    @TempDir
    Path dir;
    LocalJwks jwks;
    Store store;
    Identity identity;
    ManualTicker clock = new ManualTicker(Instant.now());
    RSAKey rsa;

    @BeforeEach
    void setUp() throws Exception {
        jwks = new LocalJwks();
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        jwks.keys.add(rsa);
        store = Store.open(new StoreConfig(null, dir, 4));
        identity = identity("""
                identity:
                  resource: %s
                  jwks_refresh_interval: 30s
                  issuers:
                    - {issuer: "%s", jwks_uri: "%s", claims: {roles: [realm_access.roles]}, required_scopes: {prod: [deploy]}}
                """.formatted(AUD, ISS, jwks.url()));
    }

    Identity identity(String yaml) throws Exception {
        var cfg = ConfigReader.parse("environments: [dev, prod]\nupstreams: {demo: {command: [x]}}\n" + yaml, "t.yaml", dir, null);
        Identity id = new Identity(store, clock);
        id.apply(cfg.identity(), List.of("dev", "prod"));
        return id;
    }

    @AfterEach
    void tearDown() {
        identity.close();
        store.close();
        jwks.close();
    }

    JWTClaimsSet.Builder claims(String subject) {
        Instant now = clock.instant();
        return new JWTClaimsSet.Builder().issuer(ISS).subject(subject).audience(AUD).jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)));
    }

    String rs256(JWTClaimsSet c) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).build(), c);
        jwt.sign(new RSASSASigner(rsa));
        return jwt.serialize();
    }

    Principal auth(String token, String env) throws AuthException {
        return identity.authenticate(new Credentials(token, null, List.of()), env);
    }

    @Test
    void claimsAreMappedToThePrincipal() throws Exception {
        Principal p = auth(rs256(claims("alice").claim("azp", "desktop").claim("name", "Alice A").claim("email", "alice@example.com")
                .claim("realm_access", Map.of("roles", List.of("dev", "oncall"))).claim("scp", List.of("read", "write")).build()), "dev");
        assertThat(p.subject()).isEqualTo("alice");
        assertThat(p.kind()).isEqualTo(Principal.Kind.USER);
        assertThat(p.displayName()).isEqualTo("Alice A");
        assertThat(p.email()).isEqualTo("alice@example.com");
        assertThat(p.roles()).containsExactly("dev", "oncall");
        assertThat(p.scopes()).containsExactly("read", "write");
        assertThat(p.clientId()).isEqualTo("desktop");
        assertThat(p.environment()).isEqualTo("dev");
        assertThat(p.authMethod()).isEqualTo("jwt");
        assertThat(p.issuer()).isEqualTo(ISS);
        assertThat(p.tokenId()).isNotNull();
        assertThat(p.expiresAt()).isNotNull();
    }

    @Test
    void aClientCredentialsTokenIsAService() throws Exception {
        Principal p = auth(rs256(claims("ci-pipeline").claim("azp", "ci-pipeline").build()), "dev");
        assertThat(p.kind()).isEqualTo(Principal.Kind.SERVICE);
    }

    @Test
    void es256AndEdDsaTokensVerify() throws Exception {
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        jwks.keys.add(ec);
        SignedJWT es = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-1").build(), claims("ec-user").build());
        es.sign(new ECDSASigner(ec));
        assertThat(auth(es.serialize(), "dev").subject()).isEqualTo("ec-user");

        KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] spki = ed.getPublic().getEncoded();
        byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        jwks.keys.add(new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).keyID("ed-1").build());
        String header = Base64URL.encode("{\"alg\":\"EdDSA\",\"kid\":\"ed-1\"}".getBytes(StandardCharsets.UTF_8)).toString();
        String payload = Base64URL.encode(claims("ed-user").build().toString().getBytes(StandardCharsets.UTF_8)).toString();
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(ed.getPrivate());
        s.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
        String token = header + "." + payload + "." + Base64URL.encode(s.sign());
        assertThat(auth(token, "dev").subject()).isEqualTo("ed-user");
        String forged = header + "." + Base64URL.encode(claims("mallory").build().toString().getBytes(StandardCharsets.UTF_8))
                + "." + token.substring(token.lastIndexOf('.') + 1);
        assertThatThrownBy(() -> auth(forged, "dev")).hasMessageContaining("signature is invalid");
    }

    @Test
    void madeUpKidsCannotHammerTheIssuer() throws Exception {
        auth(rs256(claims("warm").build()), "dev");
        int before = jwks.fetches.get();
        for (int i = 0; i < 20; i++) {
            RSAKey other = new RSAKeyGenerator(2048).keyID("kid-" + i).generate();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(other.getKeyID()).build(), claims("x").build());
            jwt.sign(new RSASSASigner(other));
            assertThatThrownBy(() -> auth(jwt.serialize(), "dev")).isInstanceOf(AuthException.class)
                    .extracting(e -> ((AuthException) e).status()).isEqualTo(401);
        }
        assertThat(jwks.fetches.get() - before).isLessThanOrEqualTo(1);
    }

    @Test
    void aCachedTokenIsStillCheckedForExpiryAndRevocation() throws Exception {
        String token = rs256(claims("bob").build());
        auth(token, "dev");
        jwks.close(); // from here on only the cache can vouch for it
        assertThat(auth(token, "dev").subject()).isEqualTo("bob");
        clock.advance(Duration.ofSeconds(600 + 31));
        assertThatThrownBy(() -> auth(token, "dev")).hasMessageContaining("expired");
    }

    @Test
    void revocationOfACachedTokenTakesEffectOnTheNextCall() throws Exception {
        String token = rs256(claims("bob").build());
        auth(token, "dev");
        identity.store().revokeJti(SignedJWT.parse(token).getJWTClaimsSet().getJWTID(), "test", null);
        assertThatThrownBy(() -> auth(token, "dev")).hasMessageContaining("revoked");
    }

    /**
     * #11 item 15 (C1.3): a subject revocation also covers a token whose {@code iat} lies in the
     * future within the clock skew (minted by an IdP whose clock runs ahead, or forged ahead on
     * purpose): it is compared against the revocation time plus the skew.
     */
    @Test
    void item15_subjectRevocationCoversATokenIssuedInTheFutureWithinTheSkew() throws Exception {
        Instant ahead = clock.instant().plusSeconds(20); // the default skew is 30 s
        String token = rs256(claims("erin").issueTime(Date.from(ahead)).notBeforeTime(Date.from(clock.instant())).build());
        assertThat(auth(token, "dev").subject()).isEqualTo("erin");
        identity.store().revokeSubject("erin", ISS, "test", "laptop stolen");
        assertThatThrownBy(() -> auth(token, "dev")).hasMessageContaining("revoked");
        clock.advance(Duration.ofSeconds(61)); // a token really issued after revocation + skew is accepted
        assertThat(auth(rs256(claims("erin").build()), "dev").subject()).isEqualTo("erin");
    }

    @Test
    void scopesAreRequiredPerEnvironment() throws Exception {
        String token = rs256(claims("carol").audience(List.of(AUD, AUD + "/prod")).claim("scope", "read").build());
        assertThat(auth(token, "dev").subject()).isEqualTo("carol");
        assertThatThrownBy(() -> auth(token, "prod")).isInstanceOfSatisfying(AuthException.class, e -> {
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.error()).isEqualTo(AuthException.Error.INSUFFICIENT_SCOPE);
            assertThat(e.requiredScopes()).containsExactly("deploy");
        });
        assertThat(identity.challenge(new AuthException(403, AuthException.Error.INSUFFICIENT_SCOPE, "x", List.of("deploy")),
                identity.routeResource("prod")))
                .isEqualTo("Bearer resource_metadata=\"http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp/prod\", "
                        + "error=\"insufficient_scope\", error_description=\"x\", scope=\"deploy\"");
    }

    @Test
    void theJwksBeingUnreachableRefusesWith503() throws Exception {
        jwks.close();
        assertThatThrownBy(() -> auth(rs256(claims("dan").build()), "dev")).isInstanceOfSatisfying(AuthException.class,
                e -> assertThat(e.status()).isEqualTo(503));
    }

    @Test
    void noCredentialsAndOtherSchemesAre401() {
        assertThatThrownBy(() -> identity.authenticate(Credentials.NONE, "dev")).isInstanceOfSatisfying(AuthException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.error()).isNull();
        });
        assertThatThrownBy(() -> identity.authenticate(Credentials.of("Basic YTpi", null), "dev"))
                .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.error()).isEqualTo(AuthException.Error.INVALID_REQUEST));
    }

    @Test
    void apiKeysAreServiceRolesScopedToEnvironmentsExpiringAndRevocable() throws Exception {
        var created = identity.store().createKey("nightly-ci", "ci", List.of("dev"), clock.instant().plus(Duration.ofDays(1)), "test");
        Principal p = auth(created.secret(), "dev");
        assertThat(p.kind()).isEqualTo(Principal.Kind.SERVICE);
        assertThat(p.subject()).isEqualTo("nightly-ci");
        assertThat(p.roles()).containsExactly("ci");
        assertThat(p.authMethod()).isEqualTo("api_key");
        assertThat(p.tokenId()).isEqualTo(created.key().prefix());
        assertThatThrownBy(() -> auth(created.secret(), "prod")).hasMessageContaining("not valid in environment prod");
        assertThatThrownBy(() -> auth(created.secret() + "x", "dev")).hasMessageContaining("unknown API key");
        clock.advance(Duration.ofDays(2));
        assertThatThrownBy(() -> auth(created.secret(), "dev")).hasMessageContaining("expired");
        clock.advance(Duration.ofDays(-2));
        assertThat(identity.store().revokeKey(created.key().prefix(), "test")).isTrue();
        assertThatThrownBy(() -> auth(created.secret(), "dev")).hasMessageContaining("revoked");
        assertThat(identity.store().keys()).singleElement().satisfies(k -> assertThat(k.revoked()).isNotNull());
    }

    @Test
    void withoutIdentityEveryoneIsAnonymous() throws Exception {
        Identity open = new Identity(store, clock);
        open.apply(IdentityConfig.OPEN, List.of("dev"));
        assertThat(open.authenticate(Credentials.NONE, "dev").kind()).isEqualTo(Principal.Kind.ANONYMOUS);
        assertThat(open.isAdmin(Principal.anonymous("dev", null))).isFalse();
    }

    @Test
    void theLocalPrincipalIsTheOsUser() {
        Principal p = identity.local("dev", "claude-desktop");
        assertThat(p.subject()).isEqualTo(System.getProperty("user.name"));
        assertThat(p.kind()).isEqualTo(Principal.Kind.USER);
        assertThat(p.authMethod()).isEqualTo("local");
        assertThat(p.clientId()).isEqualTo("claude-desktop");
    }
}
