package io.portcullis.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.portcullis.audit.AuditQuery;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * #16 item 1 (C1.2): per-user credentials to upstreams through the real gateway. A real IdP
 * (mock-oauth2-server, which speaks the RFC 8693 token-exchange grant) issues the users' tokens and
 * exchanges them; HTTP upstreams of the project's own record the {@code Authorization} header each
 * call carried.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpstreamCredentialsIT {
    static final String AUDIENCE = "https://demo-upstream.example/mcp";

    MockOAuth2Server idp;
    CountingUpstream exchanged;
    CountingUpstream service;
    CountingUpstream broken;
    GatewayUnderTest gw;
    String idpBase;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getByName("127.0.0.1"), 0);
        idpBase = "http://127.0.0.1:" + idp.baseUrl().port();
        exchanged = new CountingUpstream();
        service = new CountingUpstream();
        broken = new CountingUpstream();
        Files.writeString(dir.resolve("exchange-secret"), "gateway-secret\n");
        Files.writeString(dir.resolve("service-token"), "svc-static-token-0123456789\n");
        gw = new GatewayUnderTest("""
                server: {host: 127.0.0.1, port: 0, data_dir: data}
                environments: [dev]
                upstreams:
                  demo:
                    url: "%1$s"
                    timeout: 10s
                    credentials:
                      mode: token_exchange
                      token_endpoint: %4$s/default/token
                      client_id: portcullis
                      client_secret: {file: exchange-secret}
                      audience: %5$s
                  svc:
                    url: "%2$s"
                    timeout: 10s
                    credentials: {mode: service, token: {file: service-token}}
                  broken:
                    url: "%3$s"
                    timeout: 10s
                    credentials:
                      mode: token_exchange
                      token_endpoint: %4$s/default/no-such-endpoint
                      client_id: portcullis
                      audience: %5$s
                identity:
                  max_token_lifetime: 1h
                  issuers:
                    - issuer: %4$s/default
                      discovery: %4$s/default/.well-known/openid-configuration
                    - issuer: %4$s/machines
                      jwks_uri: %4$s/machines/jwks
                      kind: service
                """.formatted(exchanged.url(), service.url(), broken.url(), idpBase, AUDIENCE), dir);
        // the gateway fetches each issuer's keys in the background and answers 503 until it has them (and
        // for 5 s after a failed fetch, as a busy machine's first discovery may time out): wait for both
        for (String issuer : List.of("default", "machines")) {
            io.portcullis.testing.Eventually.eventually(Duration.ofSeconds(60), "the keys of issuer " + issuer + " are fetched",
                    () -> keysReady(issuer));
        }
    }

    private boolean keysReady(String issuer) throws Exception {
        ObjectNode init = GatewayUnderTest.request(1, "initialize");
        init.putObject("params").put("protocolVersion", "2025-11-25").putObject("capabilities");
        ((ObjectNode) init.get("params")).putObject("clientInfo").put("name", "warm-up").put("version", "1");
        return gw.post("/mcp", token(issuer, "warm-up-" + issuer), null, init).status() != 503;
    }

    @AfterAll
    void stop() throws Exception {
        gw.close();
        exchanged.close();
        service.close();
        broken.close();
        idp.shutdown();
    }

    String token(String issuerId, String subject) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("iss", idpBase + "/" + issuerId);
        claims.put("scope", "openid mcp:tools");
        return idp.issueToken(issuerId, subject, gw.gateway.identity().resource("dev"), claims, 600).serialize();
    }

    GatewayUnderTest.Reply call(String token, String session, String tool, String message) throws Exception {
        ObjectNode call = GatewayUnderTest.request(2, "tools/call");
        call.putObject("params").put("name", tool).putObject("arguments").put("message", message);
        return gw.post("/mcp", token, session, call);
    }

    /** The one outcome record of the call whose arguments contain {@code marker}. */
    JsonNode outcome(String marker) {
        List<ObjectNode> found = gw.gateway.audit().query().search(new AuditQuery.Filter(null, null, null, null, null, null, "call", 10_000))
                .stream().filter(r -> r.path("arguments").toString().contains(marker)).toList();
        assertThat(found).as("outcome records with " + marker).hasSize(1);
        return found.getFirst();
    }

    static JWTClaimsSet claims(String authorization) throws Exception {
        assertThat(authorization).startsWith("Bearer ");
        return SignedJWT.parse(authorization.substring("Bearer ".length())).getJWTClaimsSet();
    }

    /**
     * Two users on the one upstream connection the gateway keeps (a shared legacy session): each call
     * carries its own caller's exchanged token, never the other's, never the caller's own token
     * (no passthrough), and a user's second call reuses the cached exchange.
     */
    @Test
    void twoUsersOnASharedUpstreamEachCarryTheirOwnExchangedToken() throws Exception {
        String alice = token("default", "alice");
        String bob = token("default", "bob");
        String sa = gw.open("/mcp", alice);
        String sb = gw.open("/mcp", bob);
        assertThat(call(alice, sa, "demo__echo", "te-alice-1").body()).contains("te-alice-1").doesNotContain("isError\":true");
        assertThat(call(bob, sb, "demo__echo", "te-bob-1").body()).contains("te-bob-1").doesNotContain("isError\":true");
        assertThat(call(alice, sa, "demo__echo", "te-alice-2").body()).contains("te-alice-2");

        String a1 = exchanged.authorizationOf("te-alice-1");
        String b1 = exchanged.authorizationOf("te-bob-1");
        assertThat(a1).isNotEqualTo("Bearer " + alice).isNotEqualTo(b1);
        assertThat(claims(a1).getSubject()).isEqualTo("alice");
        assertThat(claims(a1).getAudience()).containsExactly(AUDIENCE);
        assertThat(claims(b1).getSubject()).isEqualTo("bob");
        assertThat(claims(b1).getAudience()).containsExactly(AUDIENCE);
        assertThat(exchanged.authorizationOf("te-alice-2")).as("cached per user until shortly before expiry").isEqualTo(a1);

        // the audit record carries the delegation, never a token
        JsonNode rec = outcome("te-alice-1");
        JsonNode d = rec.path("delegation");
        assertThat(d.path("mode").asString()).isEqualTo("token_exchange");
        assertThat(d.path("principal").asString()).isEqualTo("alice");
        assertThat(d.path("token_subject").asString()).isEqualTo("alice");
        assertThat(d.path("token_audience").asString()).isEqualTo(AUDIENCE);
        assertThat(d.path("token_id").asString()).isEqualTo(claims(a1).getJWTID());
        assertThat(d.path("token_sha256_prefix").asString()).hasSize(12)
                .isEqualTo(SubjectToken.hashPrefix(a1.substring("Bearer ".length())));
        String text = rec.toString();
        assertThat(text).doesNotContain(a1.substring("Bearer ".length())).doesNotContain(alice);
        assertThat(outcome("te-bob-1").path("delegation").path("token_subject").asString()).isEqualTo("bob");
    }

    /** A stateless 2026-07-28 call is exchanged the same way. */
    @Test
    void aModernCallCarriesTheExchangedToken() throws Exception {
        String carol = token("default", "carol");
        ObjectNode call = GatewayUnderTest.request(3, "tools/call");
        ObjectNode params = call.putObject("params").put("name", "demo__echo");
        params.putObject("arguments").put("message", "te-carol-modern");
        ObjectNode meta = params.putObject("_meta");
        meta.put("io.modelcontextprotocol/protocolVersion", "2026-07-28");
        meta.putObject("io.modelcontextprotocol/clientCapabilities");
        meta.putObject("io.modelcontextprotocol/clientInfo").put("name", "credentials-it").put("version", "1");
        GatewayUnderTest.Reply r = gw.post("/mcp", carol, null, call, "MCP-Protocol-Version", "2026-07-28",
                "Mcp-Method", "tools/call", "Mcp-Name", "demo__echo");
        assertThat(r.body()).contains("te-carol-modern").doesNotContain("isError\":true");
        assertThat(claims(exchanged.authorizationOf("te-carol-modern")).getSubject()).isEqualTo("carol");
    }

    /** Fail closed: an exchange the IdP does not grant refuses the call, naming the control, in one line, without a token. */
    @Test
    void aFailedExchangeRefusesTheCallNamingTheControl() throws Exception {
        String dave = token("default", "dave");
        String s = gw.open("/mcp", dave);
        int before = broken.calls();
        GatewayUnderTest.Reply r = call(dave, s, "broken__echo", "te-broken-1");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("isError\":true").contains("credentials").doesNotContain(dave).doesNotContain("\\n");
        assertThat(broken.calls()).as("the upstream was not called").isEqualTo(before);
        JsonNode rec = outcome("te-broken-1");
        assertThat(rec.path("decision").path("control").asString()).isEqualTo("credentials");
        assertThat(rec.path("decision").path("outcome").asString()).isEqualTo("refused");
        assertThat(rec.toString()).doesNotContain(dave);
    }

    /** mode service: a user is refused (only service principals may use it); a service principal's call carries the service token. */
    @Test
    void aServiceCredentialServesServicePrincipalsOnly() throws Exception {
        String erin = token("default", "erin");
        String s = gw.open("/mcp", erin);
        int before = service.calls();
        GatewayUnderTest.Reply refused = call(erin, s, "svc__echo", "svc-user-1");
        assertThat(refused.body()).contains("isError\":true").contains("credentials").contains("service principals");
        assertThat(service.calls()).isEqualTo(before);

        String robot = token("machines", "nightly-batch");
        String rs = gw.open("/mcp", robot);
        assertThat(call(robot, rs, "svc__echo", "svc-robot-1").body()).contains("svc-robot-1").doesNotContain("isError\":true");
        assertThat(service.authorizationOf("svc-robot-1")).isEqualTo("Bearer svc-static-token-0123456789");
        JsonNode d = outcome("svc-robot-1").path("delegation");
        assertThat(d.path("mode").asString()).isEqualTo("service");
        assertThat(d.path("principal").asString()).isEqualTo("nightly-batch");
        assertThat(d.path("token_sha256_prefix").asString()).isEqualTo(SubjectToken.hashPrefix("svc-static-token-0123456789"));
        assertThat(outcome("svc-robot-1").toString()).doesNotContain("svc-static-token-0123456789");
    }
}
