package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * #16 (C1.2): per-user upstream connections through the real gateway. A real IdP (mock-oauth2-server)
 * issues alice's and bob's tokens and exchanges them (RFC 8693); the upstream ({@link PerUserUpstream})
 * checks the bearer token on EVERY request, initialize and the GET stream included, and binds each of
 * its sessions to the subject that opened it. Each user gets an upstream session of their own, every
 * request of which carries that user's exchanged token; the clients' own tokens never arrive.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PerUserSessionsIT {
    static final String AUDIENCE = "https://crm.example/mcp";

    MockOAuth2Server idp;
    PerUserUpstream crm;
    CountingUpstream tickets;
    /** h9: a strict user_oauth upstream: answers nothing (401) without a token of the third party's issuer. */
    PerUserUpstream desk;
    /** h9: an upstream whose answers are resumed with GET + Last-Event-ID (SEP-1699 polling), reached per user. */
    io.portcullis.it.HttpFaultServer faults;
    static final String FAULTS_AUDIENCE = "https://faults.example/mcp";
    GatewayUnderTest gw;
    String idpBase;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getByName("127.0.0.1"), 0);
        idpBase = "http://127.0.0.1:" + idp.baseUrl().port();
        crm = new PerUserUpstream(idpBase + "/default", AUDIENCE);
        tickets = new CountingUpstream();
        // the third party's authorization server is the IdP's issuer "thirdparty"; a redeemed code gives a token with audience "default"
        desk = new PerUserUpstream(idpBase + "/thirdparty", "default");
        faults = io.portcullis.it.HttpFaultServer.start();
        Files.writeString(dir.resolve("exchange-secret"), "gateway-secret\n");
        byte[] kek = new byte[32];
        new java.security.SecureRandom().nextBytes(kek);
        Files.writeString(dir.resolve("vault.kek"), Base64.getEncoder().encodeToString(kek));
        gw = new GatewayUnderTest("""
                server: {host: 127.0.0.1, port: 0, data_dir: data}
                environments: [dev]
                upstreams:
                  crm:
                    url: "%1$s"
                    timeout: 20s
                    credentials:
                      mode: token_exchange
                      token_endpoint: %3$s/default/token
                      client_id: portcullis
                      client_secret: {file: exchange-secret}
                      audience: %4$s
                      max_user_sessions: 10
                      user_session_idle: 4s
                  tickets:
                    url: "%2$s"
                    timeout: 20s
                    credentials:
                      mode: user_oauth
                      authorization_endpoint: %3$s/thirdparty/authorize
                      token_endpoint: %3$s/thirdparty/token
                      client_id: portcullis
                  desk:
                    url: "%5$s"
                    timeout: 20s
                    credentials:
                      mode: user_oauth
                      authorization_endpoint: %3$s/thirdparty/authorize
                      token_endpoint: %3$s/thirdparty/token
                      client_id: portcullis
                      scope: "openid desk"
                  faults:
                    url: "%6$s"
                    timeout: 20s
                    credentials:
                      mode: token_exchange
                      token_endpoint: %3$s/default/token
                      client_id: portcullis
                      client_secret: {file: exchange-secret}
                      audience: %7$s
                vault:
                  kek: {file: vault.kek}
                identity:
                  max_token_lifetime: 1h
                  issuers:
                    - issuer: %3$s/default
                      discovery: %3$s/default/.well-known/openid-configuration
                """.formatted(crm.url(), tickets.url(), idpBase, AUDIENCE, desk.url(), faults.url(), FAULTS_AUDIENCE), dir,
                java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
                false); // crm answers nothing without a user's token: its shared (discovery) connection stays down
        io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(60), "the tickets upstream is listed",
                () -> gw.gateway.snapshot().catalog().tool("tickets__echo").isPresent());
        io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(60), "the IdP's keys are fetched", () -> {
            try {
                gw.open("/mcp", token("warm-up"));
                return true;
            } catch (IllegalStateException e) {
                return false;
            }
        });
    }

    @AfterAll
    void stop() throws Exception {
        gw.close();
        crm.close();
        tickets.close();
        desk.close();
        faults.close();
        idp.shutdown();
    }

    String token(String subject) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("iss", idpBase + "/default");
        claims.put("scope", "openid mcp:tools");
        return idp.issueToken("default", subject, gw.gateway.identity().resource("dev"), claims, 600).serialize();
    }

    GatewayUnderTest.Reply list(String token, String session) throws Exception {
        return gw.post("/mcp", token, session, GatewayUnderTest.request(3, "tools/list"));
    }

    GatewayUnderTest.Reply call(String token, String session, String tool, String message) throws Exception {
        ObjectNode call = GatewayUnderTest.request(2, "tools/call");
        call.putObject("params").put("name", tool).putObject("arguments").put("message", message);
        return gw.post("/mcp", token, session, call);
    }

    @Test
    void eachUserHasTheirOwnUpstreamSessionAndEveryRequestOfItCarriesTheirExchangedToken() throws Exception {
        String alice = token("alice");
        String bob = token("bob");
        String sa = gw.open("/mcp", alice);
        String sb = gw.open("/mcp", bob);
        // the upstream answers nothing without a user's token: the catalog has its tools from alice's own session
        assertThat(list(alice, sa).body()).contains("crm__echo");
        assertThat(call(alice, sa, "crm__echo", "pu-alice-1").body()).contains("seen sub=alice: pu-alice-1")
                .doesNotContain("isError\":true");
        assertThat(list(bob, sb).body()).contains("crm__echo");
        assertThat(call(bob, sb, "crm__echo", "pu-bob-1").body()).contains("seen sub=bob: pu-bob-1").doesNotContain("isError\":true");
        assertThat(call(alice, sa, "crm__echo", "pu-alice-2").body()).contains("seen sub=alice: pu-alice-2");

        for (String user : List.of("alice", "bob")) {
            // the GET stream is opened by a thread of its own once the session is set up
            io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(30), user + "'s GET stream was asked for",
                    () -> crm.onSessionsOf(user).stream().anyMatch(x -> "GET".equals(x.http())));
            List<PerUserUpstream.Seen> theirs = crm.onSessionsOf(user);
            assertThat(theirs).extracting(PerUserUpstream.Seen::method).as(user + "'s session")
                    .contains("initialize", "notifications/initialized", "tools/list", "tools/call");
            assertThat(theirs).extracting(PerUserUpstream.Seen::http).as("the GET stream too").contains("GET");
            for (PerUserUpstream.Seen s : theirs) {
                assertThat(s.subject()).as(s.toString()).isEqualTo(user);
                assertThat(s.status()).as(s.toString()).isIn(200, 202, 405);
                assertThat(SignedJWT.parse(s.authorization().substring("Bearer ".length())).getJWTClaimsSet().getAudience())
                        .containsExactly(AUDIENCE);
            }
        }
        assertThat(crm.owners.entrySet().stream().filter(e -> e.getValue().equals("alice")).count())
                .as("one upstream session for alice's calls").isGreaterThanOrEqualTo(1);
        // never another user's session, never a client's own token
        assertThat(crm.seen).noneMatch(s -> s.status() == 403);
        assertThat(crm.seen).extracting(PerUserUpstream.Seen::authorization)
                .doesNotContain("Bearer " + alice, "Bearer " + bob);
        // the shared (discovery) connection sends no user's credential: the upstream refused it, and that is all it got
        assertThat(crm.seen).filteredOn(s -> s.subject() == null).allMatch(s -> s.authorization() == null && s.status() == 401);
    }

    @Test
    void anIdleUserSessionIsClosedWithDeleteCarryingTheUsersToken() throws Exception {
        String carol = token("carol");
        String s = gw.open("/mcp", carol);
        assertThat(call(carol, s, "crm__echo", "pu-carol-1").body()).contains("seen sub=carol: pu-carol-1");
        io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(60), "carol's idle upstream session is ended",
                () -> crm.seen.stream().anyMatch(x -> "DELETE".equals(x.http()) && "carol".equals(x.subject()) && x.status() == 200));
        // she calls again: a new upstream session of hers
        assertThat(call(carol, s, "crm__echo", "pu-carol-2").body()).contains("seen sub=carol: pu-carol-2");
    }

    @Test
    void aUserOAuthUserWithoutAGrantGetsTheConsentPathAndNoUpstreamSessionIsOpened() throws Exception {
        String dave = token("dave");
        String s = gw.open("/mcp", dave);
        int before = tickets.calls();
        assertThat(list(dave, s).body()).as("no one else's listing").doesNotContain("tickets__echo");
        GatewayUnderTest.Reply r = call(dave, s, "tickets__echo", "pu-dave-1");
        assertThat(r.body()).contains("isError\":true").contains("credentials").contains("/oauth/connect/tickets?ticket=");
        assertThat(tickets.calls()).isEqualTo(before);
        assertThat(gw.gateway.credentials().sessions().openCount("tickets")).isZero();
    }

    /**
     * h9, #16: a strict {@code user_oauth} upstream (401 on every request without a user's token) has never
     * listed its tools, so the catalog does not know them: the FIRST user without a grant calling one gets the
     * consent link (not "starting", not unknown) and the upstream sees nothing of hers; her tools/list shows
     * none of its tools. After consent (the link followed with an HTTP client, no sign-in page), the same call
     * opens her own connection, lists, and runs on her own upstream session with her own token.
     */
    @Test
    void aStrictUserOAuthUpstreamOffersTheConsentLinkToTheFirstCallerAndAfterConsentTheCallRunsOnTheirOwnSession()
            throws Exception {
        String erin = token("erin");
        String s = gw.open("/mcp", erin);
        assertThat(gw.gateway.snapshot().catalog().tool("desk__echo")).as("nobody has listed desk yet").isEmpty();
        GatewayUnderTest.Reply r = call(erin, s, "desk__echo", "pu-erin-1");
        assertThat(r.body()).contains("isError\":true").contains("credentials").contains("/oauth/connect/desk?ticket=")
                .doesNotContain("Unknown tool").doesNotContain("pu-erin-1\"");
        assertThat(desk.seen).as("no request with a user's token").allMatch(x -> x.subject() == null && x.authorization() == null);
        assertThat(gw.gateway.credentials().sessions().openCount("desk")).isZero();
        assertThat(list(erin, s).body()).as("none of desk's tools without a grant").doesNotContain("desk__echo");

        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("http://127\\.0\\.0\\.1:\\d+/oauth/connect/desk\\?ticket=[A-Za-z0-9_-]+").matcher(r.body());
        assertThat(m.find()).as(r.body()).isTrue();
        java.net.http.HttpClient browser = java.net.http.HttpClient.newBuilder()
                .followRedirects(java.net.http.HttpClient.Redirect.ALWAYS).cookieHandler(new java.net.CookieManager()).build();
        java.net.http.HttpResponse<String> page = browser.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(m.group())).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("Connected").contains("desk");

        String ok = call(erin, s, "desk__echo", "pu-erin-2").body();
        assertThat(ok).as(ok + " / upstream saw " + desk.seen).doesNotContain("isError\":true").contains("seen sub=").contains("pu-erin-2");
        assertThat(gw.gateway.credentials().sessions().openCount("desk")).isEqualTo(1);
        List<PerUserUpstream.Seen> mine = desk.seen.stream().filter(x -> x.subject() != null).toList();
        assertThat(mine).extracting(PerUserUpstream.Seen::method).contains("initialize", "tools/list", "tools/call");
        String thirdPartySubject = mine.getFirst().subject();
        assertThat(mine).allMatch(x -> thirdPartySubject.equals(x.subject()) && x.status() != 403, "one user's own session");
        assertThat(desk.seen).extracting(PerUserUpstream.Seen::authorization).doesNotContain("Bearer " + erin);
        assertThat(list(erin, s).body()).as("her own listing now").contains("desk__echo");
    }

    /**
     * h9, #16: an answer on a user's own connection that the upstream ends early (SEP-1699 polling) is resumed
     * with GET + Last-Event-ID, and that GET carries the same user's exchanged token (audience = the upstream),
     * never the client's own token and never none.
     */
    @Test
    void aResumedAnswerOnAUsersOwnConnectionCarriesThatUsersExchangedToken() throws Exception {
        io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(60), "the faults upstream is listed",
                () -> gw.gateway.snapshot().catalog().tool("faults__poll").isPresent());
        String frank = token("frank");
        String s = gw.open("/mcp", frank);
        int before = faults.resumptions.get();
        String body = call(frank, s, "faults__poll", "pu-frank-poll").body();
        assertThat(body).doesNotContain("isError\":true").contains("pu-frank-poll");
        assertThat(faults.resumptions.get()).isEqualTo(before + 1);
        String auth = faults.resumedWith.getLast();
        assertThat(auth).startsWith("Bearer ").isNotEqualTo("Bearer " + frank);
        var claims = SignedJWT.parse(auth.substring("Bearer ".length())).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo("frank");
        assertThat(claims.getAudience()).containsExactly(FAULTS_AUDIENCE);
    }
}
