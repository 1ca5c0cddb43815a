package io.portcullis.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.portcullis.call.Delegation;
import io.portcullis.identity.Principal;
import io.portcullis.settings.UpstreamConfig.HeaderSource;
import io.portcullis.settings.UpstreamCredentials;
import io.portcullis.store.Store;
import io.portcullis.store.StoreConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * #16 items 1, 2, 6 (C1.2): the per-user OAuth grants on a real embedded store, the vault's envelope
 * encryption, KEK rotation, refresh, and the faults (refresh refused, authorization server down,
 * wrong audience), against a token endpoint stubbed in this test (the browser flow against a real
 * IdP is {@code io.portcullis.identity.UserOAuthIT}).
 */
class UserGrantsTest {
    static final String AUD = "https://tickets.example/mcp";
    static final Principal ALICE = new Principal("alice", Principal.Kind.USER, "Alice", List.of(), "client", "dev", "jwt", "j1",
            null, "https://sso.example", null, List.of());
    static final Principal ALICE_OTHER_ISSUER = new Principal("alice", Principal.Kind.USER, "Alice", List.of(), "client", "dev",
            "jwt", "j2", null, "https://evil.example", null, List.of());

    @TempDir
    Path dir;
    Store store;
    HttpServer tokenEndpoint;
    final AtomicReference<String> answer = new AtomicReference<>();
    final AtomicReference<Integer> status = new AtomicReference<>(200);
    Instant now = Instant.parse("2026-12-04T12:00:00Z");
    UserGrants grants;
    Path kek1;
    Path kek2;

    @BeforeEach
    void start() throws Exception {
        store = Store.open(new StoreConfig(null, dir, 2));
        tokenEndpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tokenEndpoint.createContext("/token", ex -> {
            byte[] b = answer.get().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status.get(), b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        tokenEndpoint.start();
        kek1 = key("kek1");
        kek2 = key("kek2");
        grants = new UserGrants(store, new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        }, () -> "http://127.0.0.1:1");
        grants.apply(new VaultConfig(new HeaderSource(null, kek1, ""), null));
    }

    @AfterEach
    void stop() {
        tokenEndpoint.stop(0);
        store.close();
    }

    private Path key(String name) throws Exception {
        byte[] k = new byte[32];
        new java.security.SecureRandom().nextBytes(k);
        return Files.writeString(dir.resolve(name), Base64.getEncoder().encodeToString(k));
    }

    UpstreamCredentials settings(String audience) {
        return new UpstreamCredentials(UpstreamCredentials.Mode.USER_OAUTH, audience,
                URI.create("http://127.0.0.1:" + tokenEndpoint.getAddress().getPort() + "/token"), "portcullis", null, "tickets:read",
                Duration.ofSeconds(30), null, null, URI.create("https://as.example/authorize"));
    }

    static String jwt(String sub, String aud, Instant exp) throws Exception {
        SignedJWT j = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject(sub).audience(aud)
                .jwtID("jti-" + sub + "-" + exp.getEpochSecond()).expirationTime(Date.from(exp)).build());
        j.sign(new MACSigner(new byte[32]));
        return j.serialize();
    }

    private GrantStore.Key seed(String access, String refresh, Instant expires) throws Exception {
        GrantStore.Key k = UserGrants.key("tickets", settings(AUD), ALICE);
        grants.store(k, new UserGrants.Tokens(access, refresh, expires));
        return k;
    }

    @Test
    void withoutAGrantTheCallIsRefusedWithASingleUseConsentLink() {
        assertThatThrownBy(() -> grants.delegation("tickets", settings(AUD), ALICE, Duration.ofSeconds(5)))
                .isInstanceOf(UserGrants.Refusal.class)
                .hasMessageContaining("you have not connected your account at upstream tickets")
                // the single-use ticket is for the caller only: the message is what logs and audit records keep,
                // and anyone who reads them could otherwise redeem the link for their own account first
                .hasMessageNotContaining("ticket=")
                .satisfies(e -> assertThat(((UserGrants.Refusal) e).callerText())
                        .contains("you have not connected your account at upstream tickets")
                        .contains("http://127.0.0.1:1/oauth/connect/tickets?ticket="));
    }

