package io.portcullis.identity;

import io.portcullis.it.LogLines;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.KeyProvider;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * C1.1-C1.3 through the real gateway: a real OAuth server (mock-oauth2-server, in-process on
 * loopback) issues really signed tokens; the gateway's HTTP endpoint verifies them; a counting
 * upstream proves that no refused request reached it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OAuthGatewayIT {
    /** Signs the "rotating" issuer's tokens with a key the test can replace mid-run. */
    static final class RotatingKeys extends KeyProvider {
        volatile JWK current;

        RotatingKeys() throws Exception {
            current = new RSAKeyGenerator(2048).keyID("rot-1").generate();
        }

        @Override
        public JWK signingKey(String issuerId) {
            return "rotating".equals(issuerId) ? current : super.signingKey(issuerId);
        }
    }

    RotatingKeys keys;
    MockOAuth2Server idp;
    CountingUpstream upstream;
    GatewayUnderTest gw;
    String idpBase;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        keys = new RotatingKeys();
        idp = new MockOAuth2Server(new OAuth2Config(false, null, null, false, new OAuth2TokenProvider(keys)));
        idp.start(InetAddress.getByName("127.0.0.1"), 0);
        idpBase = "http://127.0.0.1:" + idp.baseUrl().port();
        upstream = new CountingUpstream();
        Files.writeString(dir.resolve("introspection-secret"), "s3cret\n");
        gw = new GatewayUnderTest("""
                server: {host: 127.0.0.1, port: 0, data_dir: data}
                environments: [dev, {name: prod, production: true}]
                upstreams:
                  demo: {url: "%1$s", timeout: 10s}
                identity:
                  max_token_lifetime: 1h
                  clock_skew: 5s
                  admin_roles: [portcullis-admin]
                  issuers:
                    - issuer: %2$s/default
                      discovery: %2$s/default/.well-known/openid-configuration
                      claims: {roles: [groups]}
                      required_scopes: {prod: ["mcp:prod"]}
                    - issuer: %2$s/rotating
                      jwks_uri: %2$s/rotating/jwks
                      kind: service
                    - issuer: %2$s/opaque
                      introspection:
                        endpoint: %2$s/opaque/introspect
                        client_id: portcullis
                        client_secret: {file: introspection-secret}
                """.formatted(upstream.url(), idpBase), dir);
    }

    @AfterAll
    void stop() throws Exception {
        gw.close();
        upstream.close();
        idp.shutdown();
    }

    /** A genuine token of the mock IdP for {@code issuerId}, with claims added or replaced. */
    String token(String issuerId, String subject, String audience, Map<String, Object> extra, long expirySeconds) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("iss", idpBase + "/" + issuerId); // the mock would say "localhost"; the gateway trusts 127.0.0.1
        claims.put("scope", "openid mcp:tools");
        claims.put("name", subject.substring(0, 1).toUpperCase() + subject.substring(1));
        claims.put("groups", List.of("engineering"));
        claims.putAll(extra);
        return idp.issueToken(issuerId, subject, audience, claims, expirySeconds).serialize();
    }

    String dev() {
        return gw.gateway.identity().resource("dev");
    }

    String valid(String subject) {
        return token("default", subject, dev(), Map.of(), 600);
    }

    @Test
    void aValidTokenWorksAndThePrincipalIsInTheCallLogLine() throws Exception {
        String token = valid("alice");
        String jti = Tokens.claims(token).getJWTID();
        try (LogLines calls = new LogLines("portcullis.calls")) {
            String session = gw.open("/mcp", token);
            int before = upstream.calls();
            GatewayUnderTest.Reply r = gw.call("/mcp", token, session, "hello");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).contains("hello").doesNotContain("isError\":true");
            assertThat(upstream.calls()).isEqualTo(before + 1);
            // The mock IdP stamps azp with the OAuth client that obtained the token ("default"), over ours.
            assertThat(calls.lines()).anySatisfy(line -> assertThat(line)
                    .contains("subject=alice", "principal_kind=user", "client=default", "auth=jwt",
                            "token_id=" + jti, "issuer=" + idpBase + "/default", "env=dev", "outcome=ok"));
        }
    }

    @Test
    void noTokenGets401WithTheResourceMetadataChallenge() throws Exception {
        int before = upstream.calls();
        GatewayUnderTest.Reply r = gw.modernCall("/mcp", null, "x");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate"))
                .isEqualTo("Bearer resource_metadata=\"" + gw.base() + "/.well-known/oauth-protected-resource/mcp\"");
        GatewayUnderTest.Reply onProd = gw.modernCall("/mcp/prod", null, "x");
        assertThat(onProd.header("WWW-Authenticate")).contains("/.well-known/oauth-protected-resource/mcp/prod\"");
        assertThat(upstream.calls()).isEqualTo(before);
    }

    /** Each bad credential is refused with 401 on initialize, on an open session, and statelessly: never reaching the upstream. */
    @ParameterizedTest
    @CsvSource({
            "expired, expired at",
            "not-yet-valid, not valid before",
            "wrong-issuer, is not trusted",
            "wrong-audience, audience",
            "alg-none, alg none",
            "hs256-with-rsa-public-key, algorithm HS256 is not allowed",
            "unknown-kid, matches the token's kid unknown-kid",
            "tampered-payload, signature is invalid",
            "tampered-signature, signature is invalid",
            "lifetime-over-max, exceeds the maximum",
            "garbage, not active (introspection)",  // an opaque-looking token goes to the introspecting issuer
            "no-iat, no issue time"})
    void badTokensAreRefusedWith401AndNoUpstreamCall(String kind, String reason) throws Exception {
        String bad = bad(kind);
        String session = gw.open("/mcp", valid("alice"));
        int before = upstream.calls();
        GatewayUnderTest.Reply init = gw.post("/mcp", bad, null, GatewayUnderTest.request(1, "initialize"));
        GatewayUnderTest.Reply onSession = gw.call("/mcp", bad, session, "should not pass");
        GatewayUnderTest.Reply stateless = gw.modernCall("/mcp", bad, "should not pass");
        for (GatewayUnderTest.Reply r : List.of(init, onSession, stateless)) {
            assertThat(r.status()).as(kind).isEqualTo(401);
            assertThat(r.header("WWW-Authenticate")).as(kind).startsWith("Bearer resource_metadata=\"")
                    .contains("error=\"invalid_token\"");
            assertThat(r.body()).as(kind).contains(reason);
        }
        assertThat(upstream.calls()).as(kind).isEqualTo(before);
    }

    private String bad(String kind) throws Exception {
        String good = valid("alice");
        RSAKey issuerKey = (RSAKey) idp.getConfig().getTokenProvider().publicJwkSet("default").getKeys().getFirst();
        Date now = new Date();
        return switch (kind) {
            case "expired" -> token("default", "alice", dev(), Map.of(), -120);
            case "not-yet-valid" -> token("default", "alice", dev(), Map.of("nbf", new Date(now.getTime() + 600_000)), 1200);
            case "wrong-issuer" -> token("other", "alice", dev(), Map.of(), 600);
            case "wrong-audience" -> token("default", "alice", "https://some-other-api.example.com", Map.of(), 600);
            case "alg-none" -> Tokens.algNone(good);
            case "hs256-with-rsa-public-key" -> Tokens.hs256WithPublicKey(good, issuerKey);
            case "unknown-kid" -> Tokens.unknownKid(good);
            case "tampered-payload" -> Tokens.tamperedPayload(good);
            case "tampered-signature" -> Tokens.tamperedSignature(good);
            case "lifetime-over-max" -> token("default", "alice", dev(), Map.of(), 2 * 3600);
            case "no-iat" -> Tokens.signed((RSAKey) keys.current, new com.nimbusds.jwt.JWTClaimsSet.Builder(
                    Tokens.claims(token("rotating", "alice", dev(), Map.of(), 600))).issueTime(null).build());
            case "garbage" -> "not-a-token";
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @Test
    void aRevokedJtiIsRefusedOnTheNextCall() throws Exception {
        String token = valid("bob");
        String session = gw.open("/mcp", token);
        assertThat(gw.call("/mcp", token, session, "before").status()).isEqualTo(200); // now cached as verified
        gw.gateway.identity().store().revokeJti(Tokens.claims(token).getJWTID(), "test", "leaked");
        int before = upstream.calls();
        GatewayUnderTest.Reply r = gw.call("/mcp", token, session, "after");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).contains("was revoked");
        assertThat(upstream.calls()).isEqualTo(before);
        assertThat(gw.modernCall("/mcp", valid("bob"), "another token of bob").status()).isEqualTo(200);
    }

    @Test
    void aRevokedSubjectIsRefusedUntilItGetsAFreshToken() throws Exception {
        String token = valid("carol");
        assertThat(gw.modernCall("/mcp", token, "before").status()).isEqualTo(200);
        gw.gateway.identity().store().revokeSubject("carol", null, "test", "left the company");
        int before = upstream.calls();
        GatewayUnderTest.Reply r = gw.modernCall("/mcp", token, "after");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).contains("carol", "revoked");
        assertThat(upstream.calls()).isEqualTo(before);
        // #11 item 15: a token issued right after the revocation is refused too: its iat could be a
        // clock-skewed one from before it, so only a token issued after revocation + clock_skew (5 s) works
        assertThat(gw.modernCall("/mcp", valid("carol"), "new login at once").status()).isEqualTo(401);
        io.portcullis.testing.Eventually.eventually(java.time.Duration.ofSeconds(20), () -> assertThat(gw.modernCall("/mcp", valid("carol"), "new login").status())
                .as("a fresh login once the skew has passed").isEqualTo(200)); // a fresh login each round
    }

    @Test
    void aMissingRequiredScopeGets403InsufficientScope() throws Exception {
        String prod = gw.gateway.identity().resource("prod");
        String noScope = token("default", "dave", prod, Map.of(), 600);
        int before = upstream.calls();
        GatewayUnderTest.Reply r = gw.modernCall("/mcp/prod", noScope, "x");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.header("WWW-Authenticate")).contains("error=\"insufficient_scope\"", "scope=\"mcp:prod\"",
                "resource_metadata=\"" + gw.base() + "/.well-known/oauth-protected-resource/mcp/prod\"");
        assertThat(upstream.calls()).isEqualTo(before);
        String scoped = token("default", "dave", prod, Map.of("scope", "mcp:tools mcp:prod"), 600);
        assertThat(gw.modernCall("/mcp/prod", scoped, "x").status()).isEqualTo(200);
    }

    @Test
    void aTokenForOneEnvironmentIsNotAcceptedInAnother() throws Exception {
        GatewayUnderTest.Reply r = gw.modernCall("/mcp/prod", token("default", "erin", dev(), Map.of("scope", "mcp:prod"), 600), "x");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).contains("audience");
    }

    @Test
    void aSessionIsBoundToThePrincipalThatOpenedIt() throws Exception {
        String session = gw.open("/mcp", valid("frank"));
        int before = upstream.calls();
        GatewayUnderTest.Reply r = gw.call("/mcp", valid("grace"), session, "hijack");
        assertThat(r.status()).isEqualTo(403);
        assertThat(upstream.calls()).isEqualTo(before);
        assertThat(gw.call("/mcp", valid("frank"), session, "a refreshed token of the owner").status()).isEqualTo(200);
        assertThat(gw.onSession("GET", "/mcp", null, session).status()).isEqualTo(401);
        assertThat(gw.onSession("GET", "/mcp", valid("grace"), session).status()).isEqualTo(403);
        assertThat(gw.onSession("DELETE", "/mcp", valid("grace"), session).status()).isEqualTo(403);
        assertThat(gw.onSession("GET", "/mcp", valid("frank"), session).status()).isEqualTo(200);
        assertThat(gw.onSession("DELETE", "/mcp", valid("frank"), session).status()).isEqualTo(200);
    }

    @Test
    void jwksRotationMidRunWorksWithoutARestart() throws Exception {
        String aud = dev();
        assertThat(gw.modernCall("/mcp", token("rotating", "ci-bot", aud, Map.of(), 600), "key 1").status()).isEqualTo(200);
        keys.current = new RSAKeyGenerator(2048).keyID("rot-2").generate();
        try (LogLines calls = new LogLines("portcullis.calls")) {
            GatewayUnderTest.Reply r = gw.modernCall("/mcp", token("rotating", "ci-bot", aud, Map.of(), 600), "key 2");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).contains("key 2");
            assertThat(calls.lines()).anySatisfy(l -> assertThat(l).contains("subject=ci-bot", "principal_kind=service"));
        }
    }

    @Test
    void introspectedTokensWork() throws Exception {
        try (LogLines calls = new LogLines("portcullis.calls")) {
            GatewayUnderTest.Reply r = gw.modernCall("/mcp", token("opaque", "heidi", dev(), Map.of(), 600), "introspected");
            assertThat(r.status()).isEqualTo(200);
            assertThat(calls.lines()).anySatisfy(l -> assertThat(l).contains("subject=heidi", "auth=introspection"));
        }
        assertThat(gw.modernCall("/mcp", token("opaque", "heidi", "https://elsewhere.example.com", Map.of(), 600), "x").status())
                .isEqualTo(401);
    }

    @Test
    void protectedResourceMetadataIsServed() throws Exception {
        var root = gw.get("/.well-known/oauth-protected-resource", null);
        assertThat(root.status()).isEqualTo(200);
        assertThat(root.json().path("resource").asString()).isEqualTo(gw.base() + "/mcp");
        assertThat(root.json().path("authorization_servers").toString()).contains(idpBase + "/default", idpBase + "/rotating");
        var prod = gw.get("/.well-known/oauth-protected-resource/mcp/prod", null);
        assertThat(prod.status()).isEqualTo(200);
        assertThat(prod.json().path("resource").asString()).isEqualTo(gw.base() + "/mcp/prod");
        assertThat(prod.json().path("scopes_supported").toString()).contains("mcp:prod");
        assertThat(gw.get("/.well-known/oauth-protected-resource/mcp/nope", null).status()).isEqualTo(404);
    }
}
