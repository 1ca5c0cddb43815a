package io.portcullis.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import io.portcullis.call.Delegation;
import io.portcullis.identity.Principal;
import io.portcullis.identity.SubjectToken;
import io.portcullis.settings.UpstreamConfig;
import io.portcullis.settings.UpstreamCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import io.portcullis.testing.ManualTicker;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * #16 item 1: the RFC 8693 exchange against a real IdP (mock-oauth2-server): the token is cached
 * per user until {@code refresh_before} before it expires and never past the caller's own token;
 * every failure is one line without a token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenExchangerIT {
    static final String AUDIENCE = "https://upstream.example/mcp";
    static final Duration T = Duration.ofSeconds(30);
    MockOAuth2Server idp;
    String base;

    @BeforeAll
    void start() throws Exception {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getByName("127.0.0.1"), 0);
        base = "http://127.0.0.1:" + idp.baseUrl().port();
    }

    @AfterAll
    void stop() {
        idp.shutdown();
    }

    @TempDir
    Path dir;

    /** The gateway as a confidential client (mock-oauth2-server refuses an exchange without client authentication). */
    UpstreamCredentials exchange(String endpoint) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "gateway-secret\n");
        return new UpstreamCredentials(UpstreamCredentials.Mode.TOKEN_EXCHANGE, AUDIENCE, URI.create(endpoint), "portcullis",
                new UpstreamConfig.HeaderSource(null, secret, ""), null, Duration.ofSeconds(30), null, null);
    }

    Principal user(String subject, Instant expires) {
        String token = idp.issueToken("default", subject, "https://gateway.example/mcp", Map.of(), 3600).serialize();
        return new Principal(subject, Principal.Kind.USER, subject, List.of(), "client", "dev", "jwt", "jti-" + subject, expires,
                base + "/default", null, List.of()).withSubjectToken(new SubjectToken(token));
    }

    @Test
    void cachedPerUserUntilTheCallersOwnTokenExpires() throws Exception {
        ManualTicker clock = new ManualTicker(Instant.now());
        TokenExchanger x = new TokenExchanger(clock);
        UpstreamCredentials c = exchange(base + "/default/token");
        Principal alice = user("alice", clock.instant().plusSeconds(600));
        Delegation first = x.delegation("crm", c, alice, T);
        assertThat(SignedJWT.parse(first.authorization().substring(7)).getJWTClaimsSet().getAudience()).containsExactly(AUDIENCE);
        assertThat(first.tokenSubject()).isEqualTo("alice");
        assertThat(first.toString()).doesNotContain(first.authorization().substring(7));

        Delegation bob = x.delegation("crm", c, user("bob", clock.instant().plusSeconds(600)), T);
        assertThat(bob.authorization()).isNotEqualTo(first.authorization());
        assertThat(bob.tokenSubject()).isEqualTo("bob");

        clock.advance(Duration.ofSeconds(599));
        assertThat(x.delegation("crm", c, alice, T).authorization()).as("cached").isEqualTo(first.authorization());
        clock.advance(Duration.ofSeconds(2)); // past alice's own token: exchanged again
        assertThat(x.delegation("crm", c, alice, T).authorization()).isNotEqualTo(first.authorization());
    }

    @Test
    void refreshedThatLongBeforeTheExchangedTokenExpires() throws Exception {
        ManualTicker clock = new ManualTicker(Instant.now());
        TokenExchanger x = new TokenExchanger(clock);
        UpstreamCredentials c = exchange(base + "/default/token");
        Principal carol = user("carol", null);
        Delegation first = x.delegation("crm", c, carol, T);
        Instant exp = SignedJWT.parse(first.authorization().substring(7)).getJWTClaimsSet().getExpirationTime().toInstant();
        long usable = Duration.between(clock.instant(), exp).minusSeconds(30).getSeconds();
        clock.advance(Duration.ofSeconds(usable - 5));
        assertThat(x.delegation("crm", c, carol, T).authorization()).isEqualTo(first.authorization());
        clock.advance(Duration.ofSeconds(10));
        assertThat(x.delegation("crm", c, carol, T).authorization()).isNotEqualTo(first.authorization());
    }

    @Test
    void failuresAreOneLineWithoutAToken() throws Exception {
        TokenExchanger x = new TokenExchanger(new ManualTicker(Instant.now()));
        Principal dave = user("dave", null);
        String token = dave.subjectToken().reveal();
        UpstreamCredentials nope = exchange(base + "/default/nope");
        assertThatThrownBy(() -> x.delegation("crm", nope, dave, T))
                .isInstanceOf(TokenExchanger.ExchangeFailed.class)
                .hasMessageStartingWith("the IdP refused the token exchange for upstream crm")
                .hasMessageNotContaining(token).hasMessageNotContaining("\n");
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        UpstreamCredentials down = exchange("http://127.0.0.1:" + closed + "/token");
        assertThatThrownBy(() -> x.delegation("crm", down, dave, T))
                .isInstanceOf(TokenExchanger.ExchangeFailed.class).hasMessageContaining("could not be reached")
                .hasMessageNotContaining(token);
        Principal apiKey = new Principal("ci", Principal.Kind.SERVICE, "ci", List.of(), null, "dev", "api_key", "pcl1", null,
                "portcullis", null, List.of());
        UpstreamCredentials ok = exchange(base + "/default/token");
        assertThatThrownBy(() -> x.delegation("crm", ok, apiKey, T))
                .isInstanceOf(TokenExchanger.ExchangeFailed.class).hasMessageContaining("has no OAuth token to exchange");
        assertThat(x.cached()).isZero();
    }
}