    @Test
    void aStoredGrantIsSentAndIsNeverInTheDatabaseFileInClear() throws Exception {
        String access = jwt("alice@tickets", AUD, now.plusSeconds(3600));
        String refresh = "refresh-secret-0123456789abcdef";
        seed(access, refresh, now.plusSeconds(3600));
        Delegation d = grants.delegation("tickets", settings(AUD), ALICE, Duration.ofSeconds(5));
        assertThat(d.authorization()).isEqualTo("Bearer " + access);
        assertThat(d.mode()).isEqualTo("user_oauth");
        assertThat(d.tokenSubject()).isEqualTo("alice@tickets");
        assertThat(d.describe()).doesNotContain(access);
        // the raw database file (and its journal) holds neither token, nor a recognisable part of one
        store.close();
        store = Store.open(new StoreConfig(null, dir, 2));
        for (Path f : dbFiles()) {
            String raw = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            assertThat(raw).as(f.toString()).doesNotContain(access).doesNotContain(refresh)
                    .doesNotContain(access.substring(access.lastIndexOf('.') + 1)).doesNotContain("refresh-secret");
        }
        assertThat(dbFiles()).isNotEmpty();
    }

    private List<Path> dbFiles() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("portcullis.db")).toList();
        }
    }

    @Test
    void aGrantIsOnlyEverItsOwnUsersAndIssuers() throws Exception {
        seed(jwt("alice@tickets", AUD, now.plusSeconds(3600)), null, now.plusSeconds(3600));
        // the same subject name from another issuer is another user: no grant
        assertThatThrownBy(() -> grants.delegation("tickets", settings(AUD), ALICE_OTHER_ISSUER, Duration.ofSeconds(5)))
                .hasMessageContaining("you have not connected");
        // a sealed value moved to another row does not open (the row is bound into the encryption)
        GrantStore.Row row = grants.store().get(UserGrants.key("tickets", settings(AUD), ALICE));
        GrantStore.Key other = UserGrants.key("tickets", settings(AUD), ALICE_OTHER_ISSUER);
        grants.store().put(other, row.sealed(), row.fingerprint(), row.expiresAt(), now);
        assertThatThrownBy(() -> grants.delegation("tickets", settings(AUD), ALICE_OTHER_ISSUER, Duration.ofSeconds(5)))
                .hasMessageContaining("cannot be opened");
    }

    @Test
    void kekRotationKeepsEveryGrantReadableAndRewrapsThem() throws Exception {
        String access = jwt("alice@tickets", AUD, now.plusSeconds(3600));
        seed(access, "r1", now.plusSeconds(3600));
        String firstKek = grants.vault().currentKek();
        // step 1: the new KEK current, the old one previous: every record is re-wrapped at once
        grants.apply(new VaultConfig(new HeaderSource(null, kek2, ""), new HeaderSource(null, kek1, "")));
        String secondKek = grants.vault().currentKek();
        assertThat(secondKek).isNotEqualTo(firstKek);
        assertThat(grants.store().list(null, null)).allSatisfy(r -> assertThat(r.sealed().kekId()).isEqualTo(secondKek));
        // step 2: the old KEK removed: still readable
        grants.apply(new VaultConfig(new HeaderSource(null, kek2, ""), null));
        assertThat(grants.delegation("tickets", settings(AUD), ALICE, Duration.ofSeconds(5)).authorization()).isEqualTo("Bearer " + access);
        // a vault with only the old KEK cannot open them: the call is refused, naming why, without a token
        grants.apply(new VaultConfig(new HeaderSource(null, kek1, ""), null));
        assertThatThrownBy(() -> grants.delegation("tickets", settings(AUD), ALICE, Duration.ofSeconds(5)))
                .hasMessageContaining("neither vault.kek nor vault.previous_kek").hasMessageNotContaining(access);
    }

    @Test
    void aKekThatIsNotThirtyTwoBytesLeavesNoVaultAndRefuses() throws Exception {
        Files.writeString(dir.resolve("short"), Base64.getEncoder().encodeToString(new byte[16]));
        grants.apply(new VaultConfig(new HeaderSource(null, dir.resolve("short"), ""), null));
        assertThat(grants.vault()).isNull();
        assertThatThrownBy(() -> grants.delegation("tickets", settings(AUD), ALICE, Duration.ofSeconds(5)))
                .hasMessageContaining("must be 32 bytes");
    }

    @Test
    void anExpiringGrantIsRefreshedAndStoredAgain() throws Exception {
        seed(jwt("alice@tickets", AUD, now.plusSeconds(10)), "r1", now.plusSeconds(10));
        String fresh = jwt("alice@tickets", AUD, now.plusSeconds(3600));
        answer.set("{\"access_token\":\"" + fresh + "\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"refresh_token\":\"r2\"}");
        assertThat(grants.delegation("tickets", settings(AUD), ALICE, Duration.ofSeconds(5)).authorization()).isEqualTo("Bearer " + fresh);
        assertThat(grants.store().list("alice", "tickets").getFirst().fingerprint())
                .isEqualTo(io.portcullis.identity.SubjectToken.hashPrefix(fresh));
    }

    @Test
    void aRefusedRefreshDeletesTheGrantAndAsksForConsentAgain() throws Exception {
        seed(jwt("alice@tickets", AUD, now.minusSeconds(1)), "revoked-refresh", now.minusSeconds(1));
        status.set(400);
        answer.set("{\"error\":\"invalid_grant\",\"error_description\":\"revoked\"}");
        assertThatThrownBy(() -> grants.delegation("tickets", settings(AUD), ALICE, Duration.ofSeconds(5)))
                .hasMessageContaining("refused to refresh your grant (invalid_grant)").hasMessageNotContaining("ticket=")
                .satisfies(e -> assertThat(((UserGrants.Refusal) e).callerText()).contains("/oauth/connect/tickets?ticket="));
        assertThat(grants.store().list("alice", null)).isEmpty();
    }

    @Test
    void anUnreachableAuthorizationServerRefusesAndKeepsTheGrant() throws Exception {
        seed(jwt("alice@tickets", AUD, now.minusSeconds(1)), "r1", now.minusSeconds(1));
        tokenEndpoint.stop(0);
        assertThatThrownBy(() -> grants.delegation("tickets", settings(AUD), ALICE, Duration.ofSeconds(2)))
                .hasMessageContaining("could not be reached");
        assertThat(grants.store().list("alice", null)).hasSize(1);
    }

    @Test
    void aRefreshedTokenForTheWrongAudienceIsNotSent() throws Exception {
        seed(jwt("alice@tickets", AUD, now.minusSeconds(1)), "r1", now.minusSeconds(1));
        answer.set("{\"access_token\":\"" + jwt("alice@tickets", "https://other.example", now.plusSeconds(3600))
                + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
        assertThatThrownBy(() -> grants.delegation("tickets", settings(AUD), ALICE, Duration.ofSeconds(5)))
                .hasMessageContaining("wrong audience").hasMessageContaining("https://other.example");
    }

    @Test
    void revokeDeletesTheUsersGrants() throws Exception {
        seed(jwt("alice@tickets", AUD, now.plusSeconds(3600)), null, now.plusSeconds(3600));
        assertThat(grants.revoke("alice", null, "tickets")).isEqualTo(1);
        assertThatThrownBy(() -> grants.delegation("tickets", settings(AUD), ALICE, Duration.ofSeconds(5)))
                .hasMessageContaining("you have not connected");
    }
}
