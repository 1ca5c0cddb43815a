package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.it.JvmPeers;
import io.portcullis.protocol.Json;
import io.portcullis.testing.Eventually;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.CookieManager;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * #16 "How it is shown — Faults" (checklist C1.2; #16 item 6, fail closed) for mode {@code user_oauth},
 * against a REAL authorization server: the third party's is mock-oauth2-server in a process of its own
 * ({@link IdpProcess}, non-interactive login, access tokens that live 3 seconds); the users' gateway
 * tokens come from another mock-oauth2-server (issuer {@code default}) that stays up. Grants are
 * obtained by following the gateway's single-use consent link with an HTTP client (the authorization
 * server signs in without a page and redirects to {@code /oauth/callback}). The upstream
 * ({@link VerifyingUpstream}) verifies each call's bearer token and counts what reaches it.
 * <ol>
 *   <li>(#16 faults: IdP stopped mid-run) alice's access token has expired and the authorization
 *       server is killed by its PID → the call is refused (control {@code credentials}, naming the
 *       unreachable server), nothing reaches the upstream, and the grant is kept (admin API);</li>
 *   <li>(#16 faults: expired refresh token) the authorization server is started again on the same port
 *       and no longer knows the refresh token (it answers {@code invalid_grant}, "unknown
 *       refresh_token") → refused, the grant is deleted, and the next call asks for consent again
 *       (the link in text, -32042 URL elicitation for a client that declares it); nothing upstream;</li>
 *   <li>(#16 faults: wrong audience) {@code user_oauth} checks the configured {@code audience}: bob's
 *       grant was issued for {@code tickets-api}, its refresh returns a token for {@code other-api} →
 *       refused, nothing upstream.</li>
 * </ol>
 * The stubbed-endpoint unit test of the same branches is {@code UserGrantsTest}; this is the real-server proof.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UserOAuthFaultsIT {
    static final String AUDIENCE = "tickets-api";
    /** The first run of the authorization server: every token it issues names the upstream's audience. */
    static final String FIRST = """
            {"interactiveLogin": false, "tokenCallbacks": [{"issuerId": "thirdparty", "tokenExpiry": 3,
              "requestMappings": [{"requestParam": "grant_type", "match": ".*",
                "claims": {"sub": "tp-user", "aud": ["tickets-api"]}}]}]}
            """.replace("\n", " ");
    /** The second run: codes are redeemed for the right audience, refreshes answer with a token for another. */
    static final String SECOND = """
            {"interactiveLogin": false, "tokenCallbacks": [{"issuerId": "thirdparty", "tokenExpiry": 3,
              "requestMappings": [
                {"requestParam": "grant_type", "match": "refresh_token", "claims": {"sub": "tp-user", "aud": ["other-api"]}},
                {"requestParam": "grant_type", "match": ".*", "claims": {"sub": "tp-user", "aud": ["tickets-api"]}}]}]}
            """.replace("\n", " ");

    /** The refusals' reasons as docs/operations/credentials.md quotes them (checked against both). */
    static final String DOWN = "needs refreshing and the authorization server of upstream tickets at 127.0.0.1 could not be reached";
    static final String REFUSED = "refused to refresh your grant (invalid_grant)";
    static final String WRONG = "returned a token for the wrong audience [other-api] (expected tickets-api)";

    MockOAuth2Server users;
    String usersBase;
    Process tp;
    int tpPort;
    VerifyingUpstream upstream;
    GatewayUnderTest gw;
    String admin;
    String alice;
    String aliceSession;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        users = new MockOAuth2Server(new OAuth2Config());
        users.start(InetAddress.getByName("127.0.0.1"), 0);
        usersBase = "http://127.0.0.1:" + users.baseUrl().port();
        // a port given (not 0), so its sockets are bound with SO_REUSEADDR and the second run can bind it
        // again while the first run's closed connections linger (mockwebserver reuses only a given port)
        tpPort = startAuthorizationServer(FIRST, io.portcullis.it.peers.Peers.freePort());
        String tpBase = "http://127.0.0.1:" + tpPort;
        byte[] kek = new byte[32];
        new java.security.SecureRandom().nextBytes(kek);
        Files.writeString(dir.resolve("vault.kek"), Base64.getEncoder().encodeToString(kek));
        upstream = new VerifyingUpstream(tpBase + "/thirdparty");
        gw = new GatewayUnderTest("""
                server: {host: 127.0.0.1, port: 0, data_dir: data}
                environments: [dev]
                upstreams:
                  tickets:
                    url: "%1$s"
                    timeout: 5s
                    credentials:
                      mode: user_oauth
                      authorization_endpoint: %2$s/thirdparty/authorize
                      token_endpoint: %2$s/thirdparty/token
                      client_id: portcullis
                      scope: "openid tickets"
                      audience: %4$s
                      refresh_before: 1s
                vault:
                  kek: {file: vault.kek}
                identity:
                  max_token_lifetime: 1h
                  admin_roles: [portcullis-admin]
                  issuers:
                    - issuer: %3$s/default
                      discovery: %3$s/default/.well-known/openid-configuration
                """.formatted(upstream.url(), tpBase, usersBase, AUDIENCE), dir);
        alice = UserOAuthIT.token(users, usersBase, gw, "alice", List.of());
        Eventually.eventually(Duration.ofSeconds(60), "the IdP's keys are fetched", () -> {
            try {
                gw.open("/mcp", alice);
                return true;
            } catch (IllegalStateException e) {
                return false;
            }
        });
        aliceSession = gw.open("/mcp", alice);
        admin = UserOAuthIT.token(users, usersBase, gw, "root", List.of("portcullis-admin"));
    }

    @AfterAll
    void stop() throws Exception {
        gw.close();
        upstream.close();
        if (tp.isAlive()) {
            tp.destroy();
            tp.waitFor(30, TimeUnit.SECONDS);
        }
        users.shutdown();
    }

    /** Starts the third party's authorization server (a child process) on {@code port}; returns its port. */
    int startAuthorizationServer(String config, int port) throws Exception {
        tp = new ProcessBuilder(JvmPeers.testMain(IdpProcess.class, config, Integer.toString(port)))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(tp.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        assertThat(first).as("the authorization server's first line").startsWith("port ");
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // whatever else it prints is not read
                }
            } catch (java.io.IOException ended) {
                // the process ended
            }
        });
        drain.setDaemon(true);
        drain.start();
        return Integer.parseInt(first.substring("port ".length()).trim());
    }

    String call(String token, String session, String message) throws Exception {
        return UserOAuthIT.call(gw, token, session, message);
    }

    /** Follows a consent link as a browser would: gateway → authorization server (no sign-in page) → gateway callback. */
    static void connect(String link) throws Exception {
        HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.ALWAYS).cookieHandler(new CookieManager()).build();
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create(link)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("Connected").contains("tickets");
    }

    /** The user's grants as the admin API lists them (fingerprints, never tokens). */
    JsonNode grants(String user) throws Exception {
        GatewayUnderTest.Reply listed = gw.get("/admin/api/credentials?user=" + user, admin);
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body()).doesNotContain("eyJ");
        return Json.parse(listed.body()).path("grants");
    }

    /** Awaits the moment the stored grant's access token has expired (the gateway recorded its expiry). */
    void awaitExpiry(JsonNode grant) {
        Instant expires = Instant.parse(grant.path("expires").asString());
        Eventually.eventually(Duration.ofSeconds(30), "the access token expired", () -> Instant.now().isAfter(expires));
    }

    int reached() {
        return upstream.accepted.get() + upstream.refused.get();
    }

    void refusedByCredentials(String body, String marker, String reason) {
        assertThat(body).contains("isError\":true").contains("credentials").contains(reason).doesNotContain("eyJ");
        JsonNode rec = UserOAuthIT.outcome(gw, marker);
        assertThat(rec.path("decision").path("control").asString()).isEqualTo("credentials");
        assertThat(rec.path("decision").path("outcome").asString()).isEqualTo("refused");
        assertThat(rec.toString()).doesNotContain("eyJ").doesNotContain("ticket=");
    }

    /** (a) the access token expired, the authorization server is down: refused, nothing sent, the grant kept. */
    @Test
    @Order(1)
    void anExpiredTokenWithTheAuthorizationServerDownIsRefusedAndTheGrantKept() throws Exception {
        connect(UserOAuthIT.link(call(alice, aliceSession, "uof-a-0")));
        String ok = call(alice, aliceSession, "uof-a-1");
        assertThat(ok).doesNotContain("isError\":true").contains("seen sub=tp-user aud=tickets-api").contains("uof-a-1");
        assertThat(upstream.accepted.get()).isEqualTo(1);
        JsonNode grant = grants("alice").path(0);
        assertThat(grant.path("upstream").asString()).isEqualTo("tickets");
        awaitExpiry(grant);

        long pid = tp.pid();
        ProcessHandle.of(pid).orElseThrow().destroy(); // stopped by its PID
        assertThat(tp.waitFor(30, TimeUnit.SECONDS)).as("the authorization server %d ended", pid).isTrue();

        int before = reached();
        refusedByCredentials(call(alice, aliceSession, "uof-a-2"), "uof-a-2", DOWN);
        assertThat(reached()).as("nothing reached the upstream").isEqualTo(before);
        JsonNode kept = grants("alice");
        assertThat(kept).as("the grant is kept for when the server is back").hasSize(1);
        assertThat(kept.path(0).path("token_sha256_prefix").asString()).isEqualTo(grant.path("token_sha256_prefix").asString());
    }

    /** (b) the authorization server is back but refuses the refresh (invalid_grant): refused, consent asked again. */
    @Test
    @Order(2)
    void aRefreshTheServerRefusesIsRefusedAndTheNextCallAsksForConsentAgain() throws Exception {
        assertThat(startAuthorizationServer(SECOND, tpPort)).isEqualTo(tpPort);
        int before = reached();
        String refused = call(alice, aliceSession, "uof-b-1");
        refusedByCredentials(refused, "uof-b-1", REFUSED);
        UserOAuthIT.link(refused); // the caller is asked to connect again at once
        assertThat(grants("alice")).as("the refused grant is deleted").isEmpty();

        // the next call asks for consent: the link in text, or -32042 for a client that declares URL elicitation
        String next = call(alice, aliceSession, "uof-b-2");
        refusedByCredentials(next, "uof-b-2", "you have not connected");
        UserOAuthIT.link(next);
        JsonNode url = UserOAuthElicitationIT.client(gw, alice, "{\"elicitation\":{\"url\":{}}}", "uof-b-3");
        assertThat(url.path("code").asInt()).as(url.toString()).isEqualTo(-32042);
        assertThat(url.path("message").asString()).contains("Refused by Portcullis (credentials)");
        assertThat(url.path("elicitations").path(0).path("url").asString()).matches(UserOAuthIT.LINK.pattern());
        assertThat(reached()).as("nothing reached the upstream").isEqualTo(before);
    }

    /** (c) the refresh returns a token for another audience: refused, nothing sent. */
    @Test
    @Order(3)
    void aRefreshedTokenForTheWrongAudienceIsRefusedAndNothingIsSent() throws Exception {
        String bob = UserOAuthIT.token(users, usersBase, gw, "bob", List.of());
        String sb = gw.open("/mcp", bob);
        connect(UserOAuthIT.link(call(bob, sb, "uof-c-0"))); // the code is redeemed for tickets-api: stored
        JsonNode grant = grants("bob").path(0);
        assertThat(grant.path("upstream").asString()).isEqualTo("tickets");
        awaitExpiry(grant);

        int before = reached();
        String refused = call(bob, sb, "uof-c-1");
        refusedByCredentials(refused, "uof-c-1", WRONG);
        assertThat(reached()).as("nothing reached the upstream").isEqualTo(before);
    }

    /** docs/operations/credentials.md quotes the three reasons as the gateway gives them (asserted above). */
    @Test
    @Order(4)
    void theDocsQuoteTheReasonsAsGiven() throws Exception {
        String doc = Files.readString(Path.of("docs/operations/credentials.md")).replaceAll("\\s+", " ");
        assertThat(doc).contains(DOWN).contains(REFUSED).contains(WRONG).contains("`UserOAuthFaultsIT`");
    }
}
